"""Settings for the test suite (pyproject.toml, scripts/test): the production settings (DEBUG off, as pytest-django
runs them anyway) with a test-only secret key and plain HTTP, since the test client and the browser tests' live
server speak HTTP on localhost."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-insecure-key-" + "x" * 40)
os.environ.setdefault(  # a test-only key (64 bytes, base64url)
    "FIELD_ENCRYPTION_KEYS", "dGVzdHMtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleS1kby1ub3QtdXNlLWFueXdoZXJlLWVsc2UtMDAwMDAwMA=="
)

from .settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_USE_FINDERS = True
STATE_GUARD = True  # every status change checked against its state table (core/statemachine.py)  # serve straight from static/ (no collectstatic in tests)
# A second alias, as a production replica would be (DATABASE_REPLICA_URL): in the tests a mirror of the test
# database (Django's TEST MIRROR: the same database through a connection of its own). Off unless a test routes to it
# (settings.REPLICA_DATABASE = "replica"; core/tests/test_replica.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_DATABASE = None
