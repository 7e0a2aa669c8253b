"""Secure by default (issue 11, part 1): DEBUG is off unless set, and `manage.py check --deploy` is clean with the
production settings of the README ("Production settings"), each run in a fresh process with only that environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2]
# The README's production settings (its "Production settings" section lists the same)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qz!pW9$vR2&mX5^tY8*uB3(nC6)jD1-eF4_gH0+iJ-example-only-generate-your-own",
    "ALLOWED_HOSTS": "yijian.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://yijian.example.gov.cn",
    "BEHIND_PROXY": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "FIELD_ENCRYPTION_KEYS": "ZXhhbXBsZS1vbmx5LWtleS1tYWtlLXlvdXItb3duLXdpdGgtcm90YXRlX2ZpZWxkX2tleXMtLW5ldy1rZXkhIQ==",
}

pytestmark = pytest.mark.security


def run(code_or_args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "FIELD_ENCRYPTION_KEYS"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env, DJANGO_SETTINGS_MODULE="yijian.settings", DATABASE_URL=f"sqlite:///{BASE}/unused.sqlite3")
    return subprocess.run(
        [sys.executable, *code_or_args], cwd=BASE, env=clean, capture_output=True, text=True, timeout=120
    )


def test_debug_is_off_unless_set():
    shown = run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        {"SECRET_KEY": PRODUCTION["SECRET_KEY"], "FIELD_ENCRYPTION_KEYS": PRODUCTION["FIELD_ENCRYPTION_KEYS"]},
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "False"


def test_without_debug_a_secret_key_is_required():
    refused = run(["manage.py", "check"], {})
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr


def test_without_debug_field_encryption_keys_are_required():
    refused = run(["manage.py", "check"], {"SECRET_KEY": PRODUCTION["SECRET_KEY"]})
    assert refused.returncode != 0 and "FIELD_ENCRYPTION_KEYS must be set" in refused.stderr


def test_check_deploy_is_clean_with_the_production_settings():
    checked = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_check_deploy_fails_without_them():
    checked = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION, "DEBUG": "1"})
    assert checked.returncode != 0
    assert "security.W018" in checked.stdout + checked.stderr  # DEBUG on in deployment
