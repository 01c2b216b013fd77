"""Intents from a linear model over a message's count features and its e5 sentence vector; the CRF keeps the entities.

Measured by 3-fold cross-validation of the twelve languages (the same split for all): DIET given the same features
(word and character counts plus the e5 vector) reached intent F1 0.79-0.86 per language (mean 0.82); about half of
its misses were held-out messages it was too unsure of, which the fallback threshold then turned into
`nlu_fallback`. A logistic regression over the same features, with the counts scaled to unit length and the
sentence vector weighted twice, reached 0.88-0.95 (mean 0.909); a linear support vector machine over the same
matrix 0.90-0.95 (mean 0.920), with its confidences from Platt scaling. Both train in about a minute on 2 cores
(the SVM 59 s in `make train`, its Platt scaling fitted by internal cross-validation).

It is Rasa's own `LogisticRegressionClassifier` (training, ranking) with its model swapped for scikit-learn's
`SVC(kernel="linear", probability=True)`, and the two feature blocks put on one scale before they meet. A trained
model is saved as what predicting needs, the SVM's weight vectors and Platt sigmoids in a NumPy archive read
without pickle, and a loaded model predicts through `LinearOneVsOneProbabilities`, the same confidences from those
weights instead of the support vectors. Rasa saves the fitted SVC with skops instead, whose import alone (it lists
every scikit-learn estimator) took 8.5 of the Rasa server's 28 s start-up.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix
from scipy.special import expit
from sklearn.svm import SVC

#: The arrays of a saved model (`LinearOneVsOneProbabilities.arrays`), in one `.npz` file of the resource.
_ARRAYS_FILE = "linear_svm.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SentenceIntentClassifier(LogisticRegressionClassifier):
    """Rasa's intent classifier shell around a linear SVM, for count features beside a pretrained sentence vector."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            # Inverse regularisation strength. 3-fold CV, mean intent F1: 0.916 at 1, 0.921 at 3, 0.920 at 10 and 30.
            "C": 10.0,
            # The sentence vector's weight beside the unit-length counts (measured with the logistic regression):
            # 0.889 at 1, 0.909 at 2, 0.906 at 3.
            "dense_weight": 2.0,
        }

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        for key in ("C", "dense_weight"):
            value = self.config[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise InvalidConfigException(
                    f"{type(self).__name__}: '{key}' must be a positive number, not {value!r}."
                )
        # Platt scaling gives the confidences the fallback threshold compares; seeded, so training is repeatable.
        self.clf = SVC(
            kernel="linear", C=float(self.config["C"]), probability=True, random_state=self.config["random_state"]
        )

    def persist(self) -> None:
        """Saves what predicting needs (Rasa's `train` calls this after fitting)."""
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / _ARRAYS_FILE, **LinearOneVsOneProbabilities.from_svc(self.clf).arrays())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceIntentClassifier:
        """The trained classifier. A model that cannot be read fails to load here, loudly, rather than serving
        without intents (Rasa's own `load` quietly returns an untrained classifier)."""
        with model_storage.read_from(resource) as model_dir, np.load(model_dir / _ARRAYS_FILE) as arrays:
            probabilities = LinearOneVsOneProbabilities(**arrays)
        component = cls(config, execution_context.node_name, model_storage, resource)
        component.clf = probabilities
        return component

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        """One row per message: its sentence-level counts (every sparse featurizer's, in pipeline order) scaled to
        unit length, then its sentence vector times `dense_weight`.

        Built as one CSR matrix from the messages' own feature blocks: Rasa's `get_sparse_features` also
        deep-copies and joins the per-token features, which no classifier here uses, and scipy's stacking and
        scaling calls cost a fixed 0.1-0.2 ms each; for one message that was 2 ms of the NLU's 15.
        """
        weight = self.config["dense_weight"]
        data: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        row_starts = [0]
        width = 0
        for message in messages:
            offset, row_data, row_columns = 0, [], []
            for block in _sentence_features(message, sparse=True):
                block = block.tocoo()  # one row; Rasa's sentence counts are sums, without repeated columns
                row_data.append(block.data)
                row_columns.append(block.col + offset)
                offset += block.shape[1]
            counts = np.concatenate(row_data) if row_data else np.zeros(0)
            norm = np.sqrt(np.dot(counts, counts))
            row_data = [counts / norm if norm else counts]
            for vector in _sentence_features(message, sparse=False):
                vector = np.ravel(vector)
                row_data.append(vector * weight)
                row_columns.append(np.arange(offset, offset + vector.size))
                offset += vector.size
            data.extend(row_data)
            columns.extend(row_columns)
            row_starts.append(row_starts[-1] + sum(part.size for part in row_data))
            width = max(width, offset)
        return csr_matrix(
            (
                np.concatenate(data) if data else np.zeros(0),
                np.concatenate(columns).astype(np.int32) if columns else np.zeros(0, dtype=np.int32),
                np.array(row_starts),
            ),
            shape=(len(messages), width),
        )


