"""The place-name featurizer tells the entity tagger which words are places, from the resolver's package data."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_extensions.place_names import KINDS, PlaceNameFeaturizer


@pytest.fixture(scope="module")
def featurizer() -> PlaceNameFeaturizer:
    return PlaceNameFeaturizer("places", PlaceNameFeaturizer.get_default_config())


def _tokenized(*texts: str) -> list[Message]:
    messages = [Message({TEXT: text}) for text in texts]
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    return tokenizer.process(messages)


def _features(message: Message) -> tuple[np.ndarray, np.ndarray]:
    sequence, sentence = message.get_sparse_features(TEXT)
    return sequence.features.toarray(), sentence.features.toarray()


def test_each_token_is_marked_with_the_kinds_of_place_name_it_is_part_of(featurizer) -> None:
    (message,) = featurizer.process(_tokenized("jeg bor i kolding, laderen virker ikke"))
    sequence, sentence = _features(message)
    tokens = [token.text for token in message.get("text_tokens")]
    assert sequence.shape == (len(tokens), len(KINDS))
    kolding = sequence[tokens.index("kolding")]
    assert kolding[KINDS.index("served_city")] == 1
    assert not sequence[tokens.index("laderen")].any()
    np.testing.assert_array_equal(sentence, sequence.max(axis=0, keepdims=True))


def test_a_declined_name_and_a_country_are_marked(featurizer) -> None:
    gdynia, germany = featurizer.process(_tokenized("mieszkam w Gdyni", "Ich wohne in Deutschland"))
    assert _features(gdynia)[0][-1, KINDS.index("inflected")] == 1
    assert _features(germany)[0][-1, KINDS.index("country")] == 1


def test_training_data_gets_the_features_that_messages_get_at_run_time(featurizer) -> None:
    text = "la borne à Lyon ne marche pas"
    data = TrainingData(training_examples=_tokenized(text))
    featurizer.process_training_data(data)
    (live,) = featurizer.process(_tokenized(text))
    for trained, running in zip(_features(data.training_examples[0]), _features(live), strict=True):
        np.testing.assert_array_equal(trained, running)


def test_a_message_without_tokens_gets_no_features(featurizer) -> None:
    (message,) = featurizer.process([Message({TEXT: ""})])
    assert message.get_sparse_features(TEXT) == (None, None)


def test_tokens_carry_the_kinds_as_patterns_beside_the_regex_featurizers(featurizer) -> None:
    (message,) = _tokenized("jeg er i Oslo")
    message.get("text_tokens")[3].set("pattern", {"order_number": False})  # as RegexFeaturizer leaves it
    featurizer.process([message])
    oslo = message.get("text_tokens")[3].get("pattern")
    assert oslo["order_number"] is False
    assert oslo["place_served_city"] is True
    assert oslo["place_country"] is False


@pytest.fixture()
def broken_directory(tmp_path, monkeypatch):
    """The process's directory is a file that does not load (the resolver and directory caches are emptied around)."""
    from actions.countries import default_resolver
    from actions.directory import served_directory

    path = tmp_path / "directory.yaml"
    path.write_text("countries: [\n", encoding="utf-8")
    monkeypatch.setenv("SUPPORT_DIRECTORY", str(path))
    for cached in (served_directory, default_resolver):
        cached.cache_clear()
    yield path
    for cached in (served_directory, default_resolver):
        cached.cache_clear()


def test_a_directory_that_does_not_load_costs_only_the_listed_countries(broken_directory, caplog) -> None:
    featurizer = PlaceNameFeaturizer("places", PlaceNameFeaturizer.get_default_config())
    assert str(broken_directory) in caplog.text  # where the problem is, in the Rasa server's log
    (message,) = featurizer.process(_tokenized("jeg er i Oslo"))
    oslo = _features(message)[0][-1]
    assert oslo[KINDS.index("city")] == 1 and oslo[KINDS.index("served_city")] == 0


def test_the_fingerprint_changes_with_the_vocabulary_and_the_directory(tmp_path, monkeypatch) -> None:
    """Rasa fingerprints the training data, not these files: without them a vocabulary edit would be cached away."""
    from rasa_extensions import place_names

    vocabulary, directory = tmp_path / "vocabulary.yaml", tmp_path / "directory.yaml"
    vocabulary.write_text("countries: {}\n", encoding="utf-8")
    directory.write_text("countries: []\n", encoding="utf-8")
    monkeypatch.setattr(place_names, "VOCABULARY_PATH", vocabulary)
    monkeypatch.setenv("SUPPORT_DIRECTORY", str(directory))
    first = PlaceNameFeaturizer.fingerprint_addon({})
    assert PlaceNameFeaturizer.fingerprint_addon({}) == first
    vocabulary.write_text("countries: {da: {DK: [kbh]}}\n", encoding="utf-8")
    second = PlaceNameFeaturizer.fingerprint_addon({})
    directory.write_text("countries: [NO]\n", encoding="utf-8")
    third = PlaceNameFeaturizer.fingerprint_addon({})
    assert len({first, second, third}) == 3
