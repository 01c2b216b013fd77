"""Shared fixtures: the real directory and resolvers, loaded once per test session."""

import pytest

from actions.countries import default_resolver
from actions.directory import Directory, default_directory
from actions.roles import default_role_resolver


@pytest.fixture(scope="session")
def directory() -> Directory:
    return default_directory()


@pytest.fixture(scope="session")
def countries():
    return default_resolver()


@pytest.fixture(scope="session")
def roles():
    return default_role_resolver()
