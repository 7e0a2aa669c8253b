"""Every change of 好差评 and complaints (STYLE.md §4): one atomic `do_<verb>_<noun>(…, *, acting_user)` each, its
events written in the same transaction (the case's timeline through cases.kernel.record_event; a complaint's own
trail too), its messages through the outbox (notifications.services.do_queue_message).

- do_rate_contact: one rating per contact of a case (contacts.py), by the applicant on the case page or through a
  signed link (tokens.py: the SMS, the window's screen; anonymous). A 差评 (不满意, 非常不满意) opens a Rectification
  for the department responsible for the step, with its two clocks in working days (rules.py). After the call back
  the applicant may rate the contact again (round 2), which closes the rectification.
- do_verify_rectification, do_answer_rectification (rectify a substantiated 差评, explain one that is not),
  do_call_back, do_close_rectification: the department's steps, each an event on the case's timeline.
- do_file_complaint, do_answer_complaint, do_record_responsibility: 投诉, routed to the department and the region's
  supervisors, answered to the complainant, responsibility recorded when upheld (000 第二十二条).
- on_case_event (cases.kernel.ON_EVENT): when a case ends, the applicant gets an SMS with a link to rate it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import StaffRole
from accounts.models import RoleAssignment, User
from accounts.permissions import may
from cases.choices import OPEN_CASE_STATUSES, CaseAction
from cases.kernel import Actor, lock_case, record_event, system_actor
from cases.models import Case, CaseEvent
from cases.rules import CASE
from core.errors import ConflictError, UserFacingError
from core.qr import public_url
from core.validators import normalize_mobile, validate_mobile
from notifications.choices import Channel
from notifications.services import do_queue_message
from regions.models import Department, Region
from workcalendar.services import WorkingCalendar

from . import rules
from .choices import (
    POOR_LEVELS,
    ComplaintStatus,
    Finding,
    Level,
    RatingChannel,
    Reason,
    RectificationStatus,
)
from .contacts import Contact, contacts_of
from .models import Complaint, ComplaintEvent, Rating, Rectification
from .tokens import RatingToken, make_token

MAX_COMMENT = 500
MAX_TEXT = 2000


class FormErrors(UserFacingError):
    """Bad input: one Chinese message per field; nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


class NotAllowed(UserFacingError):
    pass


class AnonymousActor(Actor):
    """A rating through a signed link, without an account: recorded as the applicant, anonymously."""

    @property
    def label(self) -> str:
        return _("Applicant (anonymous)")


@dataclass(frozen=True)
class RatingInput:
    level: int
    reasons: list[str]
    comment: str


def clean_rating(level: object, reasons: Iterable[str] = (), comment: str = "") -> RatingInput:
    """The rating as given, checked: a level of the five; with a 差评, at least one reason ticked or said in words;
    reasons only from the list. Raises FormErrors (Chinese field messages)."""
    errors: dict[str, str] = {}
    try:
        value = int(str(level))
    except (TypeError, ValueError):
        value = 0
    if value not in Level.values:
        errors["level"] = _("Choose one of the five levels.")
    picked = [str(r) for r in reasons if str(r)]
    if any(r not in Reason.values for r in picked):
        errors["reasons"] = _("Tick reasons from the list only.")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        errors["comment"] = _("At most %(count)d characters.") % {"count": MAX_COMMENT}
    if value in POOR_LEVELS and not picked and not text and "reasons" not in errors:
        errors["reasons"] = _("With a poor rating, tick at least one reason or say what went wrong.")
    if errors:
        raise FormErrors(errors)
    if value not in POOR_LEVELS:
        picked = []  # the reasons list is the 差评's (GB/T 39734 附录A)
    return RatingInput(value, sorted(set(picked), key=Reason.values.index), text)


# ---------------------------------------------------------------- what may be rated


