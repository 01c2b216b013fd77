"""rasa_extensions.graph_runner against Rasa's DaskGraphRunner, on the trained model: the same parses, the same
predictions of the next action."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core import processor
from rasa.core.agent import Agent
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from launch.processes import MODEL
from rasa_extensions.graph_runner import SequentialGraphRunner

MESSAGES = [
    "hi",
    "I'm a driver in Germany and my session won't start",
    "jeg eier ladestasjoner i Bergen, hvem ringer jeg?",
    "mieszkam na słowacji",
    '/inform{"role":"driver"}',
    "asdf qwer 🙂",
    "",
]


def load_agent(runner: type[DaskGraphRunner]) -> Agent:
    rasa_runner = processor.DaskGraphRunner
    processor.DaskGraphRunner = runner
    try:
        return Agent.load(str(MODEL))
    finally:
        processor.DaskGraphRunner = rasa_runner


@pytest.fixture(scope="module")
def agents() -> tuple[Agent, Agent]:
    rasas, ours = load_agent(DaskGraphRunner), load_agent(SequentialGraphRunner)
    assert type(rasas.processor.graph_runner) is DaskGraphRunner
    assert type(ours.processor.graph_runner) is SequentialGraphRunner
    return rasas, ours


@pytest.mark.parametrize("text", MESSAGES)
def test_the_same_parse(agents: tuple[Agent, Agent], text: str) -> None:
    rasas, ours = agents
    assert asyncio.run(ours.parse_message(text)) == asyncio.run(rasas.parse_message(text))


def conversation(agent: Agent, parse: dict[str, Any]) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered(parse["text"], parse["intent"], parse["entities"], parse),
        SlotSet("language", "en"),
    ]
    return DialogueStateTracker.from_events("graph-runner", events, slots=agent.domain.slots)


@pytest.mark.parametrize("text", MESSAGES[:4])
def test_the_same_next_action(agents: tuple[Agent, Agent], text: str) -> None:
    rasas, ours = agents
    parse = asyncio.run(rasas.parse_message(text))
    expected = rasas.processor._predict_next_with_tracker(conversation(rasas, parse))
    found = ours.processor._predict_next_with_tracker(conversation(ours, parse))
    assert (found.max_confidence_index, found.policy_name, found.probabilities) == (
        expected.max_confidence_index,
        expected.policy_name,
        expected.probabilities,
    )
