"""The append-only SQL tracker store against Rasa's own, on SQLite and on the real PostgreSQL.

The same conversation (several turns, a second session) is written through both stores: the rows must be the
same, and reading them back must give the same trackers. The statements each save sends are recorded to show
that the count query is gone, not just that the result is unchanged.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.utils.endpoints import EndpointConfig

from launch.cluster import POSTGRES
from rasa_extensions.tracker_store import AppendOnlySQLTrackerStore, stored_event_count

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [driver_issue, thank]
slots:
  country: {type: text, mappings: [{type: custom}]}
  role: {type: text, mappings: [{type: custom}]}
"""
)
START = 1_764_000_000.0


def session_start(at: float) -> list[Event]:
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at + 0.1)]


def turn(text: str, at: float, country: str | None = None) -> list[Event]:
    events: list[Event] = [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(text, intent={"name": "driver_issue", "confidence": 0.9}, timestamp=at + 0.1),
    ]
    if country:
        events.append(SlotSet("country", country, timestamp=at + 0.2))
    events.append(BotUttered(f"answer to {text}", timestamp=at + 0.3))
    return events


# Each step: the events one turn adds to the tracker read at its start (the second session starts at step 3).
STEPS: list[list[Event]] = [
    session_start(START) + turn("my session won't start, I'm in Lyon", START + 1, "FR"),
    turn("I'm the driver", START + 10),
    session_start(START + 4000) + turn("and in Sweden?", START + 4001, "SE"),
    turn("thanks", START + 4010),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    else:
        request.getfixturevalue("postgres_schema")
        yield {"dialect": "postgresql", "host": POSTGRES["host"], "port": POSTGRES["port"], "db": "test",
               "username": POSTGRES["user"]}  # fmt: skip


def converse(store: TrackerStore, sender: str) -> None:
    """What Rasa's processor does each turn: read (or create) the tracker, add the turn's events, save it."""
    for events in STEPS:
        tracker = asyncio.run(store.get_or_create_tracker(sender, append_action_listen=False))
        for event in events:
            tracker.update(event)
        asyncio.run(store.save(tracker))


def stored_rows(store: SQLTrackerStore, sender: str) -> list[tuple[Any, ...]]:
    table = store.SQLEvent.__table__
    columns = [table.c.type_name, table.c.timestamp, table.c.intent_name, table.c.action_name, table.c.data]
    with store.engine.connect() as connection:
        query = sa.select(columns).where(table.c.sender_id == sender).order_by(table.c.id)
        return [tuple(row) for row in connection.execute(query)]


@contextmanager
def statements_on_events(store: SQLTrackerStore) -> Iterator[list[str]]:
    """The SQL statements the store sends about the events table while the block runs (not PostgreSQL's check
    that the schema exists, which Rasa makes per session)."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "events" in statement:
            sent.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)


def test_writes_the_rows_rasas_own_store_writes_and_reads_them_back_alike(store_settings: dict[str, Any]) -> None:
    rasa_store = SQLTrackerStore(DOMAIN, **store_settings)
    ours = AppendOnlySQLTrackerStore(DOMAIN, **store_settings)
    converse(rasa_store, "rasa")
    converse(ours, "ours")

    assert stored_rows(ours, "ours") == stored_rows(rasa_store, "rasa")
    assert len(stored_rows(ours, "ours")) == sum(len(events) for events in STEPS)
    for method in ("retrieve", "retrieve_full_tracker"):
        theirs, mine = (
            asyncio.run(getattr(store, method)(sender)) for store, sender in ((rasa_store, "rasa"), (ours, "ours"))
        )
        assert list(mine.events) == list(theirs.events), method
        assert mine.current_slot_values() == theirs.current_slot_values()
        assert mine.get_slot("country") == "SE"


def test_a_turn_is_saved_with_one_insert_and_no_query(store_settings: dict[str, Any]) -> None:
    ours = AppendOnlySQLTrackerStore(DOMAIN, **store_settings)
    rasa_store = SQLTrackerStore(DOMAIN, **store_settings)
    converse(ours, "ours")
    converse(rasa_store, "rasa")

    def statements_of_one_save(store: SQLTrackerStore, sender: str) -> list[str]:
        tracker = asyncio.run(store.retrieve(sender))
        for event in turn("is it open now?", START + 4020):
            tracker.update(event)
        with statements_on_events(store) as sent:
            asyncio.run(store.save(tracker))
        return sent

    assert [statement.split()[0] for statement in statements_of_one_save(ours, "ours")] == ["INSERT"]
    rasas_statements = statements_of_one_save(rasa_store, "rasa")
    assert any(statement.startswith("SELECT count") for statement in rasas_statements)  # what ours does without
    assert stored_rows(ours, "ours") == stored_rows(rasa_store, "rasa")


def test_a_new_conversation_costs_one_read_and_no_write_until_it_has_events(store_settings: dict[str, Any]) -> None:
    ours = AppendOnlySQLTrackerStore(DOMAIN, **store_settings)
    with statements_on_events(ours) as sent:
        tracker = asyncio.run(ours.get_or_create_tracker("new", append_action_listen=False))  # as the processor does
        assert [statement.split()[0] for statement in sent] == ["SELECT"] and not tracker.events
        for event in STEPS[0]:
            tracker.update(event)
        asyncio.run(ours.save(tracker))
    assert [statement.split()[0] for statement in sent] == ["SELECT", "INSERT"]


def test_sqlite_keeps_a_write_ahead_log(tmp_path: Path) -> None:
    ours = AppendOnlySQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    converse(ours, "ours")
    with ours.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (tmp_path / "tracker.db-wal").exists()
    assert stored_rows(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db")), "ours")


def test_a_tracker_the_store_did_not_read_is_saved_whole(tmp_path: Path) -> None:
    ours = AppendOnlySQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    built = ours.init_tracker("built")  # as the HTTP API builds one from posted events
    for event in STEPS[0]:
        built.update(event)
    assert stored_event_count(built) is None
    asyncio.run(ours.save(built))
    assert stored_event_count(built) == len(STEPS[0])
    assert list(asyncio.run(ours.retrieve_full_tracker("built")).events) == STEPS[0]


def test_a_full_tracker_is_never_trusted_for_a_session_count(tmp_path: Path) -> None:
    ours = AppendOnlySQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    converse(ours, "ours")
    assert stored_event_count(asyncio.run(ours.retrieve_full_tracker("ours"))) is None
    current_session = asyncio.run(ours.retrieve("ours"))
    assert stored_event_count(current_session) == len(current_session.events) < sum(len(events) for events in STEPS)


def test_a_bounded_history_is_counted_the_way_rasa_counts(tmp_path: Path) -> None:
    ours = AppendOnlySQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    converse(ours, "ours")
    tracker = asyncio.run(ours.retrieve("ours"))
    assert stored_event_count(tracker) is not None
    tracker.events = deque(tracker.events, maxlen=3)  # what a store with max_event_history hands out
    assert stored_event_count(tracker) is None


def test_the_endpoints_files_type_loads_this_store_not_rasas_in_memory_fallback(tmp_path: Path) -> None:
    config = EndpointConfig(
        type="rasa_extensions.tracker_store.AppendOnlySQLTrackerStore", dialect="sqlite", db=str(tmp_path / "t.db")
    )
    store = TrackerStore.create(config, DOMAIN)
    while not isinstance(store, AppendOnlySQLTrackerStore) and hasattr(store, "_tracker_store"):
        store = store._tracker_store
    assert isinstance(store, AppendOnlySQLTrackerStore)


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.scale.yml"])
def test_both_endpoints_files_use_it(endpoints: str) -> None:
    import yaml

    settings = yaml.safe_load((Path(__file__).resolve().parents[2] / "bot" / endpoints).read_text())
    assert settings["tracker_store"]["type"] == "rasa_extensions.tracker_store.AppendOnlySQLTrackerStore"


def test_senders_are_kept_apart(tmp_path: Path) -> None:
    ours = AppendOnlySQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    first, second = (f"sender-{uuid.uuid4().hex[:8]}" for _ in range(2))
    converse(ours, first)
    converse(ours, second)
    assert stored_rows(ours, first) == stored_rows(ours, second)
    assert len(stored_rows(ours, first)) == sum(len(events) for events in STEPS)
