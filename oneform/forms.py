"""The guide's state as a draft keeps it, and the small form for reporting a wrong shared value.

A draft stores the guide's answers as {"q": {question key: option key}, "skip": [item codes], "lic": [e-licence
types]} — the same state guidance.forms.GuideQuery reads from the query string — so that opening the one form
without a query string (another device) resumes with the answers the draft was saved under.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from guidance.forms import ANSWER_PREFIX, GuideQuery
from guidance.services import PersonalNotice

GUIDE_PARAMS = ("skip", "shown", "item", "lic")


def draft_state(notice: PersonalNotice) -> dict:
    return {
        "q": dict(notice.answers),
        "skip": sorted(notice.deselected_codes),
        "lic": sorted(notice.held_licence_types),
    }


def query_from_state(state: dict) -> GuideQuery:
    return GuideQuery(
        answers={str(k): str(v) for k, v in (state.get("q") or {}).items()},
        skipped_codes={str(c) for c in state.get("skip") or []},
        licences={str(t) for t in state.get("lic") or []},
    )


def has_guide_params(data: QueryDict) -> bool:
    return any(key.startswith(ANSWER_PREFIX) or key in GUIDE_PARAMS for key in data)


class ReportWrongForm(forms.Form):
    """“信息有误？”: the applicant says a locked value from a shared source is wrong."""

    key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("What is wrong?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what is wrong, so the department holding the data can correct it.")},
    )
