"""Messages about results, through the notification outbox (written in the transaction of the change they are about)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import StaffRole
from catalog.choices import DeliveryMethod


def _queue(**kwargs) -> None:
    from notifications.services import do_queue_message

    do_queue_message(**kwargs)


def _tell_applicant(case, kind: str, subject: str, body: str, link: str, *, sms: bool = True) -> None:
    from notifications.services import tell_applicant

    tell_applicant(case.applicant, kind=kind, subject=subject, body=body, link=link, case_number=case.number, sms=sms)


def tell_applicant_ready(case_pk: int, item_pks: list[int]) -> None:
    """Results are ready: where and how to get them, by the way the applicant chose."""
    from cases.models import Case

    from .queries import choice_for

    case = Case.objects.select_related("one_thing", "applicant").get(pk=case_pk)
    names = "、".join(case.items.filter(pk__in=item_pks).order_by("order", "id").values_list("name", flat=True))
    choice = choice_for(case)
    how = {
        DeliveryMethod.WINDOW: _("collect them at the certificate window; bring your ID document and the case number."),
        DeliveryMethod.POST: _("they will be posted to the address you gave today."),
        DeliveryMethod.DOWNLOAD: _("view and download the electronic results under My licences."),
    }[choice.method]
    body = _("Case %(number)s: results ready (%(items)s); %(how)s") % {
        "number": case.number,
        "items": names,
        "how": how,
    }
    _tell_applicant(case, "result.ready", _("Results ready"), body, reverse("results:delivery", args=[case.number]))


def tell_delivered(delivery_pk: int) -> None:
    """The applicant gets the proof number; each department whose result was delivered gets the proof (送达凭证)."""
    from accounts.models import User

    from .models import Delivery

    delivery = Delivery.objects.select_related("case__applicant", "case__one_thing").get(pk=delivery_pk)
    case = delivery.case
    items = list(delivery.items.select_related("department").order_by("order", "id"))
    names = "、".join(i.name for i in items)
    body = _("Case %(number)s: results delivered (%(items)s), proof of delivery %(proof)s.") % {
        "number": case.number,
        "items": names,
        "proof": delivery.proof_number,
    }
    if delivery.tracking_number:
        body += " " + _("Tracking number %(number)s.") % {"number": delivery.tracking_number}
    _tell_applicant(
        case, "result.delivered", _("Results delivered"), body, reverse("results:delivery", args=[case.number])
    )
    for department in dict.fromkeys(i.department for i in items):
        department_items = "、".join(i.name for i in items if i.department_id == department.pk)
        staff = User.objects.filter(
            roles__department=department, roles__role__in=[StaffRole.REVIEWER, StaffRole.LEAD]
        ).distinct()
        for user in staff:
            _queue(
                recipient=user,
                channel="site",
                kind="result.proof",
                subject=_("Proof of delivery %(proof)s") % {"proof": delivery.proof_number},
                body=_(
                    "Proof of delivery %(proof)s: the result of “%(items)s” of case %(number)s was delivered "
                    "(%(method)s) at %(when)s, signed for by %(name)s."
                )
                % {
                    "proof": delivery.proof_number,
                    "items": department_items,
                    "number": case.number,
                    "method": delivery.get_method_display(),
                    "when": timezone.localtime(delivery.delivered_at).strftime("%Y-%m-%d %H:%M"),
                    "name": delivery.recipient_name,
                },
                case_number=case.number,
            )


def tell_holder_licence(licence_pk: int, kind: str) -> None:
    from .models import ELicence

    licence = ELicence.objects.select_related("case__applicant").get(pk=licence_pk)
    if kind == "licence.issued":
        subject = _("E-licence issued")
        body = _("Your e-licence “%(title)s” No. %(number)s was issued; view or download it under My licences.")
    else:
        subject = _("E-licence revoked")
        body = _("Your e-licence “%(title)s” No. %(number)s was revoked: %(reason)s")
    body = body % {"title": licence.title, "number": licence.number, "reason": licence.revocation_reason}
    _tell_applicant(licence.case, kind, subject, body, reverse("results:mine"), sms=kind == "licence.revoked")
