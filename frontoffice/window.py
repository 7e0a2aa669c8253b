"""The hall window's side of cases (综合窗口), under /window/: workbench, formal review, walk-in filing.

index (window:index)
    The workbench of the staff member's regions: 待形式审查 by review deadline, 待补正, 待扫描 (window cases with
    paper materials, by the 2-hour scanning deadline), 容缺 materials by due date, recently received.
case_page (window:case)
    One case for formal review: applicant, channel, form values by section, materials with their files, clocks,
    the timeline with internal notes. POST `action`: "correction" (一次性告知补正: every ticked field and material
    with its reason, in one notice), "receive" (收件, a 补齐期限 for each material missing under 容缺), "scan" (the
    electronic copy of a paper material).
walk_in (window:walk_in), intake (window:intake)
    帮办代办: identify the person at the counter (the account is found or created, cases.walk_in), then one page
    with the questionnaire, the one form and the materials (a scan now, or “paper received, scan later”); 收件
    files the case and opens its review page.

Only staff with case.review (workbench, review) or case.file_walk_in (walk-in) in the case's or one-thing's region
see these pages; everyone else gets 404, the same as for a case number that does not exist.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.choices import AccountKind
from accounts.models import User
from accounts.permissions import holds, may
from cases import rules, services
from cases.choices import OPEN_CASE_STATUSES, CaseAction, CaseStatus, Channel, MaterialState, PointKind
from cases.models import Case, CaseEvent, CaseMaterial, CorrectionNotice
from cases.queries import get_case, restrict
from cases.walk_in import (
    WalkInIdentity,
    WalkInRefused,
    do_note_walk_in_account,
    do_record_walk_in_opened,
    do_register_walk_in_applicant,
)
from cases.window_forms import WalkInApplicantForm, point_token, read_correction, read_deferrals
from catalog import queries as catalog_queries
from catalog.choices import OneThingStatus
from catalog.models import MaterialType, OneThing
from core.errors import ConflictError, UserFacingError
from core.http import client_ip
from guidance import queries as guidance_queries
from guidance.forms import GuideQuery
from guidance.services import MaterialLine, PersonalNotice
from materials.choices import ACCEPTED_TYPES
from materials.models import Commitment, Upload
from materials.services import do_upload_material, held_licence_types, human_size, max_upload_bytes
from oneform.choices import BOOLEAN_VALUES, display_value
from oneform.forms import draft_state, has_guide_params, query_from_state
from oneform.models import ApplicationDraft
from oneform.services import (
    MergedField,
    MergedForm,
    do_save_draft,
    effective_values,
    find_draft,
    merge_form,
    settled_by,
    validate_values,
)
from results.forms import choose_delivery_from, filing_delivery_form
from results.services import FieldErrors
from shareddata.services import PrefilledValue, prefill_for
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

QUEUE_LIMIT = 100  # rows per queue; a hall's day is far below this
RECENT_LIMIT = 10
DEFAULT_DEFERRAL_WORKDAYS = 5
SESSION_CREATED_ACCOUNTS = "window.created_accounts"  # applicant pk -> pk of the staff member who created it
# Walk-ins opened through the identity step in this staff member's session: unguessable token -> applicant pk, the
# one-thing chosen and the staff member. The intake page is reached only by such a token, never by an applicant id
# in the URL (issue 11: a clerk could reach any applicant by changing the id).
SESSION_WALK_INS = "window.walk_ins"
WALK_INS_KEPT = 20  # the newest walk-ins of a session; older tokens answer 404 (open the identity step again)


def _open_walk_in(request: HttpRequest, staff: User, applicant: User, one_thing: OneThing) -> str:
    """Remember a walk-in verified at the identity step; the token of its intake page."""
    token = secrets.token_urlsafe(16)
    walk_ins = request.session.get(SESSION_WALK_INS, {})
    walk_ins[token] = {"applicant": applicant.pk, "code": one_thing.code, "staff": staff.pk}
    request.session[SESSION_WALK_INS] = dict(list(walk_ins.items())[-WALK_INS_KEPT:])
    return token


def _walk_in_applicant(request: HttpRequest, staff: User, token: str, code: str) -> User:
    """The applicant of a walk-in this staff member opened in this session for this one-thing; else 404, the same
    as for a token that never existed."""
    opened = request.session.get(SESSION_WALK_INS, {}).get(token)
    if not opened or opened.get("staff") != staff.pk or opened.get("code") != code:
        raise Http404
    applicant = User.objects.filter(
        pk=opened["applicant"], kind__in=[AccountKind.NATURAL_PERSON, AccountKind.LEGAL_PERSON]
    ).first()
    if applicant is None:
        raise Http404
    return applicant


def _may_somewhere(user: User, action: str) -> bool:
    """Whether the user may perform `action` in some region (one query: the roles, not the regions below)."""
    return holds(user, action)


def _staff(request: HttpRequest, action: str) -> User:
    """The logged-in staff member if they may perform `action` somewhere; 404 for everyone else."""
    user = request.user
    if not (user.is_authenticated and user.is_staff_member and _may_somewhere(user, action)):
        raise Http404
    return user


# ---------------------------------------------------------------- workbench


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The window's queues (see the module doc); the same number of queries whatever the number of cases."""
    user = _staff(request, "case.review")
    cases = restrict(user, "case.review")
    submitted = cases.filter(status=CaseStatus.SUBMITTED).order_by(
        F("review_due_at").asc(nulls_last=True), "submitted_at", "id"
    )
    correction = cases.filter(status=CaseStatus.CORRECTION).order_by("-updated_at", "-id")
    to_scan = (
        cases.filter(
            channel=Channel.WINDOW,
            status__in=[CaseStatus.SUBMITTED, CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS],
        )
        .annotate(paper_count=Count("materials", filter=Q(materials__state=MaterialState.PAPER)))
        .filter(paper_count__gt=0)
        .order_by(F("scan_due_at").asc(nulls_last=True), "submitted_at", "id")
    )
    deferred = (
        CaseMaterial.objects.filter(
            state=MaterialState.DEFERRED, case__in=cases.filter(status__in=OPEN_CASE_STATUSES).values("pk")
        )
        .select_related("case__applicant", "case__one_thing")
        .order_by("deferred_until", "case__number", "order")
    )
    received = cases.filter(received_at__isnull=False).order_by("-received_at", "-id")
    context = {
        "submitted": list(submitted[:QUEUE_LIMIT]),
        "correction": list(correction[:QUEUE_LIMIT]),
        "to_scan": list(to_scan[:QUEUE_LIMIT]),
        "deferred": list(deferred[:QUEUE_LIMIT]),
        "received": list(received[:RECENT_LIMIT]),
        "may_file_walk_in": _may_somewhere(user, "case.file_walk_in"),
        "now": timezone.now(),
    }
    return render(request, "cases/window/index.html", context)


