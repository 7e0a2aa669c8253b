"""Telling the applicant and the departments about item changes, through the notification outbox."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import StaffRole


def _queue(**kwargs) -> None:
    from notifications.services import do_queue_message

    do_queue_message(**kwargs)


def _tell(case, kind: str, subject: str, body: str) -> None:
    from notifications.services import tell_applicant as tell

    link = reverse("cases:detail", args=[case.number])
    tell(case.applicant, kind=kind, subject=subject, body=body, link=link, case_number=case.number)


def tell_applicant(case, kind: str, item=None) -> None:
    """The applicant's notice of an item change (the locked case and item of the action, read once)."""
    name = item.name if item else case.one_thing.name
    texts = {
        "item.accepted": _("Case %(number)s: “%(item)s” was accepted; the time limit has started."),
        "item.approved": _("Case %(number)s: “%(item)s” was approved."),
        "item.refused": _("Case %(number)s: “%(item)s” was not accepted; the reasons are on the case page."),
        "item.denied": _("Case %(number)s: “%(item)s” was denied; the reasons and your remedies are on the case page."),
        "item.stopped": _(
            "Case %(number)s: items depending on “%(item)s” cannot go on; you may continue with the rest or withdraw."
        ),
        "item.supplement": _("Case %(number)s: “%(item)s” needs a supplement from you; see the case page."),
    }
    body = texts[kind] % {"number": case.number, "item": name}
    _tell(case, kind, name, body)


def _department_staff(item):
    from accounts.models import User

    return User.objects.filter(
        roles__department=item.department, roles__role__in=[StaffRole.REVIEWER, StaffRole.LEAD]
    ).distinct()


def tell_departments(case_pk: int) -> None:
    """A new case reached the queues: one site message per reviewer of each department concerned."""
    from cases.models import Case

    case = Case.objects.select_related("one_thing").get(pk=case_pk)
    for item in case.items.select_related("department"):
        for user in _department_staff(item):
            _queue(
                recipient=user,
                channel="site",
                kind="task.new",
                subject=item.name,
                body=_("New task: “%(item)s” of case %(number)s, to accept within 1 working day.")
                % {"item": item.name, "number": case.number},
                case_number=case.number,
            )


def _tell_item_staff(item_pk: int, kind: str, text: str, **extra: str) -> None:
    """A site message about one item to its assignee, or to its department's reviewers when it has none; `text`
    takes %(item)s, %(number)s and the `extra` values."""
    from cases.models import CaseItem

    item = CaseItem.objects.select_related("case", "assignee", "department").get(pk=item_pk)
    recipients = [item.assignee] if item.assignee_id else list(_department_staff(item))
    for user in recipients:
        _queue(
            recipient=user,
            channel="site",
            kind=kind,
            subject=item.name,
            body=text % {"item": item.name, "number": item.case.number, **extra},
            case_number=item.case.number,
        )


def tell_department_urged(item_pk: int, note: str) -> None:
    _tell_item_staff(item_pk, "task.urged", _("Urged: “%(item)s” of case %(number)s. %(note)s"), note=note)


def tell_department_clock(item_pk: int, flag: str) -> None:
    text = (
        _("Time limit nearly reached: “%(item)s” of case %(number)s.")
        if flag == "warning"
        else _("Time limit passed: “%(item)s” of case %(number)s.")
    )
    _tell_item_staff(item_pk, f"task.{flag}", text)


def tell_applicant_inspection(inspection_pk: int) -> None:
    """A joint inspection was booked: when, where and which items (站内信 and SMS)."""
    from .models import JointInspection

    inspection = JointInspection.objects.select_related("case__applicant", "organised_by").get(pk=inspection_pk)
    case = inspection.case
    body = _(
        "Case %(number)s: a joint inspection of %(items)s is booked for %(when)s at %(place)s, organised by "
        "%(department)s. Please be present."
    ) % {
        "number": case.number,
        "items": "、".join(inspection.items.order_by("order", "id").values_list("name", flat=True)),
        "when": timezone.localtime(inspection.scheduled_at).strftime("%Y-%m-%d %H:%M"),
        "place": inspection.place,
        "department": inspection.organised_by,
    }
    _tell(case, "inspection.booked", _("Joint inspection"), body)


def tell_applicant_inspection_cancelled(inspection_pk: int) -> None:
    """A booked joint inspection was called off (站内信 and SMS): nobody need wait at the premises."""
    from .models import JointInspection

    inspection = JointInspection.objects.select_related("case__applicant").get(pk=inspection_pk)
    case = inspection.case
    body = _("Case %(number)s: the joint inspection booked for %(when)s is cancelled (%(reason)s).") % {
        "number": case.number,
        "when": timezone.localtime(inspection.scheduled_at).strftime("%Y-%m-%d %H:%M"),
        "reason": inspection.cancel_reason,
    }
    _tell(case, "inspection.cancelled", _("Joint inspection cancelled"), body)


def tell_department_supplement(item_pk: int) -> None:
    """The applicant answered the request for a supplement: the item's reviewer (or its department) is told."""
    _tell_item_staff(
        item_pk,
        "task.supplement_answered",
        _(
            "The applicant answered your request for a supplement: “%(item)s” of case %(number)s; the time limit "
            "runs again."
        ),
    )
