"""The consent offer at the top of the applicant's one form (issue 10 part 2): per source, what it would fill here.

shareddata.offers decides which sources would add fields to this form; this module ties that to the form page (its
fields, the current pre-fill and the draft as saved) and words the purpose a consent given here is stored with: the
one-thing it was given for. The window's walk-in form never shows it: staff cannot consent for someone.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import OneThing
from shareddata.offers import ConsentPanel, consent_panel
from shareddata.services import PrefilledValue

from .models import ApplicationDraft
from .services import MergedForm


def panel_for(
    user: User, form: MergedForm, prefill: dict[str, PrefilledValue], draft: ApplicationDraft | None
) -> ConsentPanel:
    """What consenting to each source would add to this form for this applicant, and what consented ones filled."""
    return consent_panel(user, form.fields, prefill, draft.values if draft else {})


def purpose_for(one_thing: OneThing) -> str:
    """The purpose stored with a consent granted on the form: naming the one-thing (and its region)."""
    return _("Pre-fill the application form for “%(name)s” (%(region)s).") % {
        "name": one_thing.name,
        "region": one_thing.region.full_name,
    }
