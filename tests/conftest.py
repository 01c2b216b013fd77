"""Shared fixtures: the real directory and resolvers, loaded once per test session; a PostgreSQL schema."""

import uuid
from collections.abc import Iterator

import psycopg2
import pytest

from actions.countries import default_resolver
from actions.directory import Directory, default_directory
from actions.roles import default_role_resolver
from launch.cluster import POSTGRES


@pytest.fixture(scope="session")
def directory() -> Directory:
    return default_directory()


@pytest.fixture(scope="session")
def countries():
    return default_resolver()


@pytest.fixture(scope="session")
def roles():
    return default_role_resolver()


@pytest.fixture()
def postgres_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A schema of its own in the real PostgreSQL, selected the way Rasa selects one (POSTGRESQL_SCHEMA)."""
    schema = f"test_{uuid.uuid4().hex[:10]}"
    try:
        connection = psycopg2.connect(**POSTGRES, connect_timeout=5)
    except psycopg2.OperationalError as error:
        pytest.fail(f"this test needs PostgreSQL on 127.0.0.1:5432 (database test, user postgres): {error}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {schema}")
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)
    try:
        yield schema
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")
        connection.close()
