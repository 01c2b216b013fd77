"""The CRF entity extractor loaded from its trained crfsuite files: the same entities as Rasa's, which trains again."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_extensions.crf_entities import TrainedCRFEntityExtractor

CONTEXT = ExecutionContext(GraphSchema({}), "test")
PLACES = ["Norway", "Sweden", "Lyon", "Madrid", "Oslo", "Berlin", "Prague", "Milan"]
ROLES = ["driver", "installer", "owner"]


def _example(role: str, place: str) -> Message:
    text = f"I am the {role} in {place}"
    entities = [
        {"start": 9, "end": 9 + len(role), "value": role, "entity": "role"},
        {"start": len(text) - len(place), "end": len(text), "value": place, "entity": "location"},
    ]
    return Message({TEXT: text, "intent": "inform", ENTITIES: entities})


def _tokenized(messages: list[Message]) -> list[Message]:
    """Tokens, and features: Rasa's CRF trains only on messages that have some."""
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    for message in messages:
        tokens = message.get(TOKENS_NAMES[TEXT])
        message.add_features(Features(np.ones((len(tokens), 1)), FEATURE_TYPE_SEQUENCE, TEXT, "test"))
    return messages


@pytest.fixture()
def trained(tmp_path):
    """An extractor trained on a small set, and the storage and resource it was saved to."""
    storage = LocalModelStorage(tmp_path)
    examples = _tokenized([_example(role, place) for role in ROLES for place in PLACES])
    config = TrainedCRFEntityExtractor.get_default_config()
    extractor = TrainedCRFEntityExtractor.create(config, storage, Resource("crf"), CONTEXT)
    resource = extractor.train(TrainingData(training_examples=examples))
    return storage, resource


def _entities(extractor, text: str) -> list[tuple[str, str]]:
    (message,) = extractor.process(_tokenized([Message({TEXT: text})]))
    return [(entity["entity"], entity["value"]) for entity in message.get(ENTITIES, [])]


def test_saves_the_trained_models_and_not_the_training_set(trained) -> None:
    storage, resource = trained
    with storage.read_from(resource) as model_dir:
        assert sorted(path.name for path in model_dir.iterdir()) == ["crf_entity.crfsuite", "crf_order.json"]


def test_loads_and_finds_what_rasas_extractor_trained_again_finds(trained, tmp_path_factory) -> None:
    storage, resource = trained
    config = TrainedCRFEntityExtractor.get_default_config()
    ours = TrainedCRFEntityExtractor.load(config, storage, resource, CONTEXT)
    # Rasa's own extractor trained on the same set, loaded the Rasa way (training again from its saved set).
    rasa_storage = LocalModelStorage(tmp_path_factory.mktemp("rasa"))
    examples = _tokenized([_example(role, place) for role in ROLES for place in PLACES])
    CRFEntityExtractor.create(config, rasa_storage, Resource("crf"), CONTEXT).train(
        TrainingData(training_examples=examples)
    )
    rasas = CRFEntityExtractor.load(config, rasa_storage, Resource("crf"), CONTEXT)
    for text in ["I am the installer in Lyon", "I am the owner in Oslo", "hello there", "driver Madrid"]:
        assert _entities(ours, text) == _entities(rasas, text)
    assert _entities(ours, "I am the installer in Lyon") == [("role", "installer"), ("location", "Lyon")]


def test_the_loaded_taggers_outlive_the_models_directory(trained) -> None:
    """Rasa unpacks a model into a temporary directory and deletes it once the graph is loaded."""
    storage, resource = trained
    extractor = TrainedCRFEntityExtractor.load(
        TrainedCRFEntityExtractor.get_default_config(), storage, resource, CONTEXT
    )
    with storage.read_from(resource) as model_dir:
        shutil.rmtree(model_dir)
    assert _entities(extractor, "I am the owner in Prague") == [("role", "owner"), ("location", "Prague")]


def test_a_model_trained_without_entities_loads_as_an_extractor_that_finds_none(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    extractor = TrainedCRFEntityExtractor.load(
        TrainedCRFEntityExtractor.get_default_config(), storage, Resource("never-trained"), CONTEXT
    )
    assert _entities(extractor, "I am the owner in Prague") == []
