"""The e5 featurizer gives each message a sentence vector that carries meaning across the twelve languages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_extensions.sentence_embeddings import MultilingualE5Featurizer, encode_ahead, encoded_ahead


@pytest.fixture(scope="module")
def featurizer() -> MultilingualE5Featurizer:
    return MultilingualE5Featurizer("e5", MultilingualE5Featurizer.get_default_config())


def _vector(message: Message) -> np.ndarray:
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None  # sentence features only: the entity tagger keeps to the tokens' own features
    return sentence.features


def test_each_message_gets_one_unit_sentence_vector(featurizer) -> None:
    messages = featurizer.process([Message({TEXT: "my charging session won't start"}), Message({TEXT: "hei"})])
    for message in messages:
        vector = _vector(message)
        assert vector.shape == (1, 384)
        assert vector.dtype == np.float32
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)


def test_a_message_without_text_gets_zeros_so_every_message_has_the_same_features(featurizer) -> None:
    empty, spoken = featurizer.process([Message({TEXT: ""}), Message({TEXT: "hallo"})])
    assert _vector(empty).shape == _vector(spoken).shape
    assert not _vector(empty).any()


def test_training_data_gets_the_vectors_that_messages_get_at_run_time(featurizer) -> None:
    text = "Die Ladesäule in Graz startet nicht"
    data = TrainingData(training_examples=[Message({TEXT: text, "intent": "driver_issue"}), Message({TEXT: text})])
    featurizer.process_training_data(data)
    (live,) = featurizer.process([Message({TEXT: text})])
    for example in data.training_examples:
        np.testing.assert_allclose(_vector(example), _vector(live), atol=1e-6)


def test_the_same_request_in_other_languages_is_nearer_than_another_request(featurizer) -> None:
    def vector(text: str) -> np.ndarray:
        return _vector(featurizer.process([Message({TEXT: text})])[0])[0]

    session = vector("my charging session won't start")
    hours = vector("when are you open?")
    for same_meaning in (
        "min ladeøkt starter ikke",
        "ma session de recharge ne démarre pas",
        "nie mogę zacząć ładowania",
    ):
        assert vector(same_meaning) @ session > vector(same_meaning) @ hours, same_meaning
    for same_meaning in ("hvornår har I åbent?", "wann habt ihr geöffnet?", "quando siete aperti?"):
        assert vector(same_meaning) @ hours > vector(same_meaning) @ session, same_meaning


@pytest.mark.parametrize("config", [{"batch_size": 0}, {"batch_size": -1}, {"batch_size": "2"}, {"batch_size": True}])
def test_bad_settings_are_refused(config) -> None:
    with pytest.raises(InvalidConfigException):
        MultilingualE5Featurizer("e5", {**MultilingualE5Featurizer.get_default_config(), **config})


def test_vectors_encoded_ahead_are_taken_as_given(featurizer) -> None:
    given = np.zeros(384, dtype=np.float32)
    given[7] = 1.0
    with encoded_ahead({"hei": given}):
        ahead, other = featurizer.process([Message({TEXT: "hei"}), Message({TEXT: "hallo"})])
    np.testing.assert_array_equal(_vector(ahead)[0], given)
    assert np.linalg.norm(_vector(other)) == pytest.approx(1.0, abs=1e-3)  # not given: encoded here
    (after,) = featurizer.process([Message({TEXT: "hei"})])
    assert _vector(after)[0][7] != 1.0  # outside the block, encoded again


def test_encoding_ahead_on_several_threads_at_once_gives_the_featurizers_vectors(featurizer) -> None:
    texts = [f"min ladeøkt nummer {number} starter ikke" for number in range(16)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        ahead = list(pool.map(encode_ahead, texts))
    for text, vector in zip(texts, ahead, strict=True):
        (message,) = featurizer.process([Message({TEXT: text})])
        np.testing.assert_allclose(vector, _vector(message)[0], atol=1e-6)
