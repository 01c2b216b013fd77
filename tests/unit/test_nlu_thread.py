"""Parsing on the worker thread: Rasa's own result, one parse at a time, and an event loop that keeps serving."""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from rasa_extensions import sentence_embeddings
from rasa_extensions.nlu_thread import encoder_threads, parsing_on_worker

RASA_PARSE_MESSAGE = MessageProcessor.parse_message
RASA_PARSE_WITH_GRAPH = MessageProcessor._parse_message_with_graph
PARSE_SECONDS = 0.2
DOMAIN = Domain.from_dict({"intents": ["greet", "inform"], "entities": ["role"]})


class SlowNLU:
    """A graph runner whose NLU takes a while, like a real one, and records where and when it ran."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, float, float]] = []  # (thread name, start, end)
        self.vectors_seen: list[dict] = []  # what the e5 featurizer would find encoded ahead, per run

    def run(self, inputs: dict, targets: list[str]) -> dict:
        start = time.monotonic()
        self.vectors_seen.append(dict(sentence_embeddings._vectors_ahead.get() or {}))
        time.sleep(PARSE_SECONDS)  # releases the GIL, as the encoder and TensorFlow do
        (message,) = inputs["__message__"]
        parsed = Message(
            {"text": message.text, "intent": {"name": "greet", "confidence": 0.9}, "entities": []},
            output_properties={"text", "intent", "entities"},
        )
        # The graph's last node, as in every Rasa model: a payload's intent and entities replace the NLU's.
        parsed = YAMLStoryReader.unpack_regex_message(parsed, DOMAIN, entity_extractor_name=targets[0])
        self.runs.append((threading.current_thread().name, start, time.monotonic()))
        return {targets[0]: [parsed]}


def processor(nlu: SlowNLU) -> MessageProcessor:
    """Rasa's processor with just what its two parse methods use."""
    subject = object.__new__(MessageProcessor)
    subject.http_interpreter = None
    subject.graph_runner = nlu
    subject.model_metadata = SimpleNamespace(nlu_target="run_RegexMessageHandler")
    subject.domain = DOMAIN
    return subject


def patched() -> type:
    parse_message, parse_with_graph = parsing_on_worker(RASA_PARSE_MESSAGE, RASA_PARSE_WITH_GRAPH)
    return type(
        "Patched", (MessageProcessor,), {"parse_message": parse_message, "_parse_message_with_graph": parse_with_graph}
    )


def test_the_result_is_rasas_and_the_graph_ran_on_the_worker() -> None:
    rasa_nlu, our_nlu = SlowNLU(), SlowNLU()
    rasa_result = asyncio.run(RASA_PARSE_MESSAGE(processor(rasa_nlu), UserMessage("hei", sender_id="a")))
    subject = processor(our_nlu)
    subject.__class__ = patched()
    ours = asyncio.run(subject.parse_message(UserMessage("hei", sender_id="a")))
    assert ours == rasa_result
    assert ours["intent"]["name"] == "greet"
    assert [name for name, _, _ in rasa_nlu.runs] == ["MainThread"]
    assert len(our_nlu.runs) == 1  # the graph ran once, not again in Rasa's parse_message
    assert our_nlu.runs[0][0].startswith("nlu")


@pytest.mark.parametrize(
    ("text", "intent", "nlu_runs"),
    [
        # A payload naming an intent of the domain: Rasa's result, computed without the NLU.
        ('/inform{"role":"driver"}', "inform", 0),
        ("  /inform", "inform", 0),
        ("/ inform", "inform", 0),
        ('/inform@0.7{"role": "business"}', "inform", 0),
        # Anything else is text for the NLU, as Rasa treats it.
        ("/unknown_intent", "greet", 1),
        ("/", "greet", 1),
        ("hei /inform", "greet", 1),
        ("", "greet", 1),
    ],
)
def test_a_payload_gets_rasas_result_without_the_nlu_and_other_text_goes_to_it(
    text: str, intent: str, nlu_runs: int
) -> None:
    rasa_nlu, our_nlu = SlowNLU(), SlowNLU()
    rasa_result = asyncio.run(RASA_PARSE_MESSAGE(processor(rasa_nlu), UserMessage(text, sender_id="a")))
    subject = processor(our_nlu)
    subject.__class__ = patched()
    ours = asyncio.run(subject.parse_message(UserMessage(text, sender_id="a")))
    assert ours == rasa_result
    assert ours["intent"]["name"] == intent
    assert len(rasa_nlu.runs) == 1
    assert len(our_nlu.runs) == nlu_runs


