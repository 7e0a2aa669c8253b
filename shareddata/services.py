"""Consent, the applicant's profile and pre-filling from shared data.

Every change goes through a `do_<verb>_<noun>` function here: atomic, writing its SharedDataEvent (who, when,
what, before/after) in the same transaction. Reading shared data goes through `prefill_for` and `licences_for`,
which ask a source only when the applicant has a current consent for it (nothing at all without consent), only for
data the dictionary says that source supplies, and only about the applicant or their own related persons
(最小必要; see shareddata.related).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.choices import AccountKind
from accounts.models import User
from catalog.models import DataElement
from core.errors import ConflictError, UserFacingError

from .choices import ConsentScope, EventAction, PrefillSource
from .derived import derive_values, inputs_for, settled_inputs, settled_values
from .models import ApplicantProfileValue, Consent, PartyConsent, SharedDataEvent
from .related import Family, can_fill, related_values
from .sources import LicenceRecord, get_source

# account kind -> the sources such an applicant can consent to, each separately (a natural person has no market
# record of their own, an enterprise no population, health or family record). What each may fill, and about whom:
# shareddata.related.
SCOPES_FOR_KIND: dict[str, tuple[str, ...]] = {
    AccountKind.NATURAL_PERSON: (
        ConsentScope.POPULATION,
        ConsentScope.E_LICENCE,
        ConsentScope.HEALTH,
        ConsentScope.CIVIL_AFFAIRS,
        ConsentScope.SOCIAL_SECURITY,
        ConsentScope.HOUSING_FUND,
        ConsentScope.DISABILITY,
        ConsentScope.EDUCATION,
        ConsentScope.REAL_ESTATE,
        ConsentScope.PROFILE,
    ),
    AccountKind.LEGAL_PERSON: (
        ConsentScope.MARKET,
        ConsentScope.E_LICENCE,
        ConsentScope.TAX,
        ConsentScope.SOCIAL_SECURITY,
        ConsentScope.HOUSING_FUND,
        ConsentScope.REAL_ESTATE,  # the enterprise's premises: owned (不动产登记) or leased (房屋租赁登记备案)
        ConsentScope.CONSTRUCTION,  # its construction projects (工改系统), for the utility connections they need
        ConsentScope.VEHICLE,  # the vehicles registered to it (机动车登记)
        ConsentScope.PROFILE,
    ),
    AccountKind.STAFF: (),
}


@dataclass(frozen=True)
class PrefilledValue:
    value: str
    source: str  # PrefillSource
    authoritative: bool  # supplied by the element's authoritative source (or settled by an answer): shown locked
    note: str = ""  # why (a value the one-thing settles: the rule's reason)

    @property
    def settled(self) -> bool:
        """Settled by the one-thing or an answer of its questionnaire, not read from anyone's records."""
        return self.source == PrefillSource.ONE_THING

    @property
    def source_label(self) -> str:
        return str(PrefillSource(self.source).label)


# ---------------------------------------------------------------- reading


def scopes_for(user: User) -> tuple[str, ...]:
    return SCOPES_FOR_KIND.get(user.kind, ())


def current_consents(user: User) -> dict[str, Consent]:
    """scope -> the user's current consent for it."""
    return {c.scope: c for c in Consent.objects.filter(user=user, withdrawn_at__isnull=True)}


def find_consent(user: User, consent_id: int) -> Consent | None:
    """The user's own consent with this id; None for one that does not exist and for another person's."""
    return Consent.objects.filter(user=user, pk=consent_id).select_related("user").first()


# The applicant's own identity from their account (实名认证): always pre-filled, no consent needed (issue 10 part 2).
# Data element key -> (account attribute, shown locked).
ACCOUNT_IDENTITY = {
    AccountKind.NATURAL_PERSON: {
        "applicant.name": ("display_name", True),
        "applicant.id_number": ("id_number", True),
        "applicant.mobile": ("mobile", False),
    },
    AccountKind.LEGAL_PERSON: {
        "enterprise.name": ("display_name", True),
        "enterprise.credit_code": ("credit_code", True),
        "legal_person.name": ("legal_representative", True),
        "agent.name": ("agent_name", False),
        "agent.id_number": ("agent_id_number", False),
        "agent.mobile": ("mobile", False),
        # the person filing for the enterprise is its contact: 联系人手机号码 of the connection items
        "applicant.mobile": ("mobile", False),
    },
}


