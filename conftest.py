"""Fixtures shared by every app's tests: the seed catalog and demo accounts, demo users by role, clients; background
tasks run at once."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import User

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(scope="session", autouse=True)
def run_tasks_at_once():
    """Background tasks (settings.TASKS) run at once in the enqueuing thread, so a test sees their effects (an SMS
    enqueued on commit is sent when the commit callbacks run). Tests of the queue itself set the DatabaseBackend with
    pytest-django's `settings` fixture; django-tasks resets its backends whenever TASKS changes."""
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


@pytest.fixture(autouse=True)
def fresh_process_caches():
    """What a process keeps (the published guides, the regions, the working calendar) starts empty in every test: a test's
    rows are rolled back after it, and SQLite hands their ids out again."""
    from guidance.queries import forget_guides
    from regions.models import forget_regions
    from workcalendar.services import forget_calendar

    for forget in (forget_guides, forget_regions):
        forget()
    forget_calendar(after_commit=False)
    yield
    for forget in (forget_guides, forget_regions):
        forget()
    forget_calendar(after_commit=False)


@pytest.fixture(scope="session", autouse=True)
def pdf_cache_of_the_session(tmp_path_factory):
    """Cached PDFs (core.pdf.html_to_pdf_cached) go to a directory of this test session, never the working tree's;
    so do stored files (MEDIA_ROOT: uploads, stored PDFs) of tests that set no MEDIA_ROOT of their own.

    Case documents and e-licences are not rendered in the background after each change (PRERENDER_PDFS off: a
    scenario issues many, and the tasks run at once here); the first download renders and stores them, as it does
    for data older than the background task. documents/tests/test_stored_pdfs.py turns it on."""
    with override_settings(
        PDF_CACHE_DIR=tmp_path_factory.mktemp("pdf-cache"),
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PRERENDER_PDFS=False,
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test sees the seed catalog, the demo accounts and the demo shared data, loaded once per test database."""
    # The demo accounts' password hashing would dominate the session's set-up; tests do not test hash strength.
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    with django_db_blocker.unblock():
        call_command("load_catalog", verbosity=0)
        call_command("load_demo_accounts", verbosity=0)
        call_command("load_demo_shared_data", verbosity=0)


@pytest.fixture
def user_named(db):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


def verify_second_factor(client: Client, user: User) -> None:
    """Give `user` a confirmed TOTP device and mark the client's session as having passed it (as django_otp.login
    does after a right code); accounts/tests/test_login_protection.py walks the real pages."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


@pytest.fixture
def client_for(db):
    """A test client logged in as the demo account `username` (None: anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username:
            user = User.objects.get(username=username)
            client.force_login(user)
            if user.is_superuser:  # administrators pass their second factor (accounts/middleware.py) first
                verify_second_factor(client, user)
        return client

    return make
