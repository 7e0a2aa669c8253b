"""Fixtures shared by every app's tests: the seed catalog and demo accounts, demo users by role, clients; background
tasks run at once."""

import contextlib

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


class TaskQueue:
    """The real queue of settings.TASKS_BACKEND (YIJIAN_TASKS_BACKEND: the database by default, Redis and RQ with
    `rq`), for the tests of the background tasks themselves (`pytest -m tasks`; .ci/run runs them once more with
    YIJIAN_TASKS_BACKEND=rq). What is enqueued is recorded (django-tasks' task_enqueued signal) and read back from the
    backend; `run()` is the backend's own worker in burst mode, in this process: it runs what is due, then returns.
    """

    def __init__(self, settings):
        from django_tasks.signals import task_enqueued

        self.backend_path = settings.TASKS_BACKEND
        self.kind = "rq" if self.backend_path.startswith("django_tasks_rq.") else "database"
        settings.TASKS = {"default": {"BACKEND": self.backend_path, "QUEUES": ["default"]}}
        self.ids: list[str] = []
        self._signal = task_enqueued
        task_enqueued.connect(self._enqueued)
        if self.kind == "rq":
            self._empty()

    def _enqueued(self, sender, task_result, **kwargs):
        self.ids.append(task_result.id)

    def close(self) -> None:
        self._signal.disconnect(self._enqueued)
        if self.kind == "rq":
            self._empty()

    def _rq_queue(self):
        import django_rq
        from django_tasks_rq import Job

        return django_rq.get_queue("default", job_class=Job)

    def _empty(self) -> None:
        """This queue's jobs and registries in Redis (the tests' own database of it: YIJIAN_REDIS_URL)."""
        from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry

        queue = self._rq_queue()
        queue.empty()
        for registry in (FinishedJobRegistry, FailedJobRegistry, ScheduledJobRegistry):
            for job_id in registry(queue=queue).get_job_ids():
                registry(queue=queue).remove(job_id, delete_job=True)

    def results(self):
        """Every task enqueued during the test, as the backend reports it now (status, return value, errors)."""
        from django_tasks import task_backends

        backend = task_backends["default"]
        return [backend.get_result(result_id) for result_id in self.ids]

    def waiting(self):
        from django_tasks import TaskResultStatus

        return [r for r in self.results() if r.status == TaskResultStatus.READY]

    def in_broker(self) -> int:
        """How many tasks wait where the backend keeps them: Redis (the queue and its scheduled jobs), or the
        database table of django_tasks_db."""
        if self.kind == "rq":
            from rq.registry import ScheduledJobRegistry

            queue = self._rq_queue()
            return queue.count + ScheduledJobRegistry(queue=queue).count
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()

    def run(self) -> None:
        if self.kind == "rq":
            self._run_rq()
        else:
            self._run_database()

    def _run_rq(self) -> None:
        """RQ's SimpleWorker (no fork: the job runs in this process, inside the test's database transaction), burst:
        it takes every job from Redis, runs it, stores its result in Redis, and returns when the queue is empty."""
        from django_tasks_rq import Job
        from rq import SimpleWorker

        queue = self._rq_queue()
        with _restored_signals_and_loggers("rq.worker", "rq"):
            SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)

    def _run_database(self) -> None:
        """`manage.py db_worker --batch`: every queued task, then exit. The worker drops database connections between
        tasks (close_old_connections), which would end the test's transaction."""
        import io
        from unittest import mock

        from django.core.management import call_command

        with (
            _restored_signals_and_loggers("django_tasks", "django_tasks_db"),
            mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
        ):
            call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, stdout=io.StringIO())


@contextlib.contextmanager
def _restored_signals_and_loggers(*logger_names: str):
    """A worker installs signal handlers and log handlers of its own: put back afterwards."""
    import logging
    import signal

    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved_signals = {s: signal.getsignal(s) for s in signals}
    loggers = [logging.getLogger(name) for name in logger_names]
    saved_loggers = [(lg, lg.level, list(lg.handlers), lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
        for lg, level, handlers, propagate in saved_loggers:
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate = propagate


@pytest.fixture
def task_queue(settings):
    """The configured task backend's real queue and worker (TaskQueue); mark the test `tasks`."""
    queue = TaskQueue(settings)
    yield queue
    queue.close()