def account_values(user: User, keys: Iterable[str]) -> dict[str, PrefilledValue]:
    """The identity the account holds, for the keys asked (ACCOUNT_IDENTITY)."""
    wanted = set(keys)
    found = {}
    for key, (attribute, locked) in ACCOUNT_IDENTITY.get(AccountKind(user.kind), {}).items():
        value = str(getattr(user, attribute, "") or "").strip()
        if key in wanted and value:
            found[key] = PrefilledValue(value, PrefillSource.ACCOUNT, authoritative=locked)
    return found


def prefill_for(
    user: User,
    element_keys: Iterable[str],
    *,
    include_profile: bool = True,
    one_thing_code: str = "",
    settled: Sequence[Mapping] = (),
) -> dict[str, PrefilledValue]:
    """Values to pre-fill for the given data element keys.

    From the applicant's account (their own identity, always), from their profile (what they entered before: 一人一档,
    only while they consent to it, ConsentScope.PROFILE), and from each source they currently consent to —
    only for elements whose dictionary source is that source, and only about the applicant themselves or their
    own related persons as `related` finds them (newborn and its parents, school-age child, ward, deceased close
    relative). An authoritative source's value wins over the profile and is marked authoritative (locked in the
    form); otherwise what the applicant entered wins. Window staff filing for a walk-in get no profile values
    (`include_profile=False`): the minimum a role needs.

    Then the values the one-thing settles for the answers given (`settled`: its form-value rules that hold,
    shareddata.derived.applicable_rules, PrefillSource.ONE_THING): what an answer settles (the 消防 check's 办理方式
    chosen in the questionnaire) locked, since the answer decides it; what the one-thing settles (the 用气类别 of a
    restaurant, the 用电地址 that is the shop's own premises) as editable defaults where nothing else filled them.

    Last, fields the law makes equal to another value of the same form (shareddata.derived.DERIVATIONS: the fire
    safety responsible person is the legal representative…) get that value as an editable default, marked
    PrefillSource.DERIVED, where nothing else filled them.

    For a one-thing filed together with another person (`one_thing_code`; the other party to a marriage), that
    person's section is filled from their own data once they consented from their own account (party_values).
    """
    asked = set(element_keys)
    # what the derivations and the settled values need, read under the same rules, returned only if asked
    keys = asked | inputs_for(asked) | settled_inputs(settled, asked)
    result = _source_values(user, keys, include_profile=include_profile)
    if one_thing_code:
        for key, value in party_values(user, keys, one_thing_code).items():
            if key not in result or not result[key].authoritative:
                result[key] = value
    if CHILDREN_KEY in asked and CHILDREN_KEY not in result:
        count = _children_count(user, one_thing_code)
        if count is not None:
            result[CHILDREN_KEY] = PrefilledValue(str(count), PrefillSource.POPULATION, authoritative=False)
    known = {k: v.value for k, v in result.items()}
    locked = {k for k, v in result.items() if v.authoritative}
    result.update(
        {
            key: PrefilledValue(value, PrefillSource.ONE_THING, authoritative=by_answer, note=reason)
            for key, (value, by_answer, reason) in settled_values(settled, asked, known, locked).items()
        }
    )
    result.update(
        {
            key: PrefilledValue(value, PrefillSource.DERIVED, authoritative=False)
            for key, value in derive_values(asked, {k: v.value for k, v in result.items()}).items()
        }
    )
    return {key: value for key, value in result.items() if key in asked}


def _source_values(user: User, keys: set[str], *, include_profile: bool) -> dict[str, PrefilledValue]:
    result: dict[str, PrefilledValue] = account_values(user, keys)  # the account's own identity, always
    consents = current_consents(user)
    if include_profile and ConsentScope.PROFILE in consents:
        for pv in ApplicantProfileValue.objects.filter(user=user, key__in=keys):
            if not (pv.key in result and result[pv.key].authoritative):  # what they typed before, unless locked
                result[pv.key] = PrefilledValue(pv.value, PrefillSource.PROFILE, authoritative=False)
    consented = set(consents) - {ConsentScope.E_LICENCE, ConsentScope.PROFILE}
    if not consented or not user.identity_number or not keys:
        return result
    by_section: dict[str, list[DataElement]] = {}
    authoritative: dict[str, bool] = {}
    for element in DataElement.objects.filter(key__in=keys, source__in=consented):
        if can_fill(element.key, element.source, element.section, user.kind):
            by_section.setdefault(element.section, []).append(element)
            authoritative[element.key] = element.authoritative
    if not by_section:
        return result
    family = Family(get_source(), user.identity_number, consented, has_ward_section="disabled" in by_section)
    for key, (value, scope) in related_values(family, by_section, user.kind).items():
        if key in result and not authoritative[key]:
            continue  # the applicant's own later entry wins over a non-authoritative value
        result[key] = PrefilledValue(value, scope, authoritative=authoritative[key])
    return result