def ratable_keys(case: Case, contacts: list[Contact] | None = None) -> set[str]:
    """The contacts of `case` open to a rating now: happened and not rated yet, or called back after a 差评 (re-rate)."""
    if not CASE.is_allowed(case.status, CaseAction.RATE):
        return set()
    contacts = contacts if contacts is not None else contacts_of(case)
    current = {r.contact: r for r in Rating.objects.filter(case=case, current=True).select_related("rectification")}
    keys = set()
    for c in contacts:
        rating = current.get(c.key)
        if (
            rating is None
            or _rectification(rating) is not None
            and rating.rectification.status == RectificationStatus.CALLED_BACK
        ):
            keys.add(c.key)
    return keys


def _rectification(rating: Rating) -> Rectification | None:
    try:
        return rating.rectification
    except Rectification.DoesNotExist:
        return None


def _level_label(level: int) -> str:
    return str(Level(level).label)


@transaction.atomic
def do_rate_contact(
    case: Case,
    contact_key: str,
    *,
    level: object,
    reasons: Iterable[str] = (),
    comment: str = "",
    channel: str,
    acting_user: User | None = None,
    token: RatingToken | None = None,
    ip: str | None = None,
) -> Rating:
    """Rate one contact (see the module doc). The applicant rates only their own case; a token only its contacts."""
    case = lock_case(case)
    if token is not None:
        if token.case_id != case.pk or contact_key not in token.keys:
            raise NotAllowed(_("This link does not rate that."))
        user = None
    else:
        if acting_user is None or not may(acting_user, "rating.rate", case):
            raise NotAllowed(_("Only the applicant rates their case."))
        user = acting_user
    CASE.check(case.status, CaseAction.RATE)
    contact = next((c for c in contacts_of(case) if c.key == contact_key), None)
    if contact is None:
        raise ConflictError(_("This has not happened yet, so it cannot be rated."))
    previous = Rating.objects.select_for_update().filter(case=case, contact=contact_key, current=True).first()
    rectification = None
    if previous is not None:
        rectification = Rectification.objects.select_for_update().filter(rating=previous).first()
        if rectification is None or rectification.status != RectificationStatus.CALLED_BACK:
            raise ConflictError(_("This has been rated already: each contact is rated once."))
    given = clean_rating(level, reasons, comment)
    now = timezone.now()
    actor = Actor(user, ip, channel) if user is not None else AnonymousActor(None, ip, channel)
    if previous is not None:
        previous.current = False
        previous.save(update_fields=["current"])
    rating = Rating.objects.create(
        case=case,
        contact=contact.key,
        kind=contact.kind,
        item_id=contact.item_id,
        department=contact.department,
        region_id=case.region_id,
        round=previous.round + 1 if previous is not None else 1,
        level=given.level,
        reasons=given.reasons,
        comment=given.comment,
        channel=channel,
        rated_by=user,
        rated_at=now,
    )
    record_event(
        case,
        CaseAction.RATE,
        actor,
        at=now,
        from_status=case.status,
        to_status=case.status,
        summary=_("%(contact)s: rated “%(level)s”.") % {"contact": contact.label, "level": _level_label(given.level)},
        detail={"contact": contact.key, "level": given.level, "round": rating.round, "reasons": given.reasons,
                "channel": channel},
    )  # fmt: skip
    if rectification is not None:
        before = rules.RECTIFICATION.move(rectification, rules.RERATE, RectificationStatus.CLOSED)
        rectification.rerating = rating
        rectification.closed_at = now
        rectification.save(update_fields=["status", "rerating", "closed_at"])
        _record_step(case, rectification, rules.RERATE, actor, before,
                     _("Re-rated “%(level)s” after the call back; the rectification is closed.")
                     % {"level": _level_label(given.level)}, at=now)  # fmt: skip
    if given.level in POOR_LEVELS:
        _open_rectification(case, rating, contact, now)
    return rating


