"""What the bot stored: the SQLite tracker store of the bot the tests started (launch/processes.py start_bot)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def user_events(bot: Any, sender: str) -> list[dict[str, Any]]:
    """The person's messages as the tracker store keeps them, for one sender, oldest first."""
    with sqlite3.connect(bot.workdir / "tracker.db") as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def senders(bot: Any) -> set[str]:
    with sqlite3.connect(bot.workdir / "tracker.db") as database:
        return {sender for (sender,) in database.execute("SELECT DISTINCT sender_id FROM events")}
