"""Walk-in applicants at the hall window (帮办代办): finding or creating the applicant's account, and noting it.

do_register_walk_in_applicant
    The person at the counter is known by a citizen ID number (natural person) or a unified social credit code
    (legal person). An applicant account with that number is used when the name matches it; otherwise the
    service refuses with a message about the name, so a mistyped number never files under someone else's
    account. Without such an account one is created: username "p-<random>" (an ID number is personal data, never a login name) or "e-<credit code>", no usable
    password (the applicant logs in later with an SMS code to the mobile given), the identity as typed and
    validated like any account (User.full_clean). Numbers belonging to a staff account or an account of the
    other kind are refused. The service logs who created the account; there is no case yet to record it on.

do_note_walk_in_account
    Right after the first case of a newly created account is filed, a NOTE event on the case records that the
    window created the account, when, and by whom (detail {"account_created": true, …}).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AccountKind
from accounts.models import User
from accounts.permissions import holds
from catalog.models import OneThing
from core.errors import UserFacingError
from core.validators import normalize_credit_code, normalize_id_number, normalize_mobile

from .actions.common import _actor
from .choices import CaseAction
from .kernel import record_event
from .models import Case, CaseEvent

logger = logging.getLogger("yijian.cases.walk_in")

APPLICANT_KINDS = (AccountKind.NATURAL_PERSON, AccountKind.LEGAL_PERSON)


class WalkInRefused(UserFacingError):
    """The applicant cannot be registered as entered; `field` names the identity field the message is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class WalkInIdentity:
    kind: str  # AccountKind.NATURAL_PERSON or LEGAL_PERSON
    name: str  # the person's name, or the enterprise's
    mobile: str
    id_number: str = ""  # natural persons
    credit_code: str = ""  # legal persons
    legal_representative: str = ""
    agent_name: str = ""
    agent_id_number: str = ""

    @property
    def number(self) -> str:
        return self.id_number if self.kind == AccountKind.NATURAL_PERSON else self.credit_code

    @property
    def number_field(self) -> str:
        return "id_number" if self.kind == AccountKind.NATURAL_PERSON else "credit_code"

    def normalized(self) -> WalkInIdentity:
        return WalkInIdentity(
            kind=self.kind,
            name=" ".join(self.name.split()),
            mobile=normalize_mobile(self.mobile),
            id_number=normalize_id_number(self.id_number) if self.kind == AccountKind.NATURAL_PERSON else "",
            credit_code=normalize_credit_code(self.credit_code) if self.kind == AccountKind.LEGAL_PERSON else "",
            legal_representative=" ".join(self.legal_representative.split()),
            agent_name=" ".join(self.agent_name.split()),
            agent_id_number=normalize_id_number(self.agent_id_number),
        )


def find_account_by_number(identity: WalkInIdentity) -> User | None:
    """The account holding the identity's ID number or credit code, of whatever kind; None if there is none."""
    if not identity.number:
        return None
    return User.objects.filter(**{identity.number_field: identity.number}).first()


def _check_existing(account: User, identity: WalkInIdentity) -> None:
    if not account.is_applicant or account.kind != identity.kind:
        raise WalkInRefused(
            _("This number belongs to an account that is not a %(kind)s applicant; check the number.")
            % {"kind": AccountKind(identity.kind).label},
            identity.number_field,
        )
    if " ".join(account.display_name.split()) != identity.name:
        raise WalkInRefused(
            _(
                "The name does not match the applicant registered with this number. Check the name and the "
                "number against the identity document."
            ),
            "name",
        )


def _new_account(identity: WalkInIdentity) -> User:
    natural = identity.kind == AccountKind.NATURAL_PERSON
    user = User(
        username=f"p-{secrets.token_hex(6)}" if natural else f"e-{identity.number}",
        kind=identity.kind,
        display_name=identity.name,
        mobile=identity.mobile,
        id_number=identity.id_number,
        credit_code=identity.credit_code,
        legal_representative=identity.legal_representative if identity.kind == AccountKind.LEGAL_PERSON else "",
        agent_name=identity.agent_name if identity.kind == AccountKind.LEGAL_PERSON else "",
        agent_id_number=identity.agent_id_number if identity.kind == AccountKind.LEGAL_PERSON else "",
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise WalkInRefused(" ".join(messages), field) from None
    return user


@transaction.atomic
def do_register_walk_in_applicant(identity: WalkInIdentity, *, acting_user: User) -> tuple[User, bool]:
    """The walk-in applicant's account, found or created (see the module doc); returns (account, created)."""
    if not (acting_user and acting_user.is_authenticated and acting_user.is_staff_member):
        raise UserFacingError(_("Only window staff can register a walk-in applicant."))
    if not holds(acting_user, "case.file_walk_in"):
        raise UserFacingError(_("Only window staff can register a walk-in applicant."))
    if identity.kind not in APPLICANT_KINDS:
        raise WalkInRefused(_("Choose a natural person or a legal person."), "kind")
    identity = identity.normalized()
    if not identity.name:
        raise WalkInRefused(_("This field is required."), "name")
    account = find_account_by_number(identity)
    if account is not None:
        _check_existing(account, identity)
        return account, False
    user = _new_account(identity)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # registered a moment ago at another window, or the username is taken
        account = find_account_by_number(identity)
        if account is None:
            raise WalkInRefused(
                _("An account could not be created for this number; ask the system administrator."),
                identity.number_field,
            ) from None
        _check_existing(account, identity)
        return account, False
    logger.info(
        "Walk-in applicant account id %s (%s) created by %s (id %s)",  # the username holds the ID number: not logged
        user.pk,
        identity.kind,
        acting_user.username,
        acting_user.pk,
    )
    return user, True


def do_note_walk_in_account(case: Case, *, created_by: User, acting_user: User, ip: str | None = None) -> CaseEvent:
    """Record on the applicant's first case that the window created their account (see the module doc)."""
    applicant = case.applicant
    existing = case.events.filter(action=CaseAction.NOTE, detail__account_created=True).first()
    if existing is not None:
        return existing
    created_at = timezone.localtime(applicant.date_joined)
    return record_event(
        case,
        CaseAction.NOTE,
        _actor(acting_user, ip, "window"),
        from_status=case.status,
        to_status=case.status,
        internal_note=_(
            "The applicant's account %(username)s was created at the window by %(staff)s on %(at)s (no password; "
            "the applicant logs in with an SMS code)."
        )
        % {"username": applicant.username, "staff": str(created_by), "at": f"{created_at:%Y-%m-%d %H:%M}"},
        detail={
            "account_created": True,
            "account": applicant.username,
            "created_at": created_at.isoformat(),
            "created_by": created_by.pk,
        },
    )


def do_record_walk_in_opened(
    applicant: User, one_thing: OneThing, reason: str, *, acting_user: User, ip: str | None = None
) -> None:
    """Opening a walk-in reaches an applicant's account: who, when, for which one-thing and why, in the applicant's
    shared-data trail (hash-chained; shown to the applicant on their consents page)."""
    from shareddata.choices import EventAction
    from shareddata.models import SharedDataEvent

    SharedDataEvent.objects.create(
        subject=applicant,
        action=EventAction.OPEN_WALK_IN,
        actor=acting_user,
        actor_label=str(acting_user),
        at=timezone.now(),
        after={"one_thing": one_thing.code, "name": one_thing.name, "reason": reason, "ip": ip or ""},
    )
