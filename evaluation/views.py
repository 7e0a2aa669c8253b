"""Pages of 好差评 and complaints, under /evaluation/.

rate_case (evaluation:rate_case)
    The applicant rates the contacts of their own case (login; anyone else: 404).
rate_sms (evaluation:sms), rate_tablet (evaluation:tablet)
    The same without login, through a signed token (tokens.py): the SMS link, and the window's rating screen the clerk
    opens (window_screen) and hands over. They show only the one-thing's name and the contacts to rate; the screen has
    no navigation.
window_screen (evaluation:window_screen)
    The clerk opens the rating screen for a case of their region (rating.window_screen): a link and a QR code to it.
index, rectification, complaint
    The department's and the supervisor's pages: open rectifications and complaints with their clocks; one
    rectification (verify, rectify or explain, call back, close) and one complaint (answer, record responsibility).
complain (evaluation:complain), complain_case (evaluation:complain_case)
    投诉 without a case (anyone, from the footer of every page) or about one's own case (from the case page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import holds, offered, restrict
from cases.choices import CaseAction
from cases.models import Case
from cases.queries import get_case
from core.errors import UserFacingError
from core.http import client_ip
from core.qr import public_url, qr_svg
from regions.models import Department

from . import queries, rules, services
from .choices import Finding, Level, RatingChannel, Reason
from .contacts import Contact, contacts_of
from .models import Complaint, Rating, Rectification
from .tokens import RatingToken, make_token, read_token

STAFF_ACTIONS = ("rating.rectify", "rating.supervise", "complaint.handle")


# ---------------------------------------------------------------- rating


def _slug(key: str) -> str:
    return key.replace(":", "-")


def _forms(case: Case, contacts: list[Contact], keys: set[str], posted: dict | None) -> list[dict]:
    current = {r.contact: r for r in Rating.objects.filter(case=case, current=True)}
    forms = []
    for c in contacts:
        if c.key not in keys:
            continue
        mine = posted if posted is not None and posted.get("contact") == c.key else None
        forms.append(
            {
                "contact": c,
                "slug": _slug(c.key),
                "rerate": c.key in current,
                "level": mine.get("level", "") if mine else "",
                "reasons": mine.get("reasons", []) if mine else [],
                "comment": mine.get("comment", "") if mine else "",
                "errors": mine.get("errors", {}) if mine else {},
            }
        )
    return forms


def _rating_page(
    request: HttpRequest, case: Case, *, channel: str, token: RatingToken | None, layout: str, action_url: str
) -> HttpResponse:
    contacts = contacts_of(case)
    allowed = services.ratable_keys(case, contacts)
    if token is not None:
        allowed &= set(token.keys)
    posted = None
    status = 200
    if request.method == "POST":
        key = request.POST.get("contact", "")
        reasons = request.POST.getlist("reasons")
        posted = {"contact": key, "level": request.POST.get("level", ""), "reasons": reasons,
                  "comment": request.POST.get("comment", "")}  # fmt: skip
        try:
            if key not in allowed:
                raise services.NotAllowed(_("This cannot be rated here (rated already, or not yet happened)."))
            services.do_rate_contact(
                case,
                key,
                level=posted["level"],
                reasons=reasons,
                comment=posted["comment"],
                channel=channel,
                acting_user=request.user if token is None else None,
                token=token,
                ip=client_ip(request),
            )
        except services.FormErrors as exc:
            posted["errors"] = exc.errors
            status = 400
        except UserFacingError as exc:
            messages.error(request, exc.message)
            return redirect(action_url)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect(action_url)
    rated = [] if token is not None else list(
        Rating.objects.filter(case=case, current=True).select_related("rectification").order_by("rated_at")
    )  # fmt: skip
    labels = {c.key: c.label for c in contacts}
    context = {
        "case": case,
        "layout": layout,
        "channel": channel,
        "forms": _forms(case, contacts, allowed, posted),
        "rated": [(labels.get(r.contact, r.contact), r) for r in rated],
        "levels": [(str(v), label) for v, label in Level.choices],
        "reasons": Reason.choices,
        "action_url": action_url,
        "show_case": token is None,
    }
    return render(request, "evaluation/rate.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rate_case(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case(request.user, number, "rating.rate")
    url = reverse("evaluation:rate_case", args=[case.number])
    return _rating_page(request, case, channel=RatingChannel.CASE_PAGE, token=None, layout="base.html",
                        action_url=url)  # fmt: skip


def _token_case(token_text: str, channel: str) -> tuple[Case, RatingToken]:
    token = read_token(token_text, channel)
    if token is None:
        raise Http404("Invalid or expired link")
    case = Case.objects.select_related("one_thing", "region").filter(pk=token.case_id).first()
    if case is None:
        raise Http404("No such case")
    return case, token


@require_http_methods(["GET", "POST"])
def rate_sms(request: HttpRequest, token: str) -> HttpResponse:
    case, parsed = _token_case(token, RatingChannel.SMS)
    return _rating_page(request, case, channel=RatingChannel.SMS, token=parsed, layout="base.html",
                        action_url=reverse("evaluation:sms", args=[token]))  # fmt: skip


@require_http_methods(["GET", "POST"])
def rate_tablet(request: HttpRequest, token: str) -> HttpResponse:
    case, parsed = _token_case(token, RatingChannel.TABLET)
    return _rating_page(request, case, channel=RatingChannel.TABLET, token=parsed, layout="evaluation/kiosk.html",
                        action_url=reverse("evaluation:tablet", args=[token]))  # fmt: skip


@login_required
@require_GET
def window_screen(request: HttpRequest, number: str) -> HttpResponse:
    """The clerk opens the rating screen for a case: a link valid RATING_TABLET_MINUTES, for what can be rated now."""
    case = (
        restrict(request.user, "rating.window_screen", Case.objects.select_related("one_thing", "region"))
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    contacts = contacts_of(case)
    keys = services.ratable_keys(case, contacts)
    url = reverse("evaluation:tablet", args=[make_token(case.pk, keys, RatingChannel.TABLET)]) if keys else ""
    context = {
        "case": case,
        "contacts": [c for c in contacts if c.key in keys],
        "url": url,
        "qr": qr_svg(public_url(url), scale=4) if url else "",
        "minutes": rules.tablet_minutes(),
    }
    return render(request, "evaluation/window_screen.html", context)


# ---------------------------------------------------------------- the department's and the supervisor's pages


def _staff(request: HttpRequest) -> None:
    if not any(holds(request.user, a) for a in STAFF_ACTIONS):
        raise Http404("Not here")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _staff(request)
    show_all = request.GET.get("show") == "all"
    rects = queries.rectifications_for(request.user) if show_all else queries.open_rectifications(request.user)
    complaints = queries.complaints_for(request.user) if show_all else queries.open_complaints(request.user)
    context = {
        "rectifications": list(rects.order_by("verify_due_on", "id")[:200]),
        "complaints": list(complaints.order_by("due_on", "id")[:200]),
        "show_all": show_all,
        "now": timezone.now(),
    }
    return render(request, "evaluation/index.html", context)


def _rectification_context(request: HttpRequest, r: Rectification, errors: dict | None = None, posted=None) -> dict:
    actions = offered(request.user, r, rules.RECTIFICATION, r.status, rules.RECTIFICATION_PERMISSIONS)
    if r.status == "verified":
        actions -= {rules.EXPLAIN} if r.finding == Finding.SUBSTANTIATED else {rules.RECTIFY}
    events = [e for e in r.case.events.filter(action=CaseAction.RECTIFICATION).order_by("at", "id")
              if e.detail.get("rectification") == r.pk]  # fmt: skip
    contact = next((c for c in contacts_of(r.case) if c.key == r.rating.contact), None)
    return {
        "r": r,
        "rating": r.rating,
        "contact_label": contact.label if contact else r.rating.contact,
        "reasons": [Reason(x).label for x in r.rating.reasons if x in Reason.values],
        "actions": actions,
        "findings": Finding.choices,
        "events": events,
        "errors": errors or {},
        "posted": posted or {},
        "now": timezone.now(),
    }


RECTIFICATION_STEPS = {
    rules.VERIFY: lambda r, p, u, ip: services.do_verify_rectification(
        r, finding=p.get("finding", ""), verification=p.get("verification", ""), acting_user=u, ip=ip
    ),
    rules.RECTIFY: lambda r, p, u, ip: services.do_answer_rectification(
        r, action=rules.RECTIFY, answer=p.get("answer", ""), acting_user=u, ip=ip
    ),
    rules.EXPLAIN: lambda r, p, u, ip: services.do_answer_rectification(
        r, action=rules.EXPLAIN, answer=p.get("answer", ""), acting_user=u, ip=ip
    ),
    rules.CALL_BACK: lambda r, p, u, ip: services.do_call_back(r, note=p.get("note", ""), acting_user=u, ip=ip),
    rules.CLOSE: lambda r, p, u, ip: services.do_close_rectification(
        r, note=p.get("closing_note", ""), acting_user=u, ip=ip
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def rectification(request: HttpRequest, pk: str) -> HttpResponse:
    r = queries.get_rectification(request.user, pk)
    if request.method == "POST":
        step = request.POST.get("action", "")
        if step not in RECTIFICATION_STEPS:
            messages.error(request, _("Choose one of the actions offered."))
            return redirect(request.path)
        try:
            RECTIFICATION_STEPS[step](r, request.POST, request.user, client_ip(request))
        except services.FormErrors as exc:
            context = _rectification_context(request, r, exc.errors, request.POST)
            return render(request, "evaluation/rectification.html", context, status=400)
        except UserFacingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Recorded: %(step)s.") % {"step": rules.ACTION_LABELS[step]})
        return redirect(request.path)
    return render(request, "evaluation/rectification.html", _rectification_context(request, r))


def _complaint_context(request: HttpRequest, c: Complaint, errors: dict | None = None, posted=None) -> dict:
    return {
        "c": c,
        "actions": offered(request.user, c, rules.COMPLAINT, c.status, rules.COMPLAINT_PERMISSIONS),
        "events": list(c.events.order_by("at", "id")),
        "errors": errors or {},
        "posted": posted or {},
        "masked_mobile": f"{c.mobile[:3]}****{c.mobile[-4:]}" if len(c.mobile) == 11 else "",
        "now": timezone.now(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest, pk: str) -> HttpResponse:
    c = queries.get_complaint(request.user, pk)
    if request.method == "POST":
        step = request.POST.get("action", "")
        try:
            if step == rules.ANSWER:
                upheld = {"yes": True, "no": False}.get(request.POST.get("upheld", ""))
                services.do_answer_complaint(c, upheld=upheld, answer=request.POST.get("answer", ""),
                                             acting_user=request.user, ip=client_ip(request))  # fmt: skip
            elif step == rules.RECORD_RESPONSIBILITY:
                services.do_record_responsibility(
                    c,
                    responsible=request.POST.get("responsible", ""),
                    responsibility=request.POST.get("responsibility", ""),
                    acting_user=request.user,
                    ip=client_ip(request),
                )
            else:
                messages.error(request, _("Choose one of the actions offered."))
                return redirect(request.path)
        except services.FormErrors as exc:
            return render(request, "evaluation/complaint.html", _complaint_context(request, c, exc.errors,
                                                                                   request.POST), status=400)  # fmt: skip
        except UserFacingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Recorded: %(step)s.") % {"step": rules.ACTION_LABELS[step]})
        return redirect(request.path)
    return render(request, "evaluation/complaint.html", _complaint_context(request, c))


# ---------------------------------------------------------------- filing a complaint


def _complaint_form(request: HttpRequest, *, case: Case | None, departments, url: str) -> HttpResponse:
    errors: dict[str, str] = {}
    user = request.user if request.user.is_authenticated else None
    posted = {"department": "", "name": user.display_name if user else "", "mobile": "", "text": ""}
    status = 200
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in ("department", "name", "mobile", "text")}
        try:
            filed = services.do_file_complaint(
                case=case,
                department=posted["department"] or None,
                name=posted["name"],
                mobile=posted["mobile"],
                text=posted["text"],
                acting_user=user,
                ip=client_ip(request),
            )
        except services.FormErrors as exc:
            errors, status = exc.errors, 400
        except UserFacingError as exc:
            messages.error(request, exc.message)
            return redirect(url)
        else:
            messages.success(
                request,
                _("Complaint %(number)s filed with %(department)s; the answer is due by %(due)s.")
                % {"number": filed.number, "department": filed.department, "due": filed.due_on},
            )
            return redirect(reverse("cases:detail", args=[case.number]) if case is not None else url)
    context = {"case": case, "departments": departments, "errors": errors, "posted": posted,
               "logged_in": user is not None, "days": rules.complaint_workdays()}  # fmt: skip
    return render(request, "evaluation/complain.html", context, status=status)


@require_http_methods(["GET", "POST"])
def complain(request: HttpRequest) -> HttpResponse:
    departments = list(
        Department.objects.select_related("region").filter(region__level="county").order_by("region__code", "code")
    )
    return _complaint_form(request, case=None, departments=departments, url=reverse("evaluation:complain"))


@login_required
@require_http_methods(["GET", "POST"])
def complain_case(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case(request.user, number, "complaint.file")
    departments = services.complaint_departments(case)
    return _complaint_form(request, case=case, departments=departments,
                           url=reverse("evaluation:complain_case", args=[case.number]))  # fmt: skip
