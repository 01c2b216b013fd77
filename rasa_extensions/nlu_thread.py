"""Parses messages on a worker thread, so the NLU of one conversation overlaps the rest of the others' turns.

Rasa 3.6 runs the NLU graph synchronously inside the async `MessageProcessor.parse_message`: while a message is
parsed (the e5 sentence encoder, the count featurizers, the intent SVM and the entity CRF), the server's event loop
does nothing else. The encoder's C code, the largest part, releases the GIL, so on a worker thread the parse of
one message runs on one core while the event loop goes on with other conversations' tracker store reads and
writes, policies and action calls on the other.

Only the graph run moves: Rasa's own `parse_message` still does everything around it (the regex interpreter for
`/intent` payloads, retrieval intents, logging, the check for unseen features) and receives the result of the run
through a context variable. The worker is one thread: every NLU component was written for one caller at a time
(the encoder keeps scratch buffers per model), so parses run one after another, in the order they arrive. The
policies use the same graph runner but none of the NLU's nodes.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

_INSTALLED_MARK = "_nlu_thread"
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")
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
        run = functools.partial(rasa_parse_with_graph, self, message, graph_tracker, only_output_properties)
        parsed = await asyncio.get_running_loop().run_in_executor(_executor, contextvars.copy_context().run, run)
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


def install() -> None:
    """Replaces the two methods once; safe to call again."""
    if getattr(MessageProcessor.parse_message, _INSTALLED_MARK, False):
        return
    MessageProcessor.parse_message, MessageProcessor._parse_message_with_graph = parsing_on_worker(
        MessageProcessor.parse_message, MessageProcessor._parse_message_with_graph
    )