def _open_rectification(case: Case, rating: Rating, contact: Contact, now: dt.datetime) -> Rectification:
    calendar = WorkingCalendar()
    today = timezone.localdate(now)
    rectification = Rectification.objects.create(
        rating=rating,
        case=case,
        region_id=case.region_id,
        department=contact.department,
        opened_at=now,
        verify_due_on=calendar.add_workdays(today, rules.verify_workdays()),
        answer_due_on=calendar.add_workdays(today, rules.answer_workdays()),
    )
    department = contact.department.name if contact.department is not None else _("the region's supervisors")
    record_event(
        case,
        CaseAction.RECTIFICATION,
        system_actor(),
        at=now,
        from_status=case.status,
        to_status=case.status,
        summary=_("Poor rating of “%(contact)s”: %(department)s verifies it by %(verify)s and rectifies or explains "
                  "by %(answer)s.") % {"contact": contact.label, "department": department,
                                       "verify": rectification.verify_due_on, "answer": rectification.answer_due_on},
        detail={"rectification": rectification.pk, "step": "open", "contact": contact.key},
    )  # fmt: skip
    link = reverse("evaluation:rectification", args=[rectification.pk])
    _tell_staff(
        _department_staff(contact.department) | _supervisors(case.region),
        kind="rating.poor",
        subject=_("Poor rating to verify: %(number)s") % {"number": case.number},
        body=_("“%(contact)s” of case %(number)s was rated “%(level)s”. Verify by %(verify)s, rectify or explain by "
               "%(answer)s: %(link)s") % {"contact": contact.label, "number": case.number,
                                          "level": _level_label(rating.level), "verify": rectification.verify_due_on,
                                          "answer": rectification.answer_due_on, "link": link},
        case_number=case.number,
    )  # fmt: skip
    return rectification


# ---------------------------------------------------------------- the department's steps


def _record_step(
    case: Case,
    rectification: Rectification,
    step: str,
    actor: Actor,
    before: str,
    summary: str,
    *,
    internal_note: str = "",
    at: dt.datetime | None = None,
) -> CaseEvent:
    return record_event(
        case,
        CaseAction.RECTIFICATION,
        actor,
        at=at,
        from_status=case.status,
        to_status=case.status,
        summary=summary,
        internal_note=internal_note,
        detail={"rectification": rectification.pk, "step": step, "from": before, "to": rectification.status},
    )


def _lock_rectification(rectification: Rectification, acting_user: User, action: str) -> tuple[Case, Rectification]:
    case = lock_case(rectification.case_id)
    locked = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("rating", "department")
        .get(pk=rectification.pk)
    )
    if not may(acting_user, rules.RECTIFICATION_PERMISSIONS[action], locked):
        raise NotAllowed(_("Only the department responsible for the step rated handles this rectification."))
    rules.RECTIFICATION.check(locked.status, action)
    CASE.check(case.status, CaseAction.RECTIFICATION)
    return case, locked


