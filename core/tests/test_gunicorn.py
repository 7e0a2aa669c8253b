"""Served as in production (README "Deployment"): gunicorn with yijian/gunicorn.conf.py, the production settings
(DEBUG off), on a free loopback port, against the test database (on SQLite a copy of it in a file, since the test
database lives in memory); `/` and a static file, collected by collectstatic and served by WhiteNoise.

Runs in CI (scripts/test, both databases); YIJIAN_SKIP_SERVER=1 skips it locally, nothing else does."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(os.environ.get("YIJIAN_SKIP_SERVER") == "1", reason="YIJIAN_SKIP_SERVER=1"),
]
ROOT = Path(settings.BASE_DIR)
STATIC = "vendor/htmx/htmx.min.js"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database_url(django_db_setup, django_db_blocker, tmp_path_factory) -> str:
    """The test database, with the session's data (the seed catalog, demo accounts), outside any test transaction."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":  # the in-memory test database, copied whole into a file gunicorn can open
        copy = tmp_path_factory.mktemp("gunicorn-db") / "db.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            target = sqlite3.connect(copy)
            connection.connection.backup(target)
            target.close()
        return f"sqlite:///{copy}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.status, dict(response.headers), response.read()


@pytest.mark.django_db  # so that the session sets the test database up
def test_gunicorn_serves_the_catalog_and_a_static_file(database_url, tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "yijian.settings",
        "DEBUG": "0",
        "SECRET_KEY": "gunicorn-test-only-" + "x" * 40,
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS[0],
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; behind nginx it stays on
        "DATABASE_URL": database_url,
        "YIJIAN_STATIC_ROOT": str(tmp_path / "static"),
        "ADDRESS": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    assert (tmp_path / "static" / STATIC).is_file()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-c", "yijian/gunicorn.conf.py", "yijian.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        assert status == 200 and headers["Server"].startswith("gunicorn")
        assert "一件事" in body.decode()
        assert "Content-Security-Policy" in headers  # the production middleware stack answered
        status, headers, body = get(f"http://127.0.0.1:{port}/static/{STATIC}")
        assert status == 200 and body == (ROOT / "static" / STATIC).read_bytes()
        assert "javascript" in headers["Content-Type"]
        log_text = (tmp_path / "gunicorn.log").read_text()
        assert log_text.count("Booting worker") == 2  # GUNICORN_WORKERS, read by the configuration file
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