# ---------------------------------------------------------------- review page


def _try_reverse(name: str, *args) -> str:
    """A URL of the applicant-side pages, or "" while they do not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass
class PointRow:
    """One field or material of the case on the correction form."""

    token: str
    label: str
    flagged: bool = False
    reason: str = ""
    error: str = ""
    allowed: bool = True  # a later round may only repeat the first notice's points
    why_not: str = ""  # when not allowed: why (default: not on the first notice)


@dataclass
class FieldRow:
    key: str
    label: str
    required: bool
    value: str
    point: PointRow


@dataclass
class MaterialRow:
    material: CaseMaterial
    file_url: str
    point: PointRow
    deferral_value: str = ""
    deferral_error: str = ""
    scan_error: str = ""


@dataclass
class ReviewForms:
    """What was posted on the review page, to show again with its messages."""

    correction_flagged: set[str] = field(default_factory=set)
    correction_reasons: dict[str, str] = field(default_factory=dict)
    correction_errors: dict[str, str] = field(default_factory=dict)
    deferral_values: dict[str, str] = field(default_factory=dict)
    deferral_errors: dict[str, str] = field(default_factory=dict)
    scan_errors: dict[str, str] = field(default_factory=dict)


def _review_case(user: User, number: str) -> Case:
    """The case if the user reviews cases of its region (404 otherwise), with what the page shows prefetched."""
    case = get_case(user, number, "case.review")
    prefetch_related_objects(
        [case],
        Prefetch("materials", queryset=CaseMaterial.objects.select_related("material_type").order_by("order", "id")),
        Prefetch("corrections", queryset=CorrectionNotice.objects.order_by("round")),
        Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")),
    )
    return case


def _tokens(case: Case) -> list[str]:
    """The correction checkboxes in page order: the fields by section, then the materials."""
    tokens = [point_token(PointKind.FIELD, key) for s in case.requirements.get("sections", []) for key in s["keys"]]
    return tokens + [point_token(PointKind.MATERIAL, m.material_type.key) for m in case.materials.all()]


def _default_deferral(calendar: WorkingCalendar) -> str:
    try:
        return calendar.add_workdays(timezone.localdate(), DEFAULT_DEFERRAL_WORKDAYS).isoformat()
    except CalendarNotConfigured:
        return ""  # no guessed date: the staff member types one, the service says why it cannot check it


def _render_case(request: HttpRequest, case: Case, posted: ReviewForms | None = None, status: int = 200):
    posted = posted or ReviewForms()
    corrections = list(case.corrections.all())
    first_round = {point_token(p["kind"], p["key"]) for p in corrections[0].points} if corrections else None

    def point(token: str, label: str) -> PointRow:
        return PointRow(
            token=token,
            label=label,
            flagged=token in posted.correction_flagged,
            reason=posted.correction_reasons.get(token, ""),
            error=posted.correction_errors.get(token, ""),
            allowed=first_round is None or token in first_round,
        )

    labels = {f["key"]: f for f in case.requirements.get("fields", [])}
    sections = []
    for section in case.requirements.get("sections", []):
        rows = []
        for key in section["keys"]:
            meta = labels.get(key, {})
            label = meta.get("label", key)
            value = case.values.get(key, "")
            rows.append(
                FieldRow(
                    key=key,
                    label=label,
                    required=bool(meta.get("required")),
                    value=display_value(value),
                    point=point(point_token(PointKind.FIELD, key), label),
                )
            )
        sections.append({"title": section.get("title", ""), "rows": rows})

    calendar = WorkingCalendar()
    default_date = _default_deferral(calendar)
    materials = []
    for m in case.materials.all():
        key = m.material_type.key
        materials.append(
            MaterialRow(
                material=m,
                file_url=_try_reverse("cases:material_file", case.number, key) if m.file else "",
                point=(
                    point(point_token(PointKind.MATERIAL, key), m.name)
                    if m.state not in rules.NOT_FROM_THE_APPLICANT
                    else PointRow(
                        point_token(PointKind.MATERIAL, key),
                        m.name,
                        allowed=False,
                        why_not=_("Not supplied by the applicant: %(how)s") % {"how": m.get_state_display()},
                    )
                ),
                deferral_value=posted.deferral_values.get(key, default_date),
                deferral_error=posted.deferral_errors.get(key, ""),
                scan_error=posted.scan_errors.get(key, ""),
            )
        )
    may_review = rules.is_allowed(case.status, CaseAction.RECEIVE)
    context = {
        "case": case,
        "sections": sections,
        "materials": materials,
        "missing": [r for r in materials if r.material.state == MaterialState.MISSING],
        "paper": [r for r in materials if r.material.state == MaterialState.PAPER],
        "corrections": corrections,
        "events": list(case.events.all()),
        "may_correct": rules.is_allowed(case.status, CaseAction.REQUEST_CORRECTION),
        "may_receive": may_review,
        "may_scan": rules.is_allowed(case.status, CaseAction.ATTACH_SCAN),
        "later_round": first_round is not None,
        "correction_error": posted.correction_errors.get("", ""),
        "deferral_error": posted.deferral_errors.get("", ""),
        "receipt_url": _try_reverse("cases:receipt", case.number) if case.received_at else "",
        "review_limit": services.review_limit_of(case.region),
        "scan_limit_hours": rules.SCAN_LIMIT_HOURS,
        "accept": ",".join(sorted(ACCEPTED_TYPES.values())),
        "max_size": human_size(max_upload_bytes()),
        "now": timezone.now(),
        "window_channel": Channel.WINDOW,
    }
    return render(request, "cases/window/case.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """The review page (see the module doc); a refused action shows its messages beside the inputs."""
    user = _staff(request, "case.review")
    case = _review_case(user, number)
    if request.method == "GET":
        return _render_case(request, case)
    action = request.POST.get("action", "")
    handler = {"correction": _post_correction, "receive": _post_receive, "scan": _post_scan}.get(action)
    if handler is None:
        messages.error(request, _("Unknown action."))
        return redirect("window:case", number=case.number)
    return handler(request, case, user)


def _post_correction(request: HttpRequest, case: Case, user: User) -> HttpResponse:
    posted = read_correction(request.POST, _tokens(case))
    forms = ReviewForms(
        correction_flagged=posted.flagged, correction_reasons=posted.reasons, correction_errors=posted.errors
    )
    if posted.errors:
        messages.error(request, _("Nothing was issued: see the messages beside the points."))
        return _render_case(request, case, forms, status=400)
    try:
        notice = services.do_request_correction(case, posted.points, acting_user=user, ip=client_ip(request))
    except UserFacingError as exc:
        forms.correction_errors[""] = exc.message
        messages.error(request, exc.message)
        return _render_case(request, case, forms, status=409 if isinstance(exc, ConflictError) else 400)
    messages.success(
        request,
        _("Correction notice issued (round %(round)d, %(count)d point(s)); the applicant has been told.")
        % {"round": notice.round, "count": len(notice.points)},
    )
    return redirect("window:case", number=case.number)


def _post_receive(request: HttpRequest, case: Case, user: User) -> HttpResponse:
    keys = [m.material_type.key for m in case.materials.all() if m.state == MaterialState.MISSING]
    dates, typed, errors = read_deferrals(request.POST, keys)
    try:
        services.do_receive_case(case, deferrals=dates, acting_user=user, ip=client_ip(request))
    except services.DeferralsRefused as exc:
        problems = {**exc.problems, **errors}  # a date that could not be read: say that, not "give a date"
        messages.error(request, _("Not received: see the messages beside the dates."))
        return _render_case(request, case, ReviewForms(deferral_values=typed, deferral_errors=problems), status=400)
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return _render_case(request, case, ReviewForms(deferral_values=typed), status=409)
    messages.success(request, _("Received; the receipt can be printed now."))
    return redirect("window:case", number=case.number)


def _post_scan(request: HttpRequest, case: Case, user: User) -> HttpResponse:
    key = request.POST.get("material", "")
    material_type = MaterialType.objects.filter(key=key).first()
    uploaded = request.FILES.get("file")
    if material_type is None:
        raise Http404
    if uploaded is None:
        return _render_case(request, case, ReviewForms(scan_errors={key: _("Choose a file to upload.")}), status=400)
    try:
        services.do_attach_scan(case, material_type, uploaded, acting_user=user, ip=client_ip(request))
    except UserFacingError as exc:
        return _render_case(request, case, ReviewForms(scan_errors={key: exc.message}), status=400)
    messages.success(request, _("Scan of “%(name)s” attached.") % {"name": material_type.name})
    return redirect(reverse("window:case", args=[case.number]) + "#scan")


# ---------------------------------------------------------------- walk-in: who is at the counter


def _walk_in_one_things(user: User) -> list[OneThing]:
    """Published one-things of the regions where the staff member files walk-ins (the catalog's public door)."""
    one_things = catalog_queries.public_one_things().filter(status=OneThingStatus.PUBLISHED)
    return list(permissions.restrict(user, "case.file_walk_in", one_things).order_by("region__code", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest) -> HttpResponse:
    """Identify the walk-in applicant and choose the one-thing; then on to the intake page."""
    user = _staff(request, "case.file_walk_in")
    one_things = _walk_in_one_things(user)
    form = WalkInApplicantForm(request.POST or None, one_things=one_things)
    if request.method == "POST" and form.is_valid():
        try:
            applicant, created = do_register_walk_in_applicant(WalkInIdentity(**form.identity()), acting_user=user)
        except WalkInRefused as exc:
            form.add_error(form.field_for(exc.field), exc.message)
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            one_thing = form.cleaned_data["one_thing_obj"]
            if created:
                created_accounts = request.session.get(SESSION_CREATED_ACCOUNTS, {})
                created_accounts[str(applicant.pk)] = user.pk
                request.session[SESSION_CREATED_ACCOUNTS] = created_accounts
                messages.success(request, _("A new applicant account was created for %(name)s.") % {"name": applicant})
            else:
                messages.info(request, _("The applicant's existing account is used: %(name)s.") % {"name": applicant})
            do_record_walk_in_opened(applicant, one_thing, form.reason_label(), acting_user=user, ip=client_ip(request))
            token = _open_walk_in(request, user, applicant, one_thing)
            return redirect("window:intake", token=token, code=one_thing.code)
    return render(request, "cases/window/walk_in.html", {"form": form, "one_things": one_things})


# ---------------------------------------------------------------- walk-in: one page for the whole application


@dataclass
class IntakeField:
    field: MergedField
    value: str
    prefilled: PrefilledValue | None
    locked: bool
    error: str


@dataclass
class IntakeMaterial:
    line: MaterialLine
    upload: Upload | None
    commitment: Commitment | None
    paper: bool
    error: str


@dataclass
class Intake:
    staff: User
    token: str
    applicant: User
    one_thing: OneThing
    notice: PersonalNotice
    notice_error: str
    form: MergedForm
    draft: ApplicationDraft | None
    prefill: dict[str, PrefilledValue]
    query: str

    @property
    def locked(self) -> set[str]:
        return {k for k, p in self.prefill.items() if p.authoritative}

    @property
    def url(self) -> str:
        base = reverse("window:intake", args=[self.token, self.one_thing.code])
        return f"{base}?{self.query}" if self.query else base

    def shown_values(self) -> tuple[dict[str, str], dict[str, PrefilledValue]]:
        """key -> the value to show (locked source value, else the draft's, else pre-filled: the identity verified
        at the counter comes with the account, shareddata.ACCOUNT_IDENTITY), and where a pre-filled value came
        from."""
        return effective_values(self.form.keys, self.draft.values if self.draft else {}, self.prefill, {})


def _intake(request: HttpRequest, token: str, code: str) -> Intake:
    staff = _staff(request, "case.file_walk_in")
    one_thing = guidance_queries.get_guide_one_thing(code)
    if not may(staff, "case.file_walk_in", one_thing):
        raise Http404
    applicant = _walk_in_applicant(request, staff, token, code)
    draft = find_draft(applicant, one_thing, ApplicationDraft.WINDOW)  # never the applicant's own online draft
    if request.method == "POST" and has_guide_params(request.POST):
        query = GuideQuery.from_querydict(request.POST)  # the questionnaire is part of the posted form
    elif draft is not None and draft.answers and not has_guide_params(request.GET):
        query = query_from_state(draft.answers)
    else:
        query = GuideQuery.from_querydict(request.GET)
    # the e-licences the applicant really holds (with consent), as submission counts them: never ticked by hand
    notice, error = query.notice(one_thing, held_licence_types=held_licence_types(applicant))
    form = merge_form(one_thing, notice.selected_items)
    # what staff see of the account is the minimum: consented registry values, never the applicant's own profile
    # (一人一档: what they typed in earlier online filings)
    prefill = prefill_for(applicant, form.keys, include_profile=False, settled=settled_by(one_thing, notice.answers))
    return Intake(staff, token, applicant, one_thing, notice, error, form, draft, prefill, GuideQuery.canonical(notice))


def _render_intake(
    request: HttpRequest,
    intake: Intake,
    *,
    errors: dict[str, str] | None = None,
    material_errors: dict[str, str] | None = None,
    paper: set[str] = frozenset(),
    submission_key: str = "",
    delivery_form=None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    material_errors = material_errors or {}
    shown, origin = intake.shown_values()
    locked = intake.locked
    sections = [
        (
            section,
            [
                IntakeField(f, shown[f.key], origin.get(f.key), f.key in locked, errors.get(f.key, ""))
                for f in section.fields
            ],
        )
        for section in intake.form.sections
    ]
    draft = intake.draft
    uploads = {u.material_type.key: u for u in draft.uploads.select_related("material_type")} if draft else {}
    commitments = {c.material_type.key: c for c in draft.commitments.select_related("material_type")} if draft else {}
    to_submit = [
        IntakeMaterial(m, uploads.get(m.key), commitments.get(m.key), m.key in paper, material_errors.get(m.key, ""))
        for m in intake.notice.to_submit
    ]
    exempt = [*intake.notice.provided, *intake.notice.exempt]  # not from the applicant (guidance.materials)
    open_case = services.open_case_of(intake.applicant, intake.one_thing)
    context = {
        "open_case": open_case,
        "duplicate_reason": request.POST.get("duplicate_reason", "") if request.method == "POST" else "",
        "intake": intake,
        "applicant": intake.applicant,
        "one_thing": intake.one_thing,
        "notice": intake.notice,
        "sections": sections,
        "errors": errors,
        "to_submit": to_submit,
        "exempt": exempt,
        "boolean_values": BOOLEAN_VALUES.items(),
        "submission_key": submission_key or uuid.uuid4().hex,
        "delivery_form": delivery_form or filing_delivery_form(intake.one_thing, shown, request.POST or None),
        "accept": ",".join(sorted(ACCEPTED_TYPES.values())),
        "max_size": human_size(max_upload_bytes()),
    }
    return render(request, "cases/window/intake.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, token: str, code: str) -> HttpResponse:
    """The walk-in's questionnaire, one form and materials on one page, in one form. POST saves the answers and
    the values as typed and stores each file chosen; action "situation" then reloads the page for the answers
    given (nothing typed is lost), "save" shows every message, "file" files the case (收件) and opens its review
    page."""
    page = _intake(request, token, code)
    if request.method == "GET":
        return _render_intake(request, page, status=400 if page.notice_error else 200)
    if page.notice_error:  # e.g. a mandatory item unticked: nothing is saved under a refused selection
        messages.error(request, page.notice_error)
        return _render_intake(request, page, status=400)

    staff, applicant, one_thing = page.staff, page.applicant, page.one_thing
    values = {k: request.POST[k] for k in page.form.keys if k in request.POST}
    for key in page.locked & set(page.form.keys):
        values[key] = page.prefill[key].value
    page.draft = do_save_draft(applicant, one_thing, draft_state(page.notice), values, acting_user=staff)

    lines = {m.key: m for m in page.notice.to_submit}
    types = {mt.key: mt for mt in MaterialType.objects.filter(key__in=lines)}
    material_errors: dict[str, str] = {}
    for key in lines:
        uploaded = request.FILES.get(f"file-{key}")
        if uploaded is None:
            continue
        try:
            do_upload_material(page.draft, types[key], uploaded, acting_user=staff)
        except UserFacingError as exc:
            material_errors[key] = exc.message
    paper = {key for key in request.POST.getlist("paper") if key in lines}
    submission_key = (request.POST.get("submission_key") or "").strip()[:64] or uuid.uuid4().hex

    action = request.POST.get("action")
    if action == "situation" and not material_errors:
        messages.info(request, _("Situation updated; what was typed is kept."))
        return redirect(page.url)
    shown, _origin = page.shown_values()
    errors = validate_values(page.form, shown)
    if action != "file":
        if errors or material_errors:
            messages.warning(
                request,
                _("Saved. %(count)d field(s) or material(s) need attention; see the messages beside them.")
                % {"count": len(errors) + len(material_errors)},
            )
        else:
            messages.success(request, _("Saved. Every field is filled in correctly."))
        return _render_intake(
            request, page, errors=errors, material_errors=material_errors, paper=paper, submission_key=submission_key
        )
    if material_errors:
        messages.error(request, _("Not filed: a file was refused; see the messages beside the materials."))
        return _render_intake(
            request,
            page,
            errors=errors,
            material_errors=material_errors,
            paper=paper,
            submission_key=submission_key,
            status=400,
        )
    delivery = filing_delivery_form(one_thing, shown, request.POST)
    if not delivery.is_valid():
        messages.error(request, _("Not filed: say how the applicant wants to receive the results."))
        return _render_intake(
            request, page, errors=errors, paper=paper, submission_key=submission_key, delivery_form=delivery,
            status=400,
        )  # fmt: skip
    try:
        with transaction.atomic():  # the case, its delivery choice and the account note: together or not at all
            case = services.do_submit_case(
                page.draft,
                submission_key,
                acting_user=staff,
                ip=client_ip(request),
                paper_received=paper,
                duplicate_reason=request.POST.get("duplicate_reason", ""),
            )
            choose_delivery_from(delivery, case, acting_user=staff, ip=client_ip(request))
            created_by = request.session.get(SESSION_CREATED_ACCOUNTS, {}).get(str(applicant.pk))
            if created_by is not None:
                creator = User.objects.filter(pk=created_by).first() or staff
                do_note_walk_in_account(case, created_by=creator, acting_user=staff, ip=client_ip(request))
    except services.SubmissionIncomplete as exc:
        for key in exc.missing_materials:
            material_errors[key] = _("Missing: upload a scan or tick “paper original received”.")
        messages.error(request, exc.message)
        return _render_intake(
            request,
            page,
            errors=exc.field_errors,
            material_errors=material_errors,
            paper=paper,
            submission_key=submission_key,
            status=400,
        )
    except FieldErrors:
        messages.error(request, _("Not filed: say how the applicant wants to receive the results."))
        return _render_intake(
            request, page, errors=errors, paper=paper, submission_key=submission_key, delivery_form=delivery,
            status=400,
        )  # fmt: skip
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return _render_intake(request, page, errors=errors, paper=paper, submission_key=submission_key, status=400)
    created_accounts = request.session.get(SESSION_CREATED_ACCOUNTS, {})
    if created_accounts.pop(str(applicant.pk), None) is not None:
        request.session[SESSION_CREATED_ACCOUNTS] = created_accounts
    messages.success(
        request,
        _("Filed as case %(number)s. Review it now: receive it (and print the receipt) or issue a correction notice.")
        % {"number": case.number},
    )
    return redirect("window:case", number=case.number)
