"""Deleting conversations from Rasa's SQL tracker store, on SQLite and on the real PostgreSQL of the scale-out.

The conversations are written by Rasa's own SQLTrackerStore, read back through it, and deleted by
rasa_extensions.conversations (its functions and its command line, with the project's endpoints files).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from launch.cluster import POSTGRES
from rasa_extensions import conversations

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def conversation(sender: str, last_message: datetime) -> DialogueStateTracker:
    """A short conversation whose events run up to `last_message`."""
    start = (last_message - timedelta(minutes=3)).timestamp()
    events = [
        ActionExecuted("action_listen", timestamp=start),
        UserUttered("my number is +47 912 34 567", intent={"name": "driver_issue"}, timestamp=start + 1),
        SlotSet("country", "NO", timestamp=start + 2),
        BotUttered("Call +47 21 00 00 00", timestamp=start + 3),
        UserUttered("thanks", intent={"name": "thank"}, timestamp=last_message.timestamp()),
    ]
    return DialogueStateTracker.from_events(sender, events)


def store_all(store: SQLTrackerStore, trackers: list[DialogueStateTracker]) -> None:
    async def save() -> None:
        for tracker in trackers:
            await store.save(tracker)

    asyncio.run(save())


def stored_senders(store: SQLTrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def check_retention(store: SQLTrackerStore, endpoints: Path) -> None:
    """Prune and delete on a store holding old, recent and borderline conversations."""
    old, older, recent, borderline = (f"{name}-{uuid.uuid4().hex[:6]}" for name in ("old", "older", "recent", "edge"))
    store_all(
        store,
        [
            conversation(old, NOW - timedelta(days=31)),
            conversation(older, NOW - timedelta(days=400)),
            conversation(recent, NOW - timedelta(days=2)),
            # began 31 days ago, still talking today: kept whole
            DialogueStateTracker.from_events(
                borderline,
                [*conversation(borderline, NOW - timedelta(days=31)).events, *conversation("x", NOW).events][:-1],
            ),
        ],
    )
    engine = conversations.engine_for(endpoints)
    assert stored_senders(store) == {old, older, recent, borderline}

    deleted = conversations.prune(engine, timedelta(days=30), NOW)
    assert deleted == conversations.Deleted(conversations=2, events=10)
    assert stored_senders(store) == {recent, borderline}
    assert len(asyncio.run(store.retrieve_full_tracker(borderline)).events) == 9  # nothing cut out of it
    assert conversations.prune(engine, timedelta(days=30), NOW) == conversations.Deleted(0, 0)

    assert conversations.delete_conversation(engine, recent) == conversations.Deleted(1, 5)
    assert conversations.delete_conversation(engine, recent) == conversations.Deleted(0, 0)
    assert stored_senders(store) == {borderline}
    assert asyncio.run(store.retrieve(recent)) is None


def test_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(database)}}))
    check_retention(SQLTrackerStore(dialect="sqlite", db=str(database)), endpoints)


def test_sqlite_before_any_conversation_creates_nothing(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    database = tmp_path / "never.db"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(database)}}))
    engine = conversations.engine_for(endpoints)
    assert conversations.prune(engine, timedelta(days=1), NOW) == conversations.Deleted(0, 0)
    assert conversations.delete_conversation(engine, "x") == conversations.Deleted(0, 0)
    assert not database.exists()


def scale_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What bot/endpoints.scale.yml reads, for the local PostgreSQL (as launch/cluster.py sets it)."""
    for name, value in {
        "DB_HOST": POSTGRES["host"],
        "DB_PORT": str(POSTGRES["port"]),
        "DB_NAME": POSTGRES["dbname"],
        "DB_USER": POSTGRES["user"],
        "DB_PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:1/webhook",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "0",
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": "retention",
    }.items():
        monkeypatch.setenv(name, value)


def test_postgresql_with_the_scale_out_endpoints(postgres_schema: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scale_environment(monkeypatch)
    store = SQLTrackerStore(
        dialect="postgresql", host=POSTGRES["host"], port=POSTGRES["port"], db="test", username="postgres"
    )
    try:
        check_retention(store, ROOT / "bot" / "endpoints.scale.yml")
    finally:
        store.engine.dispose()
    with psycopg2.connect(**POSTGRES) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (postgres_schema,))
        assert cursor.fetchone() == (1,)  # Rasa's events table, in the test's own schema only


def run_command(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa_extensions.conversations", *arguments],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_line(tmp_path: Path) -> None:
    database = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(database)}}))
    store = SQLTrackerStore(dialect="sqlite", db=str(database))
    now = datetime.now(timezone.utc)
    store_all(store, [conversation("person-1", now - timedelta(days=10)), conversation("person-2", now)])

    done = run_command("--endpoints", str(endpoints), "prune", env={"CONVERSATION_RETENTION_DAYS": "7"})
    assert done.returncode == 0, done.stderr
    assert "Deleted 1 conversations (5 events) with no message in the last 7 days." in done.stdout
    done = run_command("--endpoints", str(endpoints), "delete", "--sender", "person-2")
    assert done.returncode == 0, done.stderr
    assert "Deleted conversation 'person-2': 5 events." in done.stdout
    assert stored_senders(store) == set()
    done = run_command("--endpoints", str(endpoints), "delete", "--sender", "person-2")
    assert "No conversation 'person-2' is stored" in done.stdout

    done = run_command("--endpoints", str(endpoints), "prune", env={"CONVERSATION_RETENTION_DAYS": "soon"})
    assert done.returncode == 2 and "is not a number of days" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_command("--endpoints", str(ROOT / "bot" / "credentials.yml"), "prune")
    assert done.returncode == 2 and "does not configure Rasa's SQL tracker store" in done.stderr


def test_retention_days_from_the_environment() -> None:
    assert conversations.retention_days({}) == 30
    assert conversations.retention_days({"CONVERSATION_RETENTION_DAYS": "90"}) == 90
    for wrong in ("0", "-3", "thirty"):
        with pytest.raises(ValueError):
            conversations.retention_days({"CONVERSATION_RETENTION_DAYS": wrong})
