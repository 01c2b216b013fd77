"""The intent classifier: Rasa's logistic regression shell around a linear SVM, its feature blocks on one scale, saved
as the SVM's weights and loaded back without pickle or skops."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.svm import SVC

from rasa_extensions.intent_classifier import SentenceIntentClassifier
from rasa_extensions.linear_svm import LinearOneVsOneProbabilities

DEFAULTS = SentenceIntentClassifier.get_default_config()
ROOT = Path(__file__).resolve().parents[2]


def message(counts: list[float], sentence: list[float], intent: str | None = None) -> Message:
    data = {TEXT: "some text"} | ({"intent": intent} if intent else {})
    result = Message(data)
    result.add_features(Features(scipy.sparse.coo_matrix([counts]), "sentence", TEXT, "counts"))
    result.add_features(Features(np.array([sentence], dtype=np.float32), "sentence", TEXT, "e5"))
    return result


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def create(storage, **config) -> SentenceIntentClassifier:
    context = ExecutionContext(GraphSchema({}), "test")
    return SentenceIntentClassifier.create({**DEFAULTS, **config}, storage, Resource("intents"), context)


def test_counts_are_scaled_to_unit_length_and_the_sentence_vector_is_weighted(storage) -> None:
    classifier = create(storage, dense_weight=2.0)
    row = classifier._create_X([message([3.0, 4.0, 0.0], [0.6, 0.8])]).toarray()[0]
    np.testing.assert_allclose(row, [0.6, 0.8, 0.0, 1.2, 1.6], atol=1e-6)


def test_an_untrained_classifier_has_no_model(storage) -> None:
    assert create(storage).clf is None


def training_data() -> TrainingData:
    examples = []
    for shift in range(6):
        examples.append(message([5.0 + shift, 0.0, 1.0], [1.0, 0.0], "greet"))
        examples.append(message([0.0, 5.0 + shift, 1.0], [0.0, 1.0], "goodbye"))
    return TrainingData(training_examples=examples)


def test_trains_predicts_and_loads_back_with_the_same_predictions(storage) -> None:
    classifier = create(storage)
    resource = classifier.train(training_data())
    hello, bye = message([4.0, 0.0, 1.0], [0.9, 0.1]), message([0.0, 4.0, 1.0], [0.2, 0.8])
    classifier.process([hello, bye])
    assert (hello.get("intent")["name"], bye.get("intent")["name"]) == ("greet", "goodbye")
    assert hello.get("intent")["confidence"] > 0.7

    context = ExecutionContext(GraphSchema({}), "test")
    loaded = SentenceIntentClassifier.load(DEFAULTS, storage, resource, context)
    again = message([4.0, 0.0, 1.0], [0.9, 0.1])
    loaded.process([again])
    assert isinstance(loaded.clf, LinearOneVsOneProbabilities)
    assert [entry["name"] for entry in again.get("intent_ranking")] == [
        entry["name"] for entry in hello.get("intent_ranking")
    ]
    for ours, libsvms in zip(again.get("intent_ranking"), hello.get("intent_ranking"), strict=True):
        assert ours["confidence"] == pytest.approx(libsvms["confidence"], abs=1e-3)


def test_the_saved_model_is_plain_arrays_read_without_pickle(storage) -> None:
    resource = create(storage).train(training_data())
    with storage.read_from(resource) as model_dir:
        (saved,) = model_dir.iterdir()
        with np.load(saved, allow_pickle=False) as arrays:  # object arrays would need pickle and fail here
            assert sorted(arrays) == ["classes", "intercept", "sigmoid_a", "sigmoid_b", "weights"]
            assert list(arrays["classes"]) == ["goodbye", "greet"]
            assert arrays["weights"].shape == (5, 1)  # 3 counts + 2 sentence dimensions, 1 pair of intents


def test_a_model_without_its_arrays_fails_to_load_loudly(storage) -> None:
    context = ExecutionContext(GraphSchema({}), "test")
    with pytest.raises((ValueError, FileNotFoundError)):
        SentenceIntentClassifier.load(DEFAULTS, storage, Resource("never-trained"), context)


def test_arrays_that_do_not_fit_the_classes_are_refused() -> None:
    three_classes = np.array(["a", "b", "c"])  # three pairs
    with pytest.raises(ValueError, match="3 pairs"):
        LinearOneVsOneProbabilities(three_classes, np.zeros((4, 2)), np.zeros(3), np.ones(3), np.zeros(3))


def test_loading_a_model_does_not_import_skops(storage, tmp_path) -> None:
    """skops lists every scikit-learn estimator when imported: 8.5 s of the server's start-up."""
    resource = create(storage).train(training_data())
    script = f"""
import sys
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa_extensions.intent_classifier import SentenceIntentClassifier
from pathlib import Path
storage = LocalModelStorage(Path({str(tmp_path)!r}))
SentenceIntentClassifier.load(SentenceIntentClassifier.get_default_config(), storage, Resource({resource.name!r}),
                              ExecutionContext(GraphSchema({{}}), "test"))
print("skops" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("classes", [2, 3, 7])
def test_probabilities_from_the_weights_are_libsvms(classes: int) -> None:
    """The SVM's own `predict_proba` over its support vectors against the one product with its weight vectors."""
    features, labels, held_out = _separable(classes, seed=classes)
    svc = SVC(kernel="linear", C=1.0, probability=True, random_state=0).fit(features, labels)
    libsvms, ours = svc.predict_proba(held_out), LinearOneVsOneProbabilities.from_svc(svc).predict_proba(held_out)
    # libsvm stops iterating once the optimality condition holds within 0.005 / classes; ours is the optimum.
    np.testing.assert_allclose(ours, libsvms, atol=5e-3)
    np.testing.assert_allclose(ours.sum(axis=1), 1.0)
    assert (ours.argmax(axis=1) == libsvms.argmax(axis=1)).all()


