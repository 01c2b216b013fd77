"""Two Rasa servers behind nginx, sharing the real PostgreSQL tracker store and the real Redis lock store."""

from __future__ import annotations

import concurrent.futures
import time
import uuid

import pytest

from launch.cluster import POSTGRES, REDIS, Cluster, start_cluster
from launch.conversations import numbers_in

ARTIFACTS_NAME = "scale"


def require_services() -> None:
    """PostgreSQL and Redis run on these machines before a session starts; say so plainly where they do not."""
    import psycopg2
    import redis

    try:
        psycopg2.connect(**POSTGRES, connect_timeout=3).close()
        redis.Redis(**REDIS, socket_connect_timeout=3).ping()
    except (psycopg2.OperationalError, redis.exceptions.ConnectionError) as error:
        pytest.fail(f"the scale-out tests need PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379: {error}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Cluster:
    from tests.e2e.conftest import ARTIFACTS

    require_services()
    log_dir = ARTIFACTS / ARTIFACTS_NAME
    log_dir.mkdir(parents=True, exist_ok=True)
    # Rasa's default ticket lifetime (60 s): a message waiting its turn longer than that would be dropped.
    running = start_cluster(tmp_path_factory.mktemp("cluster"), servers=2, log_dir=log_dir)
    yield running
    running.stop()


def sender() -> str:
    return f"scale-{uuid.uuid4().hex[:10]}"


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def test_a_conversation_alternating_between_the_servers_keeps_its_slots(cluster):
    person = sender()
    first = cluster.say(person, "I'm an EV driver", via="rasa1")
    assert "country" in texts(first).lower()  # the question for the country: the role was understood
    second = cluster.say(person, "Germany", via="rasa2")  # the other server knows the role
    assert numbers_in(texts(second)) == {"de-driver"}
    third = cluster.say(person, "actually I'm in Sweden", via="rasa1")  # and the first one knows the country too
    assert numbers_in(texts(third)) == {"se-driver"}


def test_concurrent_messages_to_one_conversation_are_processed_one_at_a_time_in_order(cluster):
    person = sender()
    count = 20
    messages = [f"hello number {index}" for index in range(count)]

    def send(index: int) -> list[dict]:
        time.sleep(index * 0.05)  # sent 50 ms apart, alternately to both servers: the order they arrive in
        return cluster.say(person, messages[index], via="rasa1" if index % 2 == 0 else "rasa2", timeout=120)

    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        replies = list(pool.map(send, range(count)))
    assert all(replies), "every message got a reply"

    events = cluster.events(person)
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    assert user_texts == messages  # none lost, none twice, in the order they were sent
    # One at a time: each message's turn (its events up to the next message) is whole: the bot answered it and
    # went back to listening before the next message was taken.
    turns: list[list[dict]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        if turns:
            turns[-1].append(event)
    assert len(turns) == count
    for turn in turns:
        assert any(event["event"] == "bot" for event in turn), turn
        actions = [event["name"] for event in turn if event["event"] == "action"]
        assert actions and actions[-1] == "action_listen", turn


def test_a_killed_server_leaves_the_conversation_to_the_other_one(cluster):
    person = sender()
    cluster.say(person, "I'm an installer", via="rasa1")
    cluster.kill("rasa1")  # SIGKILL: no goodbye, no flush
    replies = cluster.say(person, "Norway")  # through nginx, which now reaches only rasa2
    assert numbers_in(texts(replies)) == {"no-business"}
    follow_up = cluster.say(person, "and for drivers?")
    assert numbers_in(texts(follow_up)) == {"no-driver"}