# ---------------------------------------------------------------- 共同申请: the other party's own consent

PARTY_SECTIONS = ("spouse",)  # form sections about another adult who files with the applicant
# what the other party's account says about them: element field -> (account attribute, shown locked)
PARTY_IDENTITY = {"name": ("display_name", True), "id_number": ("id_number", True), "mobile": ("mobile", False)}
# their own records a co-applicant consent lets the platform read for that section (renamed from applicant.*)
PARTY_SCOPES = (ConsentScope.POPULATION, ConsentScope.CIVIL_AFFAIRS)


CHILDREN_KEY = "childbearing.existing_children"  # 夫妻现有子女数 (生育登记)


def _children_count(user: User, one_thing_code: str) -> int | None:
    """How many children the population registry's family relations give the applicant and, when they consented to
    this application, the other party (each child once); None without the applicant's consent to the registry."""
    from .choices import Relation

    if ConsentScope.POPULATION not in current_consents(user) or not user.id_number:
        return None
    source = get_source()
    people = [user.id_number]
    party = current_party_consent(user, one_thing_code) if one_thing_code else None
    if party is not None and party.grantor.id_number:
        people.append(party.grantor.id_number)
    return len({r.id_number for p in people for r in source.relatives_of(p) if r.relation == Relation.CHILD})


def party_one_things():
    """The published one-things whose form has a section about a co-applicant (PARTY_SECTIONS), by name."""
    from catalog.choices import OneThingStatus
    from catalog.models import OneThing

    return (
        OneThing.objects.filter(
            status=OneThingStatus.PUBLISHED,
            is_template=False,
            items__service_item__form_fields__data_element__section__in=PARTY_SECTIONS,
        )
        .select_related("region")
        .distinct()
        .order_by("name", "region__code")
    )


def current_party_consent(grantee: User, one_thing_code: str) -> PartyConsent | None:
    return (
        PartyConsent.objects.filter(grantee=grantee, one_thing_code=one_thing_code, withdrawn_at__isnull=True)
        .select_related("grantor")
        .first()
    )


def party_values(user: User, keys: Iterable[str], one_thing_code: str) -> dict[str, PrefilledValue]:
    """The co-applicant's section of this form, from the person who consented to it for this applicant and this
    one-thing: their account's identity, their population record and their marital status (PARTY_SCOPES)."""
    wanted = {k for k in keys if k.split(".", 1)[0] in PARTY_SECTIONS}
    consent = current_party_consent(user, one_thing_code) if wanted else None
    if consent is None:
        return {}
    other, section = consent.grantor, consent.section
    found: dict[str, PrefilledValue] = {}
    for field, (attribute, locked) in PARTY_IDENTITY.items():
        value = str(getattr(other, attribute, "") or "").strip()
        if f"{section}.{field}" in wanted and value:
            found[f"{section}.{field}"] = PrefilledValue(value, PrefillSource.PARTY, authoritative=locked)
    elements = {e.key: e for e in DataElement.objects.filter(key__in=wanted, source__in=PARTY_SCOPES)}
    if not elements or not other.id_number:
        return found
    source = get_source()
    records = {
        ConsentScope.POPULATION: source.lookup_person(other.id_number) or {},
        ConsentScope.CIVIL_AFFAIRS: source.lookup_record(ConsentScope.CIVIL_AFFAIRS, other.id_number, "applicant")
        or {},
    }
    for key, element in elements.items():
        value = records.get(ConsentScope(element.source), {}).get("applicant." + key.split(".", 1)[1], "")
        if value and key not in found:
            found[key] = PrefilledValue(str(value), PrefillSource.PARTY, authoritative=element.authoritative)
    return found


