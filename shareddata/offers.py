"""What consenting to a source would add to one form (the consent offer at the top of the one form, issue 10 part 2).

The applicant's own identity from their account is pre-filled without consent (services.ACCOUNT_IDENTITY). Where a
source the applicant may consent to (services.scopes_for) would fill more of *this* form, the form offers it, per
source, with the labels of the fields it would fill. Which fields that is follows the data dictionary (each
element's `source`) and `related.can_fill` (whether that source may ever fill the element for this kind of account),
minus what is already filled and will stay as it is:

- a value already pre-filled and locked (the account's verified identity, or another consented source) stays;
- a value already pre-filled but not locked (the applicant's own earlier entry, 一人一档) is kept over a source whose
  value is not authoritative (as prefill_for decides), so that source would add nothing there;
- what the applicant typed in their draft is kept over a value that is not authoritative (oneform's
  effective_values); an authoritative source's value replaces it on the form (it is shown locked: registry data are
  not edited in the form, they are reported as wrong). The offer names those fields before the applicant consents.

Whether the source really holds data about this applicant is not asked: asking would read the source before
consent, and nothing is read from a source without it (docs/shared-data.md). The offer therefore says what the
source *may* fill; once consented, the panel says what it did fill, or that it found nothing for this form.

Finding whom a section is about reads sources too (shareddata.related): a newborn needs the health authority and the
population registry, a school-age child the population registry, and so on. An offer names the other consents its
fields depend on (`also_needs`), so that granting one source alone never silently fills nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.db import transaction

from accounts.models import User

from .choices import ConsentScope, RelatedPerson
from .models import Consent
from .related import can_fill, sections_for
from .services import PrefilledValue, current_consents, do_grant_consent, scopes_for

# whom a section is about -> the sources that must be consented to find that person (shareddata.related.Family:
# birth() needs health + population, school_age_child() and deceased() the registry's relations, ward() the
# disabled persons' federation). The applicant themselves needs none.
FOUND_THROUGH: dict[str, tuple[str, ...]] = {
    RelatedPerson.SELF: (),
    RelatedPerson.NEWBORN: (ConsentScope.HEALTH, ConsentScope.POPULATION),
    RelatedPerson.CHILD: (ConsentScope.POPULATION,),
    RelatedPerson.WARD: (ConsentScope.DISABILITY,),
    RelatedPerson.DECEASED: (ConsentScope.POPULATION, ConsentScope.HEALTH),
}


class FormElement(Protocol):
    """A field of the form, as oneform.services.MergedField has it."""

    key: str
    label: str
    source: str
    section: str
    authoritative: bool


def scope_label(scope: str) -> str:
    return str(ConsentScope(scope).label) if scope in ConsentScope.values else scope


@dataclass
class SourceOffer:
    """One source on one form: what it would fill (not consented yet), or what it filled (consented)."""

    scope: str
    label: str
    fields: list[str] = field(default_factory=list)  # labels of the fields it would fill / did fill
    replaces: list[str] = field(default_factory=list)  # labels of typed fields its locked value would replace
    also_needs: list[str] = field(default_factory=list)  # labels of other sources needed to find the person
    consent: Consent | None = None

    @property
    def granted(self) -> bool:
        return self.consent is not None


@dataclass
class ConsentPanel:
    offers: list[SourceOffer]  # sources not consented to that would add at least one field of this form
    granted: list[SourceOffer]  # sources consented to that may fill fields of this form, with what they filled

    @property
    def offered_scopes(self) -> list[str]:
        return [o.scope for o in self.offers]

    def __bool__(self) -> bool:
        return bool(self.offers or self.granted)


def consent_panel(
    user: User,
    elements: Iterable[FormElement],
    prefill: Mapping[str, PrefilledValue],
    typed: Mapping[str, object],
    consents: Mapping[str, Consent] | None = None,
) -> ConsentPanel:
    """The offers and the granted sources for a form with these fields, for this applicant.

    `prefill` is what prefill_for gives now; `typed` the draft's values as saved (empty ones count as not typed).
    Reads no source. One query (the current consents) unless `consents` is given.
    """
    consents = current_consents(user) if consents is None else consents
    sections = sections_for(user.kind)
    elements = list(elements)
    offers: list[SourceOffer] = []
    granted: list[SourceOffer] = []
    for scope in scopes_for(user):
        candidates = [e for e in elements if e.source == scope and can_fill(e.key, e.source, e.section, user.kind)]
        if not candidates:
            continue  # this source supplies nothing on this form
        if scope in consents:
            filled = [e.label for e in candidates if (p := prefill.get(e.key)) is not None and p.source == scope]
            granted.append(SourceOffer(scope, scope_label(scope), fields=filled, consent=consents[scope]))
            continue
        offer = SourceOffer(scope, scope_label(scope))
        needs: dict[str, None] = {}
        for e in candidates:
            pre = prefill.get(e.key)
            if pre is not None and (pre.authoritative or not e.authoritative):
                continue  # filled already, and stays so
            was_typed = bool(str(typed.get(e.key) or "").strip())
            if was_typed and not e.authoritative:
                continue  # what the applicant typed is kept
            offer.fields.append(e.label)
            if was_typed:
                offer.replaces.append(e.label)
            for other in FOUND_THROUGH.get(sections.get(e.section, RelatedPerson.SELF), ()):
                if other != scope and other not in consents:
                    needs[other] = None
        if offer.fields:
            offer.also_needs = [scope_label(s) for s in needs]
            offers.append(offer)
    return ConsentPanel(offers, granted)


@transaction.atomic
def do_grant_consents(user: User, scopes: Iterable[str], *, acting_user: User, purpose: str) -> list[Consent]:
    """Grant consent to several sources at once (全部授权): all of them or, on any refusal, none."""
    return [do_grant_consent(user, scope, acting_user=acting_user, purpose=purpose) for scope in dict.fromkeys(scopes)]
