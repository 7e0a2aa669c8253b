"""Issue 11 part 7: ID numbers, mobiles and bank accounts are encrypted in the database — in the user table and
inside the JSON values of cases, drafts and trails — while look-ups, uniqueness and the pages work on the clear
values; keys rotate; the SQLite file is private."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import OneTimeCode, User
from cases.models import Case
from core import crypto
from core.apps import private_sqlite_file
from results.tests.scenario import restaurant_case

pytestmark = [pytest.mark.django_db, pytest.mark.security]

CITIZEN_ID, CITIZEN_MOBILE = "410721199003070010", "13800000001"  # the demo citizen (accounts/demo.py)


def raw(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_identity_numbers_and_mobiles_are_ciphertext_in_the_user_table():
    citizen = User.objects.get(username="citizen")
    assert (citizen.id_number, citizen.mobile) == (CITIZEN_ID, CITIZEN_MOBILE)  # clear in Python
    ((id_number, mobile),) = raw(f"SELECT id_number, mobile FROM {User._meta.db_table} WHERE id = %s", [citizen.pk])
    assert id_number.startswith("enc1:") and mobile.startswith("enc1:")
    assert CITIZEN_ID not in id_number and CITIZEN_MOBILE not in mobile
    dump = raw(f"SELECT id_number, mobile, agent_id_number FROM {User._meta.db_table}", [])
    assert not any(CITIZEN_ID in (v or "") or CITIZEN_MOBILE in (v or "") for row in dump for v in row)


def test_lookups_and_uniqueness_work_on_the_clear_value():
    assert User.objects.get(id_number=CITIZEN_ID).username == "citizen"
    assert User.objects.filter(mobile__in=[CITIZEN_MOBILE, "13900000000"]).count() == 1
    duplicate = User(username="someone-else", id_number=CITIZEN_ID)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()  # the unique constraint holds on the ciphertext


def test_sensitive_values_inside_case_json_are_ciphertext(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = restaurant_case()
    sensitive = [k for k in case.values if crypto.is_sensitive_key(k) and case.values[k]]
    assert sensitive, "the restaurant form has mobiles and ID numbers"
    (stored,) = raw(
        f"SELECT {connection.ops.quote_name('values')} FROM {Case._meta.db_table} WHERE id = %s", [case.pk]
    )[0]
    data = json.loads(stored) if isinstance(stored, str) else stored
    for key in sensitive:
        assert data[key].startswith("enc1:") and case.values[key] not in data[key]
    assert Case.objects.get(pk=case.pk).values == case.values  # read back clear
    plain = [k for k in case.values if not crypto.is_sensitive_key(k)]
    assert plain and all(data[k] == case.values[k] for k in plain)  # the rest stays readable JSON


def test_a_value_moved_to_another_column_does_not_decrypt():
    stored = crypto.encrypt(CITIZEN_ID, "accounts.User.id_number")
    with pytest.raises(InvalidTag):
        crypto.decrypt(stored, "accounts.User.mobile")


def test_keys_rotate_and_old_ciphertext_keeps_working_until_rewritten(settings):
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    new = crypto.new_key()
    settings.FIELD_ENCRYPTION_KEYS = [new, *old]
    assert User.objects.get(id_number=CITIZEN_ID).username == "citizen"  # found under the old key meanwhile
    now = timezone.now()
    OneTimeCode.objects.create(mobile=CITIZEN_MOBILE, code_hash="x" * 64, created_at=now, expires_at=now)
    call_command("rotate_field_keys", stdout=io.StringIO())
    new_id = crypto.keys()[0][0]
    ((id_number,),) = raw(f"SELECT id_number FROM {User._meta.db_table} WHERE username = %s", ["citizen"])
    assert id_number.startswith(f"enc1:{new_id}:")
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key dropped: everything still reads
    assert User.objects.get(id_number=CITIZEN_ID).mobile == CITIZEN_MOBILE
    assert OneTimeCode.objects.get(mobile=CITIZEN_MOBILE)


def test_the_sqlite_file_is_made_private(tmp_path):
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)

    class Connection:
        vendor = "sqlite"
        settings_dict = {"NAME": str(path)}

    private_sqlite_file(None, Connection())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