def _sentence_features(message: Message, *, sparse: bool) -> list[Any]:
    """The message's sentence-level feature matrices for its text, sparse or dense, in the order they were added."""
    return [
        features.features
        for features in message.features
        if features.attribute == TEXT and features.type == FEATURE_TYPE_SENTENCE and features.is_sparse() == sparse
    ]


class LinearOneVsOneProbabilities:
    """The `classes_` and `predict_proba` of a fitted `SVC(kernel="linear", probability=True)`, from its weights.

    libsvm computes a message's decision value for each pair of intents from every support vector: about 4,000 of
    them with 1.8 million non-zero values in the bot's model, 5 ms of the NLU's 20 per message. With a linear kernel
    the support vectors of each pair add up to one weight vector (scikit-learn's `coef_`), so the same 120 values
    are one product with a (features x pairs) matrix: 0.02 ms. Platt's sigmoids then turn them into pairwise
    probabilities exactly as libsvm does, and those are coupled into one probability per intent by solving the
    linear system of Wu, Lin and Weng's second method, whose optimum libsvm approaches by iteration (stopping within
    0.005 / number of intents): on the bot's model the confidences agree with libsvm's to 0.001, with the same
    top intent.
    """

    def __init__(
        self,
        classes: np.ndarray,
        weights: np.ndarray,
        intercept: np.ndarray,
        sigmoid_a: np.ndarray,
        sigmoid_b: np.ndarray,
    ) -> None:
        """`weights` is (features x pairs) and signed as libsvm's decision values, pairs in libsvm's order."""
        pairs = len(classes) * (len(classes) - 1) // 2
        if weights.ndim != 2 or {weights.shape[1], len(intercept), len(sigmoid_a), len(sigmoid_b)} != {pairs}:
            raise ValueError(f"a linear SVM of {len(classes)} classes has {pairs} pairs: the arrays do not fit")
        self.classes_ = classes
        self._weights = np.ascontiguousarray(weights)  # row-major for a sparse row times it
        self._intercept = intercept
        self._sigmoid_a, self._sigmoid_b = sigmoid_a, sigmoid_b
        self._pairs = np.triu_indices(len(self.classes_), 1)  # libsvm's order: (0, 1), (0, 2), ..., (k-2, k-1)

    @classmethod
    def from_svc(cls, svc: SVC) -> LinearOneVsOneProbabilities:
        weights, intercept = svc.coef_, svc.intercept_
        weights = weights.toarray() if hasattr(weights, "toarray") else np.asarray(weights)
        if len(svc.classes_) == 2:
            # For two classes scikit-learn reports the decision function with the opposite sign to libsvm's, whose
            # sign the Platt sigmoid was fitted to.
            weights, intercept = -weights, -intercept
        return cls(np.asarray(svc.classes_), weights.T, intercept, svc.probA_, svc.probB_)

    def arrays(self) -> dict[str, np.ndarray]:
        """The constructor's arguments: all there is to save (class names as a unicode array, not objects)."""
        return {
            "classes": np.asarray(self.classes_, dtype=str),
            "weights": self._weights,
            "intercept": self._intercept,
            "sigmoid_a": self._sigmoid_a,
            "sigmoid_b": self._sigmoid_b,
        }

    def predict_proba(self, X: csr_matrix) -> np.ndarray:
        decisions = np.asarray(X @ self._weights) + self._intercept
        # P(first intent of the pair rather than the second), bounded away from 0 and 1 as libsvm bounds it.
        pairwise = np.clip(expit(-(decisions * self._sigmoid_a + self._sigmoid_b)), 1e-7, 1 - 1e-7)
        return np.array([self._coupled(row) for row in pairwise])

    def _coupled(self, pairwise: np.ndarray) -> np.ndarray:
        """Minimises p'Qp subject to sum(p) = 1 (Wu, Lin and Weng 2004, method 2): Q p + b = 0, sum(p) = 1."""
        count = len(self.classes_)
        beats = np.zeros((count, count))
        beats[self._pairs] = pairwise
        beats.T[self._pairs] = 1 - pairwise
        system = np.zeros((count + 1, count + 1))
        system[:count, :count] = -(beats.T * beats) + np.diag((beats**2).sum(axis=0))
        system[:count, count] = system[count, :count] = 1.0
        target = np.zeros(count + 1)
        target[count] = 1.0
        return np.linalg.solve(system, target)[:count]
