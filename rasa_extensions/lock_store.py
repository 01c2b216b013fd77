"""A Redis lock store whose tickets cannot be lost when several Rasa servers take messages for one conversation.

Rasa Open Source's `RedisLockStore` reads a conversation's lock, changes it in Python and writes it back. Two
servers doing that at once overwrite each other's tickets (RasaHQ/rasa#9213; the race-safe store is Rasa Pro
only), and a message whose ticket vanished fails with "Could not acquire lock" and is lost: seen here with
20 messages to one conversation on two servers. This store makes every read-modify-write of a lock one Redis
transaction (WATCH/MULTI/EXEC, retried when another server changed the lock in between). The lock format and
keys are Rasa's own, so it is a drop-in replacement:
`lock_store: {type: rasa_extensions.lock_store.AtomicRedisLockStore, url: ..., port: ..., db: ...}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        settings: dict[str, Any] = endpoint_config.kwargs
        super().__init__(
            host=endpoint_config.url or "localhost",
            port=int(settings.get("port", 6379)),
            db=int(settings.get("db", 1)),
            username=settings.get("username") or None,
            password=settings.get("password") or None,
            use_ssl=bool(settings.get("use_ssl", False)),
            key_prefix=settings.get("key_prefix") or None,
        )

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Result]]
    ) -> Result:
        """Applies `change` to the stored lock atomically; a lock it returns as None is deleted."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock meanwhile: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def remove_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, remove_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: (_without(lock, ticket_number), None))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            lock = _without(lock, ticket_number)
            return (lock if lock is not None and lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)


def _without(lock: TicketLock | None, ticket_number: int) -> TicketLock | None:
    if lock is not None:
        lock.remove_ticket_for(ticket_number)
    return lock
