"""Form fields shared by the apps, and the model fields that keep personal data encrypted at rest."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import lookups

from . import crypto

# The largest primary key a database column holds (bigint); anything above it is no id of ours, and SQLite and
# PostgreSQL fail on it (OverflowError, DataError) instead of finding nothing.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` (request data) as a row id: a positive integer a bigint column holds; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose posted ids are checked to be ids before they reach the database: a huge
    number, a negative one or a word is the field's "invalid value" error, not a database error."""

    def _check_values(self, value):
        for pk in value:
            if not isinstance(pk, self.queryset.model) and parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)


# ---------------------------------------------------------------- personal data encrypted at rest (core.crypto)


class _Encrypted:
    """Model-field mixin: the column holds core.crypto's ciphertext, Python sees the clear value. The column's
    label ("app.Model.field") is the associated data, so a value copied to another column does not decrypt."""

    def contribute_to_class(self, cls, name, *args, **kwargs) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.app_label}.{cls._meta.object_name}.{name}"

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value, self.crypto_context)

    def to_python(self, value):
        value = super().to_python(value)
        return crypto.decrypt(value, self.crypto_context) if crypto.is_encrypted(value) else value

    def get_prep_value(self, value):
        if crypto.is_encrypted(value):  # already the stored form (e.g. a look-up under an older key)
            return value
        value = super().get_prep_value(value)
        return value if value is None else crypto.encrypt(str(value), self.crypto_context)


class EncryptedCharField(_Encrypted, models.CharField):
    """A CharField stored encrypted (deterministic: exact look-ups and unique constraints work, core.crypto). Its
    column is 255 wide for the ciphertext; the clear value's format is the validators' business."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["max_length"] = 255
        super().__init__(*args, **kwargs)


class EncryptedTextField(_Encrypted, models.TextField):
    """A TextField stored encrypted (core.crypto)."""


class EncryptedJSONField(models.JSONField):
    """A JSONField whose strings under sensitive keys (ID numbers, mobiles, bank accounts… at any depth) are stored
    encrypted, with the JSON key as associated data (core.crypto.encrypt_sensitive)."""

    def get_prep_value(self, value):
        return super().get_prep_value(crypto.encrypt_sensitive(value))

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt_sensitive(super().from_db_value(value, expression, connection))


class _EncryptedExact(lookups.In):
    """`field=value` on an encrypted column: the ciphertext under any configured key (rotation in progress)."""

    lookup_name = "exact"

    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and isinstance(self.rhs, str):
            self.rhs = crypto.ciphertexts(self.rhs, self.lhs.output_field.crypto_context)
        return super().get_prep_lookup()


class _EncryptedIn(lookups.In):
    lookup_name = "in"

    def get_prep_lookup(self):
        if self.rhs_is_direct_value():
            context = self.lhs.output_field.crypto_context
            self.rhs = [c for v in self.rhs for c in crypto.ciphertexts(str(v), context)]
        return super().get_prep_lookup()


for _field in (EncryptedCharField, EncryptedTextField):
    _field.register_lookup(_EncryptedExact)
    _field.register_lookup(_EncryptedIn)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """The names of the model's encrypted columns."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, _Encrypted | EncryptedJSONField)]


def reencrypt(model: type[models.Model], names: list[str] | None = None) -> int:
    """Write every row's encrypted columns again under the first key (clear legacy values get encrypted, values of
    an older key re-encrypted). Rows are read decrypted and written with update(): no save() signals, no change to
    audit chains (their hashes cover the clear values). Returns the number of rows."""
    names = names if names is not None else encrypted_fields(model)
    if not names:
        return 0
    count = 0
    manager = model._base_manager
    for row in manager.order_by("pk").values_list("pk", *names).iterator(chunk_size=500):
        manager.filter(pk=row[0]).update(**dict(zip(names, row[1:], strict=True)))
        count += 1
    return count


def reencrypt_migration(*labels_and_fields: tuple[str, list[str]]):
    """A RunPython function for a migration that starts encrypting existing columns."""

    def run(apps, schema_editor) -> None:  # noqa: ARG001
        for label, names in labels_and_fields:
            reencrypt(apps.get_model(label), names)

    return run
