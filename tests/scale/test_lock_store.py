"""The race-safe lock store against the real Redis: two stores (two Rasa servers) issuing tickets at once."""

import concurrent.futures
import uuid

import pytest
import redis
from rasa.utils.endpoints import EndpointConfig

from rasa_extensions.lock_store import AtomicRedisLockStore


def store() -> AtomicRedisLockStore:
    return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=6379, db=0, key_prefix="locktest"))


@pytest.fixture
def conversation():
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=3).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"this test needs Redis on 127.0.0.1:6379: {error}")
    conversation_id = f"lock-{uuid.uuid4().hex}"
    yield conversation_id
    store().delete_lock(conversation_id)


def test_no_ticket_is_lost_when_two_servers_issue_them_at_once(conversation):
    servers = [store(), store()]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        tickets = list(pool.map(lambda index: servers[index % 2].issue_ticket(conversation), range(200)))
    assert sorted(tickets) == list(range(200))
    lock = servers[0].get_lock(conversation)
    assert len(lock.tickets) == 200


def test_finished_tickets_leave_and_the_last_one_deletes_the_lock(conversation):
    servers = [store(), store()]
    tickets = [servers[index % 2].issue_ticket(conversation) for index in range(10)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda ticket: servers[ticket % 2].cleanup(conversation, ticket), tickets))
    assert servers[0].get_lock(conversation) is None


def test_the_stock_store_settings_are_read_from_the_endpoint(conversation):
    configured = store()
    assert configured.key_prefix == "locktest:lock:"
    assert configured.red.connection_pool.connection_kwargs["db"] == 0