def _text(value: str, field: str, empty: str, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if not text:
        raise FormErrors({field: empty})
    if len(text) > limit:
        raise FormErrors({field: _("At most %(count)d characters.") % {"count": limit}})
    return text


def _staff_actor(user: User, ip: str | None) -> Actor:
    return Actor(user, ip, "department")


@transaction.atomic
def do_verify_rectification(
    rectification: Rectification, *, finding: str, verification: str, acting_user: User, ip: str | None = None
) -> Rectification:
    """核实: whether the 差评 is substantiated, and what the department found (staff only: an internal note)."""
    case, r = _lock_rectification(rectification, acting_user, rules.VERIFY)
    errors = {}
    if finding not in Finding.values:
        errors["finding"] = _("Say whether the poor rating is substantiated.")
    text = (verification or "").strip()
    if not text:
        errors["verification"] = _("Say what the verification found.")
    elif len(text) > MAX_TEXT:
        errors["verification"] = _("At most %(count)d characters.") % {"count": MAX_TEXT}
    if errors:
        raise FormErrors(errors)
    now = timezone.now()
    before = rules.RECTIFICATION.move(r, rules.VERIFY, RectificationStatus.VERIFIED)
    r.finding, r.verification, r.verified_at, r.verified_by = finding, text, now, acting_user
    r.save(update_fields=["status", "finding", "verification", "verified_at", "verified_by"])
    _record_step(case, r, rules.VERIFY, _staff_actor(acting_user, ip), before,
                 _("Poor rating verified: %(finding)s.") % {"finding": Finding(finding).label},
                 internal_note=text, at=now)  # fmt: skip
    return r


@transaction.atomic
def do_answer_rectification(
    rectification: Rectification, *, action: str, answer: str, acting_user: User, ip: str | None = None
) -> Rectification:
    """整改 (a substantiated 差评) or 解释说明 (one that is not): what was done, told to the applicant."""
    if action not in (rules.RECTIFY, rules.EXPLAIN):
        raise FormErrors({"action": _("Choose to rectify or to explain.")})
    case, r = _lock_rectification(rectification, acting_user, action)
    wanted = rules.RECTIFY if r.finding == Finding.SUBSTANTIATED else rules.EXPLAIN
    if action != wanted:
        raise ConflictError(_("A substantiated poor rating is rectified; one that is not substantiated is explained."))
    text = _text(answer, "answer", _("Say what was rectified, or explain."))
    now = timezone.now()
    before = rules.RECTIFICATION.move(r, action, RectificationStatus.ANSWERED)
    r.answer, r.answered_at, r.answered_by = text, now, acting_user
    r.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    label = _("Rectified") if action == rules.RECTIFY else _("Explained")
    _record_step(case, r, action, _staff_actor(acting_user, ip), before,
                 _("%(what)s: %(answer)s") % {"what": label, "answer": text}, at=now)  # fmt: skip
    _tell_applicant(case, kind="rating.answered",
                    subject=_("Your rating of case %(number)s: the department answered") % {"number": case.number},
                    body=_("About your rating of case %(number)s — %(what)s: %(answer)s")
                    % {"number": case.number, "what": label, "answer": text})  # fmt: skip
    return r


@transaction.atomic
def do_call_back(rectification: Rectification, *, note: str, acting_user: User, ip: str | None = None) -> Rectification:
    """回访: the applicant was called back (what they said, recorded); they may now rate the contact again — on the
    case page, or through the SMS link sent now."""
    case, r = _lock_rectification(rectification, acting_user, rules.CALL_BACK)
    text = _text(note, "note", _("Record what the applicant said when called back."))
    now = timezone.now()
    before = rules.RECTIFICATION.move(r, rules.CALL_BACK, RectificationStatus.CALLED_BACK)
    r.callback_note, r.called_back_at, r.called_back_by = text, now, acting_user
    r.save(update_fields=["status", "callback_note", "called_back_at", "called_back_by"])
    _record_step(case, r, rules.CALL_BACK, _staff_actor(acting_user, ip), before,
                 _("Applicant called back: %(note)s") % {"note": text}, at=now)  # fmt: skip
    link = public_url(reverse("evaluation:sms", args=[make_token(case.pk, [r.rating.contact], RatingChannel.SMS)]))
    _tell_applicant(case, kind="rating.rerate",
                    subject=_("Rate again: case %(number)s") % {"number": case.number},
                    body=_("Thank you for your time. You may rate case %(number)s again: %(link)s")
                    % {"number": case.number, "link": link})  # fmt: skip
    return r


@transaction.atomic
def do_close_rectification(
    rectification: Rectification, *, note: str, acting_user: User, ip: str | None = None
) -> Rectification:
    """Closed without a new rating (the applicant declined to rate again when called back)."""
    case, r = _lock_rectification(rectification, acting_user, rules.CLOSE)
    text = _text(note, "closing_note", _("Say why it closes without a new rating."))
    now = timezone.now()
    before = rules.RECTIFICATION.move(r, rules.CLOSE, RectificationStatus.CLOSED)
    r.closing_note, r.closed_at = text, now
    r.save(update_fields=["status", "closing_note", "closed_at"])
    _record_step(case, r, rules.CLOSE, _staff_actor(acting_user, ip), before,
                 _("Rectification closed without a new rating: %(note)s") % {"note": text}, at=now)  # fmt: skip
    return r


# ---------------------------------------------------------------- complaints


def complaint_departments(case: Case) -> list[Department]:
    """The departments a complaint about `case` may be routed to: the centre (the windows) and each item's."""
    seen: dict[int, Department] = {}
    for c in contacts_of(case):
        if c.department is not None:
            seen.setdefault(c.department.pk, c.department)
    from .contacts import centre_of

    for d in [centre_of(case), case.one_thing.lead_department, *(i.department for i in case.items.all())]:
        if d is not None:
            seen.setdefault(d.pk, d)
    return list(seen.values())


@transaction.atomic
def do_file_complaint(
    *,
    text: str,
    department: Department | int | None,
    case: Case | None = None,
    name: str = "",
    mobile: str = "",
    acting_user: User | None = None,
    ip: str | None = None,
) -> Complaint:
    """投诉: about a case (its applicant, from the case page) or about none (anyone, from the complaints page). Routed
    to `department` and the supervisors of its region and above; answered by COMPLAINT_ANSWER_WORKDAYS."""
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    if case is not None:
        case = lock_case(case)
        if user is None or not may(user, "complaint.file", case):
            raise NotAllowed(_("Only the applicant complains about their case here."))
        CASE.check(case.status, CaseAction.COMPLAINT)
    errors: dict[str, str] = {}
    dept = None
    department_id = department.pk if isinstance(department, Department) else department
    try:
        department_id = int(department_id) if department_id not in (None, "") else None
    except (TypeError, ValueError):
        department_id = None
    if department_id is not None:
        allowed = complaint_departments(case) if case is not None else None
        dept = Department.objects.select_related("region").filter(pk=department_id).first()
        if dept is None or (allowed is not None and dept.pk not in {d.pk for d in allowed}):
            dept = None
    if dept is None:
        errors["department"] = _("Choose the department the complaint is about.")
    name = (name or (user.display_name if user is not None else "") or "").strip()
    if not name:
        errors["name"] = _("Give your name, so that the answer reaches you.")
    elif len(name) > 60:
        errors["name"] = _("At most %(count)d characters.") % {"count": 60}
    mobile = normalize_mobile(mobile or "")
    if mobile:
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            errors["mobile"] = exc.messages[0]
    elif user is None:
        errors["mobile"] = _("Give a mobile number for the answer (you are not logged in).")
    body = (text or "").strip()
    if not body:
        errors["text"] = _("Say what the complaint is about.")
    elif len(body) > MAX_TEXT:
        errors["text"] = _("At most %(count)d characters.") % {"count": MAX_TEXT}
    if errors:
        raise FormErrors(errors)
    assert dept is not None
    now = timezone.now()
    due = WorkingCalendar().add_workdays(timezone.localdate(now), rules.complaint_workdays())
    complaint = Complaint.objects.create(
        case=case,
        region=case.region if case is not None else dept.region,
        department=dept,
        complainant=user,
        name=name,
        mobile=mobile,
        text=body,
        filed_at=now,
        due_on=due,
    )
    summary = _("Complaint %(number)s about %(department)s; answer due by %(due)s.") % {
        "number": complaint.number,
        "department": dept.name,
        "due": due,
    }
    _complaint_event(complaint, "file", user, "", ComplaintStatus.OPEN, summary, now)
    if case is not None:
        record_event(case, CaseAction.COMPLAINT, Actor(user, ip, "online"), at=now, from_status=case.status,
                     to_status=case.status, summary=summary, detail={"complaint": complaint.pk, "step": "file"})  # fmt: skip
    link = reverse("evaluation:complaint", args=[complaint.pk])
    _tell_staff(
        _department_staff(dept) | _supervisors(complaint.region),
        kind="complaint.filed",
        subject=_("Complaint %(number)s to answer by %(due)s") % {"number": complaint.number, "due": due},
        body=_("A complaint about %(department)s: %(text)s — answer by %(due)s: %(link)s")
        % {"department": dept.name, "text": body[:120], "due": due, "link": link},
        case_number=case.number if case is not None else "",
    )
    return complaint


def _lock_complaint(complaint: Complaint, acting_user: User, action: str) -> Complaint:
    if complaint.case_id is not None:
        lock_case(complaint.case_id)  # the case first, then the complaint (the order of every change)
    locked = Complaint.objects.select_for_update(of=("self",)).select_related("case", "department").get(pk=complaint.pk)
    if not may(acting_user, rules.COMPLAINT_PERMISSIONS[action], locked):
        raise NotAllowed(_("This complaint is not routed to you."))
    rules.COMPLAINT.check(locked.status, action)
    return locked


@transaction.atomic
def do_answer_complaint(
    complaint: Complaint, *, upheld: object, answer: str, acting_user: User, ip: str | None = None
) -> Complaint:
    """The answer to the complainant (site message and/or SMS), upheld or not."""
    c = _lock_complaint(complaint, acting_user, rules.ANSWER)
    errors = {}
    if upheld not in (True, False, "yes", "no"):
        errors["upheld"] = _("Say whether the complaint is upheld.")
    text = (answer or "").strip()
    if not text:
        errors["answer"] = _("Write the answer to the complainant.")
    elif len(text) > MAX_TEXT:
        errors["answer"] = _("At most %(count)d characters.") % {"count": MAX_TEXT}
    if errors:
        raise FormErrors(errors)
    is_upheld = upheld in (True, "yes")
    now = timezone.now()
    before = rules.COMPLAINT.move(c, rules.ANSWER, ComplaintStatus.UPHELD if is_upheld else ComplaintStatus.ANSWERED)
    c.upheld, c.answer, c.answered_at, c.answered_by = is_upheld, text, now, acting_user
    c.save(update_fields=["status", "upheld", "answer", "answered_at", "answered_by"])
    finding = _("upheld") if is_upheld else _("not upheld")
    summary = _("Complaint %(number)s answered (%(finding)s): %(answer)s") % {
        "number": c.number,
        "finding": finding,
        "answer": text,
    }
    _complaint_event(c, rules.ANSWER, acting_user, before, c.status, summary, now)
    if c.case is not None:
        record_event(c.case, CaseAction.COMPLAINT, _staff_actor(acting_user, ip), at=now,
                     from_status=c.case.status, to_status=c.case.status, summary=summary,
                     detail={"complaint": c.pk, "step": rules.ANSWER, "upheld": is_upheld})  # fmt: skip
    subject = _("Answer to your complaint %(number)s") % {"number": c.number}
    if c.complainant is not None:
        do_queue_message(recipient=c.complainant, channel=Channel.SITE, kind="complaint.answered", subject=subject,
                         body=summary, case_number=c.case.number if c.case else "", acting_user=acting_user)  # fmt: skip
    mobile = c.mobile or (c.complainant.mobile if c.complainant is not None else "")
    if mobile:
        do_queue_message(recipient=c.complainant, mobile=mobile, channel=Channel.SMS, kind="complaint.answered",
                         subject=subject, body=summary, case_number=c.case.number if c.case else "",
                         acting_user=acting_user)  # fmt: skip
    return c


@transaction.atomic
def do_record_responsibility(
    complaint: Complaint, *, responsible: str, responsibility: str, acting_user: User, ip: str | None = None
) -> Complaint:
    """责任认定 of an upheld complaint (000 第二十二条): who bears it and how (the supervisor)."""
    c = _lock_complaint(complaint, acting_user, rules.RECORD_RESPONSIBILITY)
    errors = {}
    who = (responsible or "").strip()
    what = (responsibility or "").strip()
    if not who:
        errors["responsible"] = _("Name the responsible person or unit.")
    elif len(who) > 200:
        errors["responsible"] = _("At most %(count)d characters.") % {"count": 200}
    if not what:
        errors["responsibility"] = _("Say what responsibility is borne.")
    elif len(what) > MAX_TEXT:
        errors["responsibility"] = _("At most %(count)d characters.") % {"count": MAX_TEXT}
    if errors:
        raise FormErrors(errors)
    now = timezone.now()
    before = rules.COMPLAINT.move(c, rules.RECORD_RESPONSIBILITY, ComplaintStatus.CLOSED)
    c.responsible, c.responsibility = who, what
    c.responsibility_recorded_at, c.responsibility_recorded_by = now, acting_user
    c.save(update_fields=["status", "responsible", "responsibility", "responsibility_recorded_at",
                          "responsibility_recorded_by"])  # fmt: skip
    summary = _("Responsibility recorded for complaint %(number)s: %(who)s.") % {"number": c.number, "who": who}
    _complaint_event(c, rules.RECORD_RESPONSIBILITY, acting_user, before, c.status, f"{summary} {what}", now)
    if c.case is not None:
        record_event(c.case, CaseAction.COMPLAINT, _staff_actor(acting_user, ip), at=now,
                     from_status=c.case.status, to_status=c.case.status, summary=summary, internal_note=what,
                     detail={"complaint": c.pk, "step": rules.RECORD_RESPONSIBILITY})  # fmt: skip
    return c


def _complaint_event(
    complaint: Complaint, action: str, user: User | None, before: str, after: str, summary: str, at: dt.datetime
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        at=at,
        actor=user,
        actor_label=str(user) if user is not None else complaint.name,
        from_status=before,
        to_status=after,
        summary=summary,
    )


# ---------------------------------------------------------------- who is told


def _department_staff(department: Department | None) -> set[int]:
    if department is None:
        return set()
    return set(RoleAssignment.objects.filter(department=department).values_list("user_id", flat=True))


def _supervisors(region: Region) -> set[int]:
    regions = [region.pk, *(r.pk for r in region.ancestors())]
    return set(
        RoleAssignment.objects.filter(role=StaffRole.SUPERVISOR, region_id__in=regions).values_list(
            "user_id", flat=True
        )
    )


def _tell_staff(user_ids: set[int], *, kind: str, subject: str, body: str, case_number: str = "") -> None:
    for user in User.objects.filter(pk__in=sorted(user_ids), is_active=True):
        do_queue_message(
            recipient=user, channel=Channel.SITE, kind=kind, subject=subject, body=body, case_number=case_number
        )


def _tell_applicant(case: Case, *, kind: str, subject: str, body: str) -> None:
    applicant = case.applicant
    do_queue_message(
        recipient=applicant, channel=Channel.SITE, kind=kind, subject=subject, body=body, case_number=case.number
    )
    if applicant.mobile:
        do_queue_message(
            recipient=applicant, channel=Channel.SMS, kind=kind, subject=subject, body=body, case_number=case.number
        )


# ---------------------------------------------------------------- the invitation


def on_case_event(event: CaseEvent) -> None:
    """When a case ends (an event of the case itself moving it from an open state to an ended one), its applicant
    gets an SMS with a signed link rating every contact so far, the whole one-thing and the delivery to come
    (GB/T 39734: the invitation after the service). In the event's transaction, through the outbox."""
    if event.item_id is not None or not event.to_status or event.to_status in OPEN_CASE_STATUSES:
        return
    if event.from_status not in OPEN_CASE_STATUSES:
        return
    case = event.case
    applicant = case.applicant
    if not applicant.mobile:
        return
    from .contacts import DELIVERY, WHOLE

    keys = {c.key for c in contacts_of(case)} | {WHOLE, DELIVERY}
    link = public_url(reverse("evaluation:sms", args=[make_token(case.pk, keys, RatingChannel.SMS)]))
    do_queue_message(
        recipient=applicant,
        channel=Channel.SMS,
        kind="rating.invite",
        subject=_("Rate the service: case %(number)s") % {"number": case.number},
        body=_("Case %(number)s (%(name)s) has ended. Please rate the service (一次一评、一事一评): %(link)s")
        % {"number": case.number, "name": case.one_thing.name, "link": link},
        case_number=case.number,
    )
