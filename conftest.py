"""Fixtures shared by every app's tests: demo users by role, logged-in clients."""

import pytest
from django.test import Client

from accounts.models import User


@pytest.fixture
def user_named(db):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(db):
    """A test client logged in as the demo account `username` (None: anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return make
