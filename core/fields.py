"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

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
