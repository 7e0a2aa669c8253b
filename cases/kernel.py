"""The case kernel (issue 12): who acts (`Actor`), the case row lock (`lock_case`) and the one way an event is
written (`record_event`, with the ON_EVENT hooks run in its transaction). Every app that changes a case —
cases, approvals, results, documents — uses these, and nothing else, for the three."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Case, CaseEvent, CaseItem

# Run inside the transaction of every recorded case event, right after it is written (the documents app issues the
# documents a change creates here): what they write belongs to the same change, and a failure rolls it back.
ON_EVENT: list[Callable[[CaseEvent], None]] = []


@dataclass
class Actor:
    """Who acts, and from where: recorded on every event."""

    user: User | None
    ip: str | None = None
    channel: str = ""

    @property
    def label(self) -> str:
        return str(self.user) if self.user is not None else _("System")


SYSTEM = "system"


def system_actor() -> Actor:
    """The platform itself (scans, hooks): no user, channel "system"."""
    return Actor(None, None, SYSTEM)


def lock_case(case_or_pk: Case | int, *, related: Iterable[str] = ("one_thing", "region")) -> Case:
    """The case row, locked for this transaction and re-read (its state may have changed since it was loaded).
    Every change locks the case first, then its items, so that two changes never deadlock."""
    pk = case_or_pk.pk if isinstance(case_or_pk, Case) else case_or_pk
    return Case.objects.select_for_update(of=("self",)).order_by().select_related(*related).get(pk=pk)


def record_event(
    case: Case,
    action: str,
    actor: Actor,
    *,
    from_status: str = "",
    to_status: str = "",
    summary: str = "",
    internal_note: str = "",
    detail: dict | None = None,
    item: CaseItem | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        item=item,
        action=action,
        at=at or timezone.now(),
        actor=actor.user,
        actor_label=actor.label,
        channel=actor.channel,
        ip=actor.ip or None,
        from_status=from_status,
        to_status=to_status,
        summary=summary,
        internal_note=internal_note,
        detail=detail or {},
    )
    for hook in ON_EVENT:
        hook(event)
    return event