def test_the_sentence_vector_is_encoded_ahead_on_an_encoder_thread_when_the_model_has_the_encoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    encoded_on: list[str] = []

    def fake_encode(text: str) -> str:
        encoded_on.append(threading.current_thread().name)
        return f"vector of {text}"

    monkeypatch.setattr(sentence_embeddings, "encode_ahead", fake_encode)
    nlu = SlowNLU()
    subject = processor(nlu)
    e5_node = SimpleNamespace(uses=sentence_embeddings.MultilingualE5Featurizer)
    subject.model_metadata = SimpleNamespace(
        nlu_target="run_RegexMessageHandler", predict_schema=SimpleNamespace(nodes={"e5": e5_node})
    )
    subject.__class__ = patched()
    asyncio.run(subject.parse_message(UserMessage("hei", sender_id="a")))
    assert nlu.vectors_seen == [{"hei": "vector of hei"}]
    assert len(encoded_on) == 1 and encoded_on[0].startswith("e5")
    assert sentence_embeddings._vectors_ahead.get() is None  # only for that run


def test_without_the_encoder_in_the_model_nothing_is_encoded_ahead() -> None:
    nlu = SlowNLU()
    subject = processor(nlu)
    subject.__class__ = patched()
    asyncio.run(subject.parse_message(UserMessage("hei", sender_id="a")))
    assert nlu.vectors_seen == [{}]


def loop_ticks_while(work: Callable[[], Awaitable[Any]]) -> list[float]:
    """Runs `work` on a new event loop beside a task that notes the time every 10 ms: the loop's pulse."""
    ticks: list[float] = []

    async def scenario() -> None:
        async def ticker() -> None:
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        await work()
        ticking.cancel()

    asyncio.run(scenario())
    return ticks


def test_the_event_loop_serves_others_while_a_message_is_parsed_and_parses_do_not_overlap() -> None:
    nlu = SlowNLU()
    subject = processor(nlu)
    subject.__class__ = patched()
    ticks = loop_ticks_while(
        lambda: asyncio.gather(*(subject.parse_message(UserMessage(f"m{n}", sender_id=f"s{n}")) for n in range(3)))
    )
    starts_and_ends = sorted((start, end) for _, start, end in nlu.runs)
    assert len(starts_and_ends) == 3
    for (_, end), (next_start, _) in itertools.pairwise(starts_and_ends):
        assert next_start >= end  # one worker: one parse at a time
    during = [tick for tick in ticks if starts_and_ends[0][0] < tick < starts_and_ends[-1][1]]
    assert len(during) >= 3 * PARSE_SECONDS / 0.01 / 2  # the loop kept running (Rasa's own would not tick at all)


def test_rasas_own_parse_blocks_the_loop() -> None:
    """The reason for the extension, and proof that the test above can fail."""
    nlu = SlowNLU()
    subject = processor(nlu)
    ticks = loop_ticks_while(lambda: RASA_PARSE_MESSAGE(subject, UserMessage("hei", sender_id="a")))
    (_, start, end) = nlu.runs[0]
    assert not [tick for tick in ticks if start < tick < end]


def test_payloads_for_an_http_interpreter_are_left_to_rasa() -> None:
    class Interpreter:
        async def parse(self, message: UserMessage) -> dict:
            return {"text": message.text, "intent": {"name": "affirm", "confidence": 1.0}, "entities": []}

    nlu = SlowNLU()
    subject = processor(nlu)
    subject.http_interpreter = Interpreter()
    subject.__class__ = patched()
    result = asyncio.run(subject.parse_message(UserMessage("ja", sender_id="a")))
    assert result["intent"]["name"] == "affirm"
    assert nlu.runs == []


@pytest.mark.parametrize(
    ("environ", "threads"),
    [
        ({"NLU_ENCODER_THREADS": "3"}, 3),
        ({}, None),
        ({"NLU_ENCODER_THREADS": "0"}, None),
        ({"NLU_ENCODER_THREADS": "x"}, None),
    ],
)
def test_encoders_are_one_per_core_unless_set(environ: dict, threads: int | None) -> None:
    assert encoder_threads(environ) == (threads or os.cpu_count() or 1)