def _separable(classes: int, seed: int) -> tuple[scipy.sparse.csr_matrix, np.ndarray, scipy.sparse.csr_matrix]:
    """Noisy clusters, one per class, as sparse rows (like the counts): training rows, labels and held-out rows."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, 40)) * 1.5
    labels = np.repeat(np.arange(classes), 30)
    features = scipy.sparse.csr_matrix(
        np.where(rng.random((len(labels), 40)) < 0.3, 0.0, 1.0) * (centres[labels] + rng.normal(size=(len(labels), 40)))
    )
    held_out = scipy.sparse.csr_matrix(centres[rng.integers(0, classes, 50)] + rng.normal(size=(50, 40)) * 2)
    return features, np.array([f"intent{label}" for label in labels]), held_out


@pytest.mark.parametrize(("classes", "C"), [(2, 1.0), (4, 10.0), (5, 0.05)])
def test_pairs_trained_apart_are_libsvms_machines(classes: int, C: float) -> None:
    """Each pair's problem is the one libsvm solves inside a multi-class SVC, with the same seeded Platt
    cross-validation: the same machines and the same probabilities."""
    features, labels, held_out = _separable(classes, seed=classes)
    whole = LinearOneVsOneProbabilities.from_svc(
        SVC(kernel="linear", C=C, probability=True, random_state=0).fit(features, labels)
    )
    pairs = LinearOneVsOneProbabilities.fit(features, list(labels), C=C, random_state=0, n_jobs=2)
    assert list(pairs.classes_) == list(whole.classes_)
    np.testing.assert_allclose(pairs.arrays()["weights"], whole.arrays()["weights"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(pairs.arrays()["intercept"], whole.arrays()["intercept"], rtol=1e-4, atol=1e-6)
    ours, libsvms = pairs.predict_proba(held_out), whole.predict_proba(held_out)
    np.testing.assert_allclose(ours, libsvms, atol=1e-9)


def test_one_class_is_no_classifier() -> None:
    features, _, _ = _separable(2, seed=0)
    with pytest.raises(ValueError, match="two classes"):
        LinearOneVsOneProbabilities.fit(features, ["greet"] * features.shape[0], C=1.0, random_state=0)


@pytest.mark.parametrize("config", [{"C": 0}, {"C": -1.0}, {"dense_weight": "2"}, {"C": True}])
def test_bad_settings_are_refused(storage, config) -> None:
    with pytest.raises(InvalidConfigException):
        create(storage, **config)
