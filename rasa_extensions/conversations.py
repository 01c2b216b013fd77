"""Deleting stored conversations: one on request, and every one older than the retention time.

    python -m rasa_extensions.conversations delete --sender ID [--endpoints bot/endpoints.yml]
    python -m rasa_extensions.conversations prune [--older-than-days N] [--endpoints bot/endpoints.yml]

Conversations hold what people wrote, phone numbers and e-mail addresses included, and Rasa keeps them forever.
`prune` deletes every conversation whose last event is older than N days (default `CONVERSATION_RETENTION_DAYS`,
else 30): whole conversations, because deleting only their old events would leave a conversation without its
start. `delete` deletes one conversation (the sender id is the REST channel's `sender`). Both work on Rasa's SQL
tracker store named in the endpoints file (SQLite by default, PostgreSQL in the scale-out, `${VAR}` values from the
environment, `POSTGRESQL_SCHEMA` as Rasa uses it), on Rasa's own `events` table (one row per event, with
`sender_id` and a Unix `timestamp`). A conversation deleted while the bot is in the middle of a turn of it keeps
that turn's events (rasa_extensions/tracker_store.py writes a turn's new events only): delete when the person
has stopped writing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

RETENTION_VARIABLE = "CONVERSATION_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30
DEFAULT_ENDPOINTS = Path("bot/endpoints.yml")
_BATCH = 500  # sender ids per DELETE statement


class NoSqlTrackerStore(ValueError):
    """The endpoints file does not configure Rasa's SQL tracker store."""


@dataclass(frozen=True)
class Deleted:
    conversations: int
    events: int


def retention_days(environ: Mapping[str, str] = os.environ) -> float:
    value = environ.get(RETENTION_VARIABLE, "").strip()
    if not value:
        return DEFAULT_RETENTION_DAYS
    try:
        days = float(value)
    except ValueError:
        raise ValueError(f"{RETENTION_VARIABLE}={value!r} is not a number of days") from None
    if days <= 0:
        raise ValueError(f"{RETENTION_VARIABLE}={value!r}: give a number of days above 0")
    return days


def _is_sql_tracker_store(type_name: str, sql_store: type) -> bool:
    """Rasa's own (`SQL`) or a subclass named by its module path, such as rasa_extensions.tracker_store's."""
    if type_name.lower() == "sql":
        return True
    module, _, name = type_name.rpartition(".")
    try:
        store = getattr(importlib.import_module(module), name) if module else None
    except ImportError:
        return False
    return isinstance(store, type) and issubclass(store, sql_store)


def engine_for(endpoints: Path) -> sa.engine.Engine:
    """An engine on the tracker store's database, as Rasa's SQLTrackerStore builds it (without creating anything)."""
    with warnings.catch_warnings():  # Rasa's and SQLAlchemy's deprecation warnings, about their own internals
        warnings.simplefilter("ignore", DeprecationWarning)
        from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
        from rasa.core.utils import read_endpoints_from_path

    store = read_endpoints_from_path(endpoints).tracker_store
    if store is None or not _is_sql_tracker_store(store.type or "", SQLTrackerStore):
        raise NoSqlTrackerStore(f"{endpoints} does not configure Rasa's SQL tracker store (tracker_store: type: SQL)")
    settings = store.kwargs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        url = SQLTrackerStore.get_db_url(
            settings.get("dialect", "sqlite"),
            store.url,
            int(settings["port"]) if settings.get("port") else None,
            settings.get("db", "rasa.db"),
            settings.get("username"),
            settings.get("password"),
            None,  # login_db only says where Rasa connects first to create `db`
            settings.get("query"),
        )
    return sa.create_engine(url, **create_engine_kwargs(url))


def events_table(engine: sa.engine.Engine) -> sa.Table | None:
    """Rasa's `events` table as stored, or None before Rasa has created it."""
    from rasa.core.tracker_store import SQLTrackerStore

    table = SQLTrackerStore.SQLEvent.__table__
    database = engine.url.database
    is_file = engine.url.get_backend_name() == "sqlite" and database and database != ":memory:"
    if is_file and not Path(database).exists():
        return None  # no conversation yet; connecting would create the file
    return table if sa.inspect(engine).has_table(table.name) else None


def _delete_senders(connection: sa.engine.Connection, table: sa.Table, senders: Sequence[str]) -> int:
    events = 0
    for start in range(0, len(senders), _BATCH):
        batch = list(senders[start : start + _BATCH])
        events += connection.execute(sa.delete(table).where(table.c.sender_id.in_(batch))).rowcount
    return events


def delete_conversation(engine: sa.engine.Engine, sender_id: str) -> Deleted:
    table = events_table(engine)
    if table is None:
        return Deleted(0, 0)
    with engine.begin() as connection:
        events = _delete_senders(connection, table, [sender_id])
    return Deleted(1 if events else 0, events)


def prune(engine: sa.engine.Engine, older_than: timedelta, now: datetime) -> Deleted:
    """Deletes every conversation whose newest event is older than `now - older_than`."""
    table = events_table(engine)
    if table is None:
        return Deleted(0, 0)
    cutoff = (now - older_than).timestamp()
    stale = (
        sa.select(table.c.sender_id)
        .group_by(table.c.sender_id)
        .having(sa.func.max(sa.func.coalesce(table.c.timestamp, 0)) < cutoff)
    )
    with engine.begin() as connection:
        senders = [sender for (sender,) in connection.execute(stale)]
        events = _delete_senders(connection, table, senders)
    return Deleted(len(senders), events)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rasa_extensions.conversations", description=__doc__.split("\n")[0])
    parser.add_argument("--endpoints", type=Path, default=DEFAULT_ENDPOINTS, help="Rasa endpoints file (%(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    delete = commands.add_parser("delete", help="delete one conversation")
    delete.add_argument("--sender", required=True, help="the conversation's sender id")
    old = commands.add_parser("prune", help="delete conversations older than the retention time")
    old.add_argument("--older-than-days", type=float, help=f"default: ${RETENTION_VARIABLE}, else 30")
    args = parser.parse_args(argv)
    try:
        engine = engine_for(args.endpoints)
        if args.command == "delete":
            deleted = delete_conversation(engine, args.sender)
            print(
                f"Deleted conversation {args.sender!r}: {deleted.events} events."
                if deleted.conversations
                else f"No conversation {args.sender!r} is stored; nothing deleted."
            )
        else:
            days = args.older_than_days if args.older_than_days is not None else retention_days()
            if days <= 0:
                raise ValueError("--older-than-days: give a number of days above 0")
            deleted = prune(engine, timedelta(days=days), datetime.now(timezone.utc))
            print(
                f"Deleted {deleted.conversations} conversations ({deleted.events} events) "
                f"with no message in the last {days:g} days."
            )
    except (NoSqlTrackerStore, ValueError, sa.exc.SQLAlchemyError) as problem:
        print(f"Conversations not deleted: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
