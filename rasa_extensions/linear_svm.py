"""A linear support vector machine over intents, one pair of intents at a time, with libsvm's probabilities.

scikit-learn's `SVC(kernel="linear", probability=True)` trains libsvm's one-against-one machines, each pair of
intents on its own, and fits each pair's Platt sigmoid by an internal 5-fold cross-validation: six trainings of
each of the 120 pairs, all on one core, 127 s of `make train` on 2 cores. The pairs are independent problems, so
`LinearOneVsOneProbabilities.fit` trains each with a binary `SVC` of the same settings, the pairs spread over the
cores (processes: libsvm holds the GIL). Each pair's problem is the one libsvm solves inside the multi-class SVC,
with the same seeded Platt cross-validation: the same weights, sigmoids and probabilities (tests/unit). On the
3-fold split of bench/nlu_eval.py every language's intent F1 was the same, in 105 s instead of 195 on 2 cores.

Nothing here imports Rasa: the worker processes load this module alone.
"""

from __future__ import annotations

import os

import numpy as np
from joblib import Parallel, delayed
from scipy.sparse import csr_matrix
from scipy.special import expit
from sklearn.svm import SVC


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

    @classmethod
    def fit(
        cls, X: csr_matrix, y: list[str], C: float, random_state: int | None, n_jobs: int | None = None
    ) -> LinearOneVsOneProbabilities:
        """libsvm's machines for each pair of classes (in libsvm's order), trained on `n_jobs` processes (default:
        one per core)."""
        labels = np.asarray(y)
        classes = np.unique(labels)
        if len(classes) < 2:
            raise ValueError(f"a classifier needs at least two classes, not {len(classes)}")
        first, second = np.triu_indices(len(classes), 1)
        jobs = min(n_jobs or os.cpu_count() or 1, len(first))
        fitted = Parallel(n_jobs=jobs)(
            delayed(_fit_pair)(X, labels, classes[a], classes[b], C, random_state)
            for a, b in zip(first, second, strict=True)
        )
        weights, intercept, sigmoid_a, sigmoid_b = (np.array(values) for values in zip(*fitted, strict=True))
        return cls(classes, weights.T, intercept, sigmoid_a, sigmoid_b)

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


def _fit_pair(
    X: csr_matrix, labels: np.ndarray, first: str, second: str, C: float, random_state: int | None
) -> tuple[np.ndarray, float, float, float]:
    """The weight vector, intercept and Platt sigmoid of the machine telling `first` from `second`, signed as in
    libsvm's one-against-one (positive: `first`)."""
    rows = np.flatnonzero((labels == first) | (labels == second))
    svc = SVC(kernel="linear", C=C, probability=True, random_state=random_state).fit(X[rows], labels[rows])
    pair = LinearOneVsOneProbabilities.from_svc(svc).arrays()
    return pair["weights"][:, 0], float(pair["intercept"][0]), float(pair["sigmoid_a"][0]), float(pair["sigmoid_b"][0])