def _party_snapshot(consent: PartyConsent) -> dict[str, Any]:
    return {
        "grantee": consent.grantee_id,
        "one_thing": consent.one_thing_code,
        "section": consent.section,
        "granted_at": consent.granted_at.isoformat(),
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


@transaction.atomic
def do_grant_party_consent(
    grantor: User, *, applicant_name: str, applicant_id_number: str, one_thing_code: str, acting_user: User
) -> PartyConsent:
    """The other party lets the named applicant's form for this one-thing use their identity and their population
    and marriage records. The applicant is named by name and 公民身份号码 (both must match an applicant's account;
    the same answer whether the number is unknown or the name differs). Granting again changes nothing."""
    from core.validators import normalize_id_number

    _check_self(grantor, acting_user)
    if grantor.kind != AccountKind.NATURAL_PERSON:
        raise UserFacingError(_("Only a natural person can apply together with another person."))
    one_thing = party_one_things().filter(code=one_thing_code).first()
    if one_thing is None:
        raise UserFacingError(_("Choose the one-thing you apply for together."))
    number, name = normalize_id_number(applicant_id_number), (applicant_name or "").strip()
    grantee = User.objects.filter(kind=AccountKind.NATURAL_PERSON, is_active=True, id_number=number).first()
    if grantee is not None and grantee.pk == grantor.pk:
        raise UserFacingError(_("Name the other person: you cannot consent to your own application."))
    if grantee is None or not name or grantee.display_name != name:
        raise UserFacingError(
            _("No applicant with this name and citizen ID number has an account; check both, or ask them to register.")
        )
    User.objects.select_for_update().filter(pk=grantor.pk).first()  # one grant at a time per person
    existing = PartyConsent.objects.filter(
        grantor=grantor, grantee=grantee, one_thing_code=one_thing.code, withdrawn_at__isnull=True
    ).first()
    if existing:
        return existing
    now = timezone.now()
    consent = PartyConsent.objects.create(
        grantor=grantor,
        grantee=grantee,
        one_thing_code=one_thing.code,
        section=PARTY_SECTIONS[0],
        purpose=_("Apply together for “%(name)s”: %(applicant)s's form may use my identity and my population and "
                  "marriage records.") % {"name": one_thing.name, "applicant": grantee.display_name},
        granted_at=now,
    )  # fmt: skip
    _record(
        grantor, EventAction.GRANT_PARTY_CONSENT, acting_user=acting_user, at=now, party_consent=consent,
        after=_party_snapshot(consent),
    )  # fmt: skip
    return consent


@transaction.atomic
def do_withdraw_party_consent(consent: PartyConsent, *, acting_user: User) -> PartyConsent:
    """From now on the applicant's form no longer gets the other party's data (what was filed stays filed)."""
    consent = PartyConsent.objects.select_for_update().select_related("grantor").get(pk=consent.pk)
    _check_self(consent.grantor, acting_user)
    if consent.withdrawn_at is not None:
        raise ConflictError(_("This consent was already withdrawn."))
    before = _party_snapshot(consent)
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    _record(
        consent.grantor, EventAction.WITHDRAW_PARTY_CONSENT, acting_user=acting_user, at=consent.withdrawn_at,
        party_consent=consent, before=before, after=_party_snapshot(consent),
    )  # fmt: skip
    return consent


def licences_for(user: User) -> list[LicenceRecord]:
    """The applicant's e-licences, if they consent to the e-licence library; otherwise none."""
    if ConsentScope.E_LICENCE not in current_consents(user) or not user.identity_number:
        return []
    return get_source().licences_of(user.identity_number)


# ---------------------------------------------------------------- changes


def _check_self(user: User, acting_user: User) -> None:
    if acting_user is None or acting_user.pk != user.pk:
        raise UserFacingError(_("Only the applicant can grant, withdraw or change their own data."))


def _snapshot(consent: Consent) -> dict[str, Any]:
    return {
        "scope": consent.scope,
        "purpose": consent.purpose,
        "granted_at": consent.granted_at.isoformat(),
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


def _record(
    subject: User,
    action: str,
    *,
    acting_user: User,
    at,
    consent: Consent | None = None,
    party_consent: PartyConsent | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> SharedDataEvent:
    return SharedDataEvent.objects.create(
        subject=subject,
        consent=consent,
        party_consent=party_consent,
        action=action,
        actor=acting_user,
        actor_label=str(acting_user),
        at=at,
        before=before,
        after=after,
    )


@transaction.atomic
def do_grant_consent(user: User, scope: str, *, acting_user: User, purpose: str) -> Consent:
    """Record the applicant's consent to use `scope`. Granting again while a consent is current changes nothing."""
    _check_self(user, acting_user)
    if scope not in scopes_for(user):
        label = ConsentScope(scope).label if scope in ConsentScope.values else scope
        raise UserFacingError(_("Consent to the %(source)s does not apply to this account.") % {"source": label})
    purpose = (purpose or "").strip()
    if not purpose:
        raise UserFacingError(_("State what the consent is for."))
    User.objects.select_for_update().filter(pk=user.pk).first()  # one grant at a time per applicant
    existing = Consent.objects.filter(user=user, scope=scope, withdrawn_at__isnull=True).first()
    if existing:
        return existing
    now = timezone.now()
    consent = Consent.objects.create(user=user, scope=scope, purpose=purpose, granted_at=now)
    _record(user, EventAction.GRANT_CONSENT, acting_user=acting_user, at=now, consent=consent, after=_snapshot(consent))
    return consent


@transaction.atomic
def do_withdraw_consent(consent: Consent, *, acting_user: User) -> Consent:
    """Withdraw a current consent; from now on nothing is read from that source for this applicant.

    Withdrawing the profile consent (一人一档) also erases every value kept in the profile, in the same transaction,
    recorded as its own event (which keys, not the values: the point is that they are gone).
    """
    User.objects.select_for_update().filter(pk=consent.user_id).first()  # serialised with do_remember_values
    consent = Consent.objects.select_for_update().select_related("user").get(pk=consent.pk)
    _check_self(consent.user, acting_user)
    if consent.withdrawn_at is not None:
        raise ConflictError(
            _("This consent was already withdrawn on %(date)s.")
            % {"date": date_format(timezone.localtime(consent.withdrawn_at), "Y-m-d H:i")}
        )
    before = _snapshot(consent)
    now = timezone.now()
    consent.withdrawn_at = now
    consent.save(update_fields=["withdrawn_at"])
    _record(
        consent.user,
        EventAction.WITHDRAW_CONSENT,
        acting_user=acting_user,
        at=now,
        consent=consent,
        before=before,
        after=_snapshot(consent),
    )
    if consent.scope == ConsentScope.PROFILE:
        stored = ApplicantProfileValue.objects.filter(user=consent.user)
        erased = sorted(stored.values_list("key", flat=True))
        if erased:
            stored.delete()
            _record(
                consent.user,
                EventAction.ERASE_PROFILE,
                acting_user=acting_user,
                at=now,
                consent=consent,
                before={"keys": erased},
                after={"keys": []},
            )
    return consent


def keeps_profile(user: User) -> bool:
    """Whether the applicant currently lets us keep and reuse what they enter (一人一档)."""
    return Consent.objects.filter(user=user, scope=ConsentScope.PROFILE, withdrawn_at__isnull=True).exists()


@transaction.atomic
def do_remember_values(user: User, values: dict[str, Any], *, acting_user: User) -> list[str]:
    """Keep what the applicant entered in their profile, by data element key; returns the keys that changed.

    Only while the applicant consents to their profile (ConsentScope.PROFILE): without it nothing is kept and []
    is returned. Pass what the applicant typed, not values a source supplied. Empty values are skipped (an empty
    field does not erase what they entered before). Unknown keys are a programming error.
    """
    _check_self(user, acting_user)
    entered = {key: str(value).strip() for key, value in values.items() if value is not None and str(value).strip()}
    known = set(DataElement.objects.filter(key__in=entered).values_list("key", flat=True))
    unknown = sorted(set(entered) - known)
    if unknown:
        raise ValueError(f"Unknown data element keys: {', '.join(unknown)}")
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialised with granting and withdrawing
    if not keeps_profile(user):
        return []
    stored = {pv.key: pv for pv in ApplicantProfileValue.objects.select_for_update().filter(user=user, key__in=entered)}
    before: dict[str, str | None] = {}
    after: dict[str, str] = {}
    for key, value in sorted(entered.items()):
        current = stored.get(key)
        if current is not None and current.value == value:
            continue
        before[key] = current.value if current else None
        after[key] = value
        if current is None:
            ApplicantProfileValue.objects.create(user=user, key=key, value=value)
        else:
            current.value = value
            current.save(update_fields=["value", "updated_at"])
    if after:
        _record(
            user, EventAction.REMEMBER_VALUES, acting_user=acting_user, at=timezone.now(), before=before, after=after
        )
    return list(after)
