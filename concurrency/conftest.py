"""Tests with real concurrent database connections (PostgreSQL), in a session of their own.

They need transactional database access, so that each thread's connection sees the others' commits; pytest-django
then empties every table after each test, which in the main session would wipe the catalog the root conftest loads
once. Here, as in e2e/, the root conftest's `django_db_setup` is replaced by pytest-django's own and every test
loads the seed catalog, demo accounts and demo shared data itself.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from pytest_django.fixtures import django_db_setup  # noqa: F401  (re-exported: replaces the root conftest's)


@pytest.fixture(autouse=True)
def demo_data(transactional_db, settings, tmp_path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # only for these tests' speed
    settings.MEDIA_ROOT = tmp_path / "media"
    for command in ("load_catalog", "load_demo_accounts", "load_demo_shared_data"):
        call_command(command, verbosity=0, stdout=io.StringIO())
