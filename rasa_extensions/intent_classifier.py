"""Intents from a linear model over a message's count features and its e5 sentence vector; the CRF keeps the entities.

Measured by 3-fold cross-validation of the twelve languages (the same split for all): DIET given the same features
(word and character counts plus the e5 vector) reached intent F1 0.79-0.86 per language (mean 0.82); about half of
its misses were held-out messages it was too unsure of, which the fallback threshold then turned into
`nlu_fallback`. A logistic regression over the same features, with the counts scaled to unit length and the
sentence vector weighted twice, reached 0.88-0.95 (mean 0.909); a linear support vector machine over the same
matrix 0.90-0.95 (mean 0.920), with its confidences from Platt scaling.

It is Rasa's own `LogisticRegressionClassifier` (training data, ranking) with its model swapped for a linear SVM
(rasa_extensions/linear_svm.py: libsvm's one-against-one machines and Platt sigmoids, the pairs trained on all
cores), and the two feature blocks put on one scale before they meet. A trained model is saved as what predicting
needs, the weight vectors and sigmoids in a NumPy archive read without pickle. Rasa saves its model with skops,
whose import alone (it lists every scikit-learn estimator) took 8.5 of the Rasa server's 28 s start-up.
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
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix

from rasa_extensions.linear_svm import LinearOneVsOneProbabilities

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
        # Untrained: `train` fits it, `load` reads it.
        self.clf: LinearOneVsOneProbabilities | None = None

    def train(self, training_data: TrainingData) -> Resource:
        """Fits and saves the SVM; its Platt scaling gives the confidences the fallback threshold compares, seeded
        so that training is repeatable."""
        X, y = self._create_training_matrix(training_data)
        if X.shape[0] == 0:
            return self._resource  # nothing to learn from, as in Rasa: no model is saved
        self.clf = LinearOneVsOneProbabilities.fit(
            X, y, C=float(self.config["C"]), random_state=self.config["random_state"]
        )
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / _ARRAYS_FILE, **self.clf.arrays())

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
