"""Parses messages on a worker thread, so the NLU of one conversation overlaps the rest of the others' turns.

Rasa 3.6 runs the NLU graph synchronously inside the async `MessageProcessor.parse_message`: while a message is
parsed (the e5 sentence encoder, the count featurizers, the intent SVM and the entity CRF), the server's event loop
does nothing else. The encoder's C code, the largest part, releases the GIL, so on a worker thread the parse of
one message runs on one core while the event loop goes on with other conversations' tracker store reads and
writes, policies and action calls on the other.

Only the graph run moves: Rasa's own `parse_message` still does everything around it (retrieval intents, logging,
the check for unseen features) and receives the result of the run through a context variable. A button's payload
(`/inform{"role":"driver"}`) does not go to the worker at all: the graph's last node, Rasa's `RegexMessageHandler`,
replaces everything the NLU found in such a message with what the payload says, so the same result is computed up
front, in microseconds, instead of after 15 ms of NLU for nothing. Before the run, the message's sentence vector is
computed on a pool of encoder threads, one per core (sentence_embeddings.encode_ahead): the encoder is three
quarters of the NLU's time and its C code needs no GIL, so with one worker alone the NLU of all conversations
queued behind one core while the other waited. The worker is one thread: every NLU component was written for one
caller at a time (the encoder keeps scratch buffers per model), so parses run one after another, in the order they
arrive. The policies use the same graph runner but none of the NLU's nodes.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_extensions import sentence_embeddings

logger = logging.getLogger(__name__)
_INSTALLED_MARK = "_nlu_thread"
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")


def encoder_threads(environ: Mapping[str, str]) -> int:
    """How many messages are encoded at once: NLU_ENCODER_THREADS, else one per core of the machine. Several Rasa
    servers on one machine, or a container limited to fewer cores than the host has, should set it (to the cores
    each server may use): more encoders than cores only take turns."""
    value = environ.get("NLU_ENCODER_THREADS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    if value:
        logger.warning("NLU_ENCODER_THREADS=%r is not a positive number: one encoder per core", value)
    return os.cpu_count() or 1


_encoders = ThreadPoolExecutor(max_workers=encoder_threads(os.environ), thread_name_prefix="e5")
#: (message, parse data) of the run the worker did for the `parse_message` call in progress.
_parsed: contextvars.ContextVar[tuple[Any, dict[str, Any]] | None] = contextvars.ContextVar("nlu_parsed", default=None)


def parsing_on_worker(rasa_parse_message: Any, rasa_parse_with_graph: Any) -> tuple[Any, Any]:
    """Rasa's two methods, with the graph run of `parse_message` done on the worker thread."""

    @functools.wraps(rasa_parse_message)
    async def parse_message(
        self: MessageProcessor,
        message: Any,
        tracker: DialogueStateTracker | None = None,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        if self.http_interpreter:
            return await rasa_parse_message(self, message, tracker, only_output_properties)
        graph_tracker = tracker if tracker is not None else DialogueStateTracker.from_events(message.sender_id, [])
        parsed = _payload_parse(self, message, only_output_properties)
        if parsed is None:
            loop = asyncio.get_running_loop()
            vectors = {}
            if message.text and _encodes_sentences(self):
                vectors[message.text] = await loop.run_in_executor(
                    _encoders, sentence_embeddings.encode_ahead, message.text
                )
            run = functools.partial(rasa_parse_with_graph, self, message, graph_tracker, only_output_properties)
            with sentence_embeddings.encoded_ahead(vectors):
                parsed = await loop.run_in_executor(_executor, contextvars.copy_context().run, run)
        token = _parsed.set((message, parsed))
        try:
            return await rasa_parse_message(self, message, graph_tracker, only_output_properties)
        finally:
            _parsed.reset(token)

    @functools.wraps(rasa_parse_with_graph)
    def _parse_message_with_graph(self: MessageProcessor, message: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        done = _parsed.get()
        if done is not None and done[0] is message:
            return done[1]
        return rasa_parse_with_graph(self, message, *args, **kwargs)

    setattr(parse_message, _INSTALLED_MARK, True)
    return parse_message, _parse_message_with_graph


def _encodes_sentences(processor: MessageProcessor) -> bool:
    """Whether the model's NLU has the e5 featurizer (a look at a dozen graph nodes: microseconds)."""
    schema = getattr(processor.model_metadata, "predict_schema", None)
    nodes = schema.nodes.values() if schema is not None else ()
    return any(node.uses is sentence_embeddings.MultilingualE5Featurizer for node in nodes)


def _payload_parse(processor: MessageProcessor, message: Any, only_output_properties: bool) -> dict[str, Any] | None:
    """What the graph would return for a payload naming an intent of the domain; None for any other text.

    The graph's target node is the `RegexMessageHandler`, whose node name Rasa gives the payload's entities as their
    extractor; an unknown intent or a malformed payload is text like any other, left to the NLU as Rasa leaves it.
    """
    text = message.text
    if not text or not text.lstrip().startswith("/"):
        return None
    unpacked = YAMLStoryReader.unpack_regex_message(
        Message({TEXT: text}), processor.domain, entity_extractor_name=processor.model_metadata.nlu_target
    )
    if unpacked.get(INTENT) is None:
        return None
    # The same shape `_parse_message_with_graph` builds around the graph's output.
    parsed = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
    parsed.update(unpacked.as_dict(only_output_properties=only_output_properties))
    return parsed


def install() -> None:
    """Replaces the two methods once; safe to call again."""
    if getattr(MessageProcessor.parse_message, _INSTALLED_MARK, False):
        return
    MessageProcessor.parse_message, MessageProcessor._parse_message_with_graph = parsing_on_worker(
        MessageProcessor.parse_message, MessageProcessor._parse_message_with_graph
    )
