"""Telling the applicant what happened to their case, through the notification outbox (SMS and 站内信)."""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _texts(case) -> dict[str, tuple[str, str]]:
    name = case.one_thing.name
    number = case.number
    return {
        "case.submitted": (
            _("Application submitted"),
            _("Your application for “%(name)s” was submitted, case number %(number)s; it is now being reviewed.")
            % {"name": name, "number": number},
        ),
        "case.correction": (
            _("Corrections needed"),
            _(
                "Case %(number)s (“%(name)s”): some materials or information need correcting; everything is listed "
                "at once on the case page."
            )
            % {"name": name, "number": number},
        ),
        "case.resubmitted": (
            _("Corrections received"),
            _("Case %(number)s: your corrections were received and are being reviewed.") % {"number": number},
        ),
        "case.received": (
            _("Application received"),
            _("Case %(number)s (“%(name)s”) was received; the receipt is on the case page.")
            % {"name": name, "number": number},
        ),
        "case.withdrawn": (
            _("Application withdrawn"),
            _("Case %(number)s was withdrawn.") % {"number": number},
        ),
    }


def tell_applicant(case_pk: int, kind: str) -> None:
    """Queue an SMS and a site message to the applicant about their case, in the change's transaction."""
    from notifications.services import tell_applicant as tell

    from .models import Case

    case = Case.objects.select_related("one_thing", "applicant").get(pk=case_pk)
    subject, body = _texts(case)[kind]
    link = reverse("cases:detail", args=[case.number])
    tell(case.applicant, kind=kind, subject=subject, body=body, link=link, case_number=case.number)
