"""`manage.py demo_cases --count N`: realistic demo cases in every state, spread over the last ~30 days.

The cases are filed and handled through the real services (cases.services, approvals.services, results.services
when that app is there): each one is a one-thing of the seed counties that is fully specified (新乡县's nine;
民权县's hotpot shop, marriage and after-death), filed by a demo applicant (accounts/demo.py) or one of the fictional
applicants below, and taken to a target state — awaiting review (some overdue), correction, resubmitted,
received with 容缺, walk-in paper awaiting scan, accepted, pre-review, paused for a supplement, items in 预警 and
超期, partly completed, completed (results delivered and archived), not accepted, withdrawn. Every state change is
therefore recorded as the services record it (CaseEvent), with the messages to the applicant and the departments.
好差评 and complaints (evaluation/) go through their services too: good ratings of a completed marriage; 差评 in
rectification (awaiting verification; rectified, awaiting the call back; explained, called back and re-rated);
a complaint about a refused item; two complaints without a case (one upheld with its responsibility recorded, one
to answer) by a fictional complainant without an account (mobile DEMO_COMPLAINT_MOBILE, deleted by `--reset`).

Time: each step runs with `django.utils.timezone.now` patched to the moment the step happened (`DemoClock.at`, the
clock ticking on from that moment), so that submission times, clocks, due dates, events and messages are coherent
as if the case had really been handled over those days. The patch is a context manager used only here, in this
single-threaded command; nothing else changes the clock. Shifting the recorded timestamps afterwards was rejected:
every service derives due dates from "now" (working calendar, office hours) and writes them in several tables, so
shifting them afterwards would have to redo those computations outside the services. At the end the deadline scans
run at the real time (approvals.services.scan_deadlines, cases.tasks.scan_review_clocks_now): items and reviews
past or near their limits get their 预警 / 超期 events.

Demo cases are marked by their submission key ("demo-…"). `--reset` deletes them first (their events, materials,
drafts, uploaded files, results and outbox messages), and nothing else: the fictional applicants stay, and so do the
values the applicants' profiles (一人一档) remembered at submission, whose trail is append-only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone
from stdnum.cn import ric, uscc

from accounts.choices import AccountKind, StaffRole
from accounts.demo import DEMO_PASSWORD, SEED_COUNTIES
from accounts.models import User
from approvals import services as approvals
from approvals.demo import example_produced_values
from cases import services as cases
from cases.choices import CaseStatus, ItemStatus
from cases.models import Case, CaseItem
from catalog.choices import ElementType, OneThingStatus
from catalog.models import MaterialType, OneThing
from guidance import queries as guidance_queries
from guidance.metrics import fullest_answers
from materials.samples import MINIMAL_PDF
from materials.services import do_sign_commitment, do_upload_material, notice_for_draft
from oneform.forms import query_from_state
from oneform.models import ApplicationDraft
from oneform.services import do_save_draft, merge_form, validate_values
from workcalendar.services import WorkingCalendar

KEY_PREFIX = "demo-"
PDF = MINIMAL_PDF
# Apps whose rows may be deleted with a demo case (its trail, results, drafts); anything else protecting a case
# stops the reset.
CASE_OWNED_APPS = {"cases", "approvals", "results", "oneform", "materials", "documents", "evaluation", "supervision"}
DEMO_COMPLAINT_MOBILE = "13900000099"  # the fictional complainant without an account: their complaints are demo data


# ---------------------------------------------------------------- people


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    mobile: str = ""

    @property
    def gender(self) -> str:
        return "男" if int(self.id_number[16]) % 2 else "女"

    @property
    def birth_date(self) -> str:
        return f"{self.id_number[6:10]}-{self.id_number[10:12]}-{self.id_number[12:14]}"


def id_number(region: str, birth: str, sequence: int, male: bool) -> str:
    """A GB 11643 number: region, birth date (YYYYMMDD), a sequence whose last digit is odd for men, check digit."""
    order = f"{sequence:02d}{(1 if male else 2) + 2 * (sequence % 4)}"
    body = f"{region}{birth}{order}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 of a full-length number


def credit_code(prefix: str, region: str, organisation: str) -> str:
    body = f"{prefix}{region}{organisation}"
    return body + uscc.calc_check_digit(body + "0")  # stdnum reads the first 17 of a full-length code


# Fictional applicants besides accounts/demo.py's, so that the demo cases are not all filed by the same four people.
# Usernames start with "demo_"; the password is the demo password.
EXTRA_APPLICANTS = [
    {"username": "demo_liuyang", "name": "刘洋", "id": ("411421", "19940618", 3, True), "mobile": "13900000011"},
    {"username": "demo_wangfang", "name": "王芳", "id": ("411421", "19960209", 4, False), "mobile": "13900000012"},
    {"username": "demo_chenjing", "name": "陈静", "id": ("410721", "19930923", 5, False), "mobile": "13900000013"},
    {"username": "demo_zhaolei", "name": "赵磊", "id": ("410721", "19861202", 6, True), "mobile": "13900000014"},
    {"username": "demo_zhouming", "name": "周明", "id": ("410721", "19650415", 7, True), "mobile": "13900000015"},
    {"username": "demo_hexiu", "name": "何秀", "id": ("410721", "19790730", 8, False), "mobile": "13900000016"},
    {"username": "demo_songtao", "name": "宋涛", "id": ("411421", "19700112", 9, True), "mobile": "13900000017"},
    {
        "username": "demo_hotpot",
        "name": "民权县老马火锅店",
        "credit": ("92", "411421", "MA9XHG7Q1"),
        "legal": "马强",
        "agent": ("马丽", ("411421", "19900521", 11, False)),
        "mobile": "13900000021",
    },
    {
        "username": "demo_transport",
        "name": "新乡县演示物流有限公司",
        "credit": ("91", "410721", "MA9XHG8R2"),
        "legal": "冯刚",
        "agent": ("冯雪", ("410721", "19920314", 12, False)),
        "mobile": "13900000022",
    },
]


def ensure_extra_applicants() -> None:
    """Create the fictional applicants if missing (valid ID numbers and credit codes); idempotent."""
    password = None  # hashed once: hashing is slow on purpose
    for row in EXTRA_APPLICANTS:
        if User.objects.filter(username=row["username"]).exists():
            continue
        user = User(username=row["username"], display_name=row["name"], mobile=row["mobile"])
        if "credit" in row:
            user.kind = AccountKind.LEGAL_PERSON
            user.credit_code = credit_code(*row["credit"])
            user.legal_representative = row["legal"]
            user.agent_name = row["agent"][0]
            user.agent_id_number = id_number(*row["agent"][1])
        else:
            user.kind = AccountKind.NATURAL_PERSON
            user.id_number = id_number(*row["id"])
        password = password or make_password(DEMO_PASSWORD)
        user.password = password
        user.full_clean()
        user.save()


# ---------------------------------------------------------------- time


class DemoClock:
    """Runs service calls as if at a past moment: `django.utils.timezone.now` patched, ticking on from there."""

    def __init__(self) -> None:
        self.real_now = timezone.now

    def now(self) -> dt.datetime:
        return self.real_now()

    @contextmanager
    def at(self, moment: dt.datetime) -> Iterator[None]:
        offset = moment - self.real_now()
        if offset > dt.timedelta(0):
            raise CommandError(f"A demo step cannot happen in the future ({moment:%Y-%m-%d %H:%M}).")
        with mock.patch.object(timezone, "now", lambda: self.real_now() + offset):
            yield


# ---------------------------------------------------------------- form values


FIXED_VALUES = {
    "newborn.birth_time": "08:30",
    "newborn.ethnicity": "汉族",
    "newborn.birth_weight": "3350",
    "newborn.birth_institution": "新乡县人民医院",
    "newborn.vaccination_clinic": "七里营镇卫生院",
    "newborn.birth_certificate_number": "R410215678",
    "vehicle.plate_number": "豫G12345",
    "vehicle.vin": "LGWEF4A53MH123456",
    "vehicle.type": "重型厢式货车",
    "vehicle.total_mass": "18000",
    "vehicle.approved_load": "9800",
    "customs.registration_code": "4107960ABC",
    "enterprise.type": "有限责任公司",
    "enterprise.registered_capital": "100",
    "enterprise.bank_name": "中国农业银行新乡县支行",
    "applicant.bank_name": "中国工商银行新乡县支行",
    "mother.bank_name": "中国建设银行新乡县支行",
    "disabled.bank_name": "新乡县农村商业银行",
    "disabled.category": "肢体残疾",
    "disabled.level": "三级",
    "signboard.text": "老马火锅",
    "signboard.material": "铝塑板",
    "food.business_items": "热食类食品制售",
    "premises.floors": "一层",
    "seal.types": "公章、财务专用章",
    "seal.engraver": "新乡县诚信刻章有限公司",
    "change.items": "企业名称变更",
    "deceased.heirs": "宋涛（子）",
    "deceased.assistance_types": "高龄津贴",
    "student.intended_school": "新乡县第一实验小学",
    "student.entry_stage": "小学一年级",
    "utility.project_name": "新乡县演示路88号水电气网外线工程",
    "utility.external_route": "自演示路市政管网接入，沿人行道敷设约80米",
    "marriage.certificate_number": "J411421-2026-000318",
}
BANK_ACCOUNT = "6222021234567890123"


@dataclass
class Household:
    """The people an application names besides the applicant: spouse, parents, child, the deceased…"""

    people: dict[str, Person] = field(default_factory=dict)
    address: str = "河南省新乡市新乡县七里营镇演示路88号"


def household_for(applicant: User, start: dt.date) -> Household:
    """Names and numbers consistent with the applicant (the demo registries' family where there is one)."""
    if applicant.kind == AccountKind.LEGAL_PERSON:
        region = applicant.credit_code[2:8] if applicant.credit_code else "410721"
        legal = Person(applicant.legal_representative or str(applicant), id_number(region, "19850816", 21, True))
        if applicant.username == "enterprise":  # 王五, as the demo registries know him
            legal = Person("王五", "410702198508160034", applicant.mobile)
        agent = Person(applicant.agent_name or legal.name, applicant.agent_id_number or legal.id_number)
        address = "河南省商丘市民权县人民路66号" if region == "411421" else "河南省新乡市新乡县七里营镇演示路88号"
        return Household(
            {"legal_person": Person(legal.name, legal.id_number, applicant.mobile), "agent": agent}, address
        )
    me = Person(str(applicant), applicant.id_number, applicant.mobile)
    region = applicant.id_number[:6]
    address = "河南省商丘市民权县人民路18号" if region == "411421" else "河南省新乡市新乡县七里营镇幸福街12号"
    newborn_day = (start - dt.timedelta(days=20)).strftime("%Y%m%d")
    family = {
        "citizen": {"spouse": Person("李四", "410721199205120020", "13800000003")},
        "citizen_spouse": {"spouse": Person("张三", "410721199003070010", "13800000001")},
        "retiree": {
            "spouse": Person("周八", "410721196704210043"),
            "deceased": Person("孙守义", "410721193806120037"),
            "student": Person("孙明", "410721199208090015"),
        },
        "demo_liuyang": {"spouse": Person("王芳", id_number("411421", "19960209", 4, False), "13900000012")},
        "demo_wangfang": {"spouse": Person("刘洋", id_number("411421", "19940618", 3, True), "13900000011")},
    }.get(applicant.username, {})
    people = {
        "applicant": me,
        "spouse": Person("张伟", id_number(region, "19900101", 31, True), "13900000031"),
        "deceased": Person("宋长顺", id_number(region, "19440303", 32, True)),
        "student": Person(me.name[0] + "子睿", id_number(region, "20200506", 33, True)),
        **family,
    }
    if me.gender == "女":
        people["mother"] = me
        people["father"] = people["spouse"]
    else:
        people["father"] = me
        people["mother"] = people["spouse"]
    people["newborn"] = Person(people["father"].name[0] + "小宝", id_number(region, newborn_day, 34, True))
    people.setdefault("guardian", me)
    people.setdefault("disabled", me)
    return Household(people, address)


def sample_value(f, household: Household, start: dt.date) -> str | None:
    """A valid value for one field of the merged form; None leaves an optional field empty."""
    key = f.key
    if key in FIXED_VALUES:
        return FIXED_VALUES[key]
    prefix, _dot, attr = key.partition(".")
    person = household.people.get(prefix)
    if person is not None and attr in ("name", "id_number", "mobile", "gender", "birth_date"):
        return getattr(person, attr) or "13900000099"  # a relative without a known mobile
    if attr.endswith("bank_account"):
        return BANK_ACCOUNT
    if f.pattern:
        return None if not f.required else ""  # an unknown pattern: leave it for the check below to report
    kind = f.type
    if kind == ElementType.ID_NUMBER:
        return next(iter(household.people.values())).id_number
    if kind == ElementType.CREDIT_CODE:
        return credit_code("91", "410721", "MA9XHG9T3")
    if kind == ElementType.PHONE:
        return "13900000099"
    if kind == ElementType.EMAIL:
        return "demo@example.com"
    if kind == ElementType.DATE:
        return (start - dt.timedelta(days=15)).isoformat()
    if kind == ElementType.INTEGER:
        return "12"
    if kind == ElementType.DECIMAL:
        return "120.5"
    if kind == ElementType.BOOLEAN:
        return "false"
    if kind == ElementType.CHOICE:
        return f.choices[0] if f.choices else "其他"
    if kind == ElementType.ADDRESS or attr.endswith("address"):
        return household.address
    if attr.endswith("name"):
        return "李明"
    if attr.endswith(("number", "account")):
        return "XX2026000318"
    return "演示内容"


def form_values(one_thing: OneThing, state: dict, applicant: User, start: dt.date) -> dict[str, str]:
    notice = query_from_state(state).notice(guidance_queries.get_guide_one_thing(one_thing.code))[0]
    form = merge_form(one_thing, notice.selected_items)
    household = household_for(applicant, start)
    values = {}
    for f in form.fields:
        value = sample_value(f, household, start)
        if value is not None and (f.max_length is None or len(value) <= f.max_length):
            values[f.key] = value
    errors = validate_values(form, values)
    if errors:
        raise CommandError(f"{one_thing.name}: no valid demo value for {errors}")
    return values


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# ---------------------------------------------------------------- the demo


class Demo:
    """Files and handles demo cases through the services, each step at its own moment (DemoClock)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.clock = DemoClock()
        self.calendar = WorkingCalendar()
        self.types = {mt.key: mt for mt in MaterialType.objects.all()}
        self._reviewers: dict[int, User] = {}
        self._answers: dict[str, dict[str, str]] = {}

    # -- time

    def today(self) -> dt.date:
        return timezone.localdate(self.clock.now())

    def workday(self, before: int = 0, after_day: dt.date | None = None, after: int = 0) -> dt.date:
        """`before` working days before the last working day up to today, or `after` working days after
        `after_day`."""
        if after_day is not None:
            return self.calendar.add_workdays(after_day, after)
        day = self.today()
        while not self.calendar.is_workday(day):
            day -= dt.timedelta(days=1)
        while before > 0:
            day -= dt.timedelta(days=1)
            if self.calendar.is_workday(day):
                before -= 1
        return day

    def moment(self, day: dt.date, hhmm: str, jitter: int = 20) -> dt.datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        base = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
        return base + dt.timedelta(minutes=self.rng.randint(0, jitter))

    def latest_office_moment(self, before: dt.timedelta = dt.timedelta(minutes=20)) -> dt.datetime:
        """The last moment in office hours at least `before` ago (a walk-in just filed, a case just received)."""
        limit = self.clock.now() - before
        day = timezone.localdate(limit)
        while True:
            if self.calendar.is_workday(day):
                for opens, closes in reversed(self.calendar.office_spans(day)):
                    if opens <= limit:
                        return min(limit, closes - dt.timedelta(minutes=10))
            day -= dt.timedelta(days=1)

    def at(self, moment: dt.datetime):
        return self.clock.at(moment)

    def fullest(self, code: str) -> dict[str, str]:
        """The answers bringing in the most items (guidance.metrics), computed once per one-thing."""
        if code not in self._answers:
            self._answers[code] = fullest_answers(guidance_queries.get_guide_one_thing(code))
        return self._answers[code]

    # -- people

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def window(self, case_or_one_thing) -> User:
        return self.user(f"{SEED_COUNTIES[case_or_one_thing.region.code]}_window")

    def reviewer(self, item: CaseItem) -> User:
        if item.department_id not in self._reviewers:
            self._reviewers[item.department_id] = (
                User.objects.filter(roles__role=StaffRole.REVIEWER, roles__department_id=item.department_id)
                .order_by("username")
                .first()
            )
        return self._reviewers[item.department_id]

    # -- filing

    def file(
        self,
        code: str,
        applicant: str,
        when: dt.datetime,
        *,
        answers: dict | None = None,
        leave_out: tuple[str, ...] = (),
        paper: tuple[str, ...] = (),
        commit: tuple[str, ...] = (),
        walk_in: bool = False,
    ) -> Case:
        """Fill in the one form, upload every material (but `leave_out`, `paper`, `commit`), submit at `when`."""
        one_thing = OneThing.objects.select_related("region").get(code=code, status=OneThingStatus.PUBLISHED)
        user = self.user(applicant)
        if ApplicationDraft.objects.filter(user=user, one_thing=one_thing, submitted_at__isnull=True).exists():
            raise CommandError(f"{applicant} has an open draft of {one_thing.name}; the demo does not touch it.")
        state = {"q": answers if answers is not None else self.fullest(code), "skip": [], "lic": []}
        # One open case per applicant and one-thing (cases.services.open_case_of): the demo's second one goes
        # through the window, with the reason recorded, as a real second application would.
        duplicate = cases.open_case_of(user, one_thing) is not None
        acting = self.window(one_thing) if walk_in or duplicate else user
        fill_at = when - dt.timedelta(minutes=self.rng.randint(12, 40))
        values = form_values(one_thing, state, user, fill_at.date())
        with self.at(fill_at):
            draft = do_save_draft(user, one_thing, state, values, acting_user=acting)
        try:
            with self.at(fill_at):
                for line in notice_for_draft(draft).to_submit:
                    if line.key in leave_out or line.key in paper:
                        continue
                    if line.key in commit and line.commitment_allowed:
                        signer = user.legal_representative or str(user)
                        do_sign_commitment(draft, self.types[line.key], signer, acting_user=acting)
                        continue
                    do_upload_material(draft, self.types[line.key], pdf(f"{line.key}.pdf"), acting_user=acting)
            with self.at(when):
                return cases.do_submit_case(
                    draft,
                    f"{KEY_PREFIX}{uuid.uuid4().hex[:24]}",
                    acting_user=acting,
                    ip="10.0.0.8" if walk_in or duplicate else "223.88.10.21",
                    paper_received=paper,
                    duplicate_reason="同一申请人的另一件申请（演示数据）" if duplicate else "",
                )
        except Exception:  # leave no open draft behind: the applicant's next one-form visit would find it
            _force_delete(ApplicationDraft.objects.filter(pk=draft.pk, submitted_at__isnull=True))
            raise

    def receive(self, case: Case, when: dt.datetime, *, deferred_days: int = 5) -> Case:
        with self.at(when):
            missing = case.materials.filter(state="missing").select_related("material_type")
            due = self.calendar.add_workdays(timezone.localdate(), deferred_days)
            deferrals = {m.material_type.key: due for m in missing}
            return cases.do_receive_case(case, deferrals=deferrals, acting_user=self.window(case), ip="10.0.0.8")

    def scan(self, case: Case, when: dt.datetime) -> None:
        with self.at(when):
            for material in case.materials.filter(state="paper").select_related("material_type"):
                cases.do_attach_scan(
                    case, material.material_type, pdf("scan.pdf"), acting_user=self.window(case), ip="10.0.0.8"
                )

    def correction(self, case: Case, when: dt.datetime) -> None:
        """One notice: the first uploaded material is unclear and the first form field needs correcting."""
        material = case.materials.filter(state="uploaded").select_related("material_type").first()
        fields = cases.case_form(case).fields
        field_key = next(
            (f.key for f in fields if f.type in (ElementType.ADDRESS, ElementType.TEXT)),
            next(f.key for f in fields if f.type == ElementType.STRING and not f.pattern),
        )
        points = [
            {
                "kind": "material",
                "key": material.material_type.key,
                "reason": "扫描件模糊，无法辨认，请重新上传清晰的彩色扫描件",
            },
            {"kind": "field", "key": field_key, "reason": "地址不完整，请填写到门牌号"},
        ]
        with self.at(when):
            cases.do_request_correction(case, points, acting_user=self.window(case), ip="10.0.0.8")

    def answer_correction(self, case: Case, when: dt.datetime) -> None:
        notice = case.corrections.order_by("-round").first()
        applicant = case.applicant
        with self.at(when):
            for point in notice.points:
                if point["kind"] == "field":
                    cases.do_save_correction(
                        case, {point["key"]: str(case.values.get(point["key"], "")) + "3号"}, acting_user=applicant
                    )
                else:
                    cases.do_replace_case_material(
                        case, self.types[point["key"]], pdf("clear.pdf"), acting_user=applicant
                    )
            cases.do_resubmit_case(case, acting_user=applicant, ip="223.88.10.21")

    # -- the departments

    def item(self, case: Case, name_part: str) -> CaseItem:
        matches = [i for i in case.items.all() if name_part in i.name]
        if len(matches) != 1:
            raise CommandError(f"{case}: {len(matches)} items match {name_part!r}")
        return matches[0]

    def accept(self, case: Case, when: dt.datetime, *names: str) -> None:
        with self.at(when):
            for item in self._items(case, names, ItemStatus.QUEUED):
                approvals.do_accept_item(item, acting_user=self.reviewer(item), ip="10.0.1.5")

    def approve(self, case: Case, when: dt.datetime, *names: str) -> None:
        with self.at(when):
            for item in self._items(case, names, ItemStatus.ACCEPTED):
                approvals.do_approve_item(
                    item,
                    produced_values=example_produced_values(item),  # 出生医学证明编号 and the like
                    acting_user=self.reviewer(item),
                    ip="10.0.1.5",
                )

    def refuse(self, case: Case, when: dt.datetime, name: str, reasons: str) -> None:
        with self.at(when):
            item = self.item(case, name)
            approvals.do_refuse_item(item, reasons, acting_user=self.reviewer(item), ip="10.0.1.5")

    def deny(self, case: Case, when: dt.datetime, name: str, reasons: str) -> None:
        with self.at(when):
            item = self.item(case, name)
            approvals.do_deny_item(item, reasons, acting_user=self.reviewer(item), ip="10.0.1.5")

    def supplement(self, case: Case, when: dt.datetime, name: str, reason: str) -> None:
        with self.at(when):
            item = self.item(case, name)
            approvals.do_request_supplement(item, reason, acting_user=self.reviewer(item), ip="10.0.1.5")

    def resume(self, case: Case, when: dt.datetime, name: str) -> None:
        with self.at(when):
            item = self.item(case, name)
            approvals.do_resume_item(item, acting_user=self.reviewer(item), ip="10.0.1.5")

    def withdraw(self, case: Case, when: dt.datetime, reason: str) -> None:
        acting = case.applicant if case.channel == "online" else self.window(case)
        with self.at(when):
            cases.do_withdraw_case(case, reason, acting_user=acting, ip="223.88.10.21")

    def complete(self, case: Case, first_day: dt.date, days: int) -> dt.date:
        """Accept every queued item, then approve what can be approved, a round per working day, until all ended."""
        day = first_day
        for _round in range(days + 12):
            self.accept(case, self.moment(day, "09:10"))
            self.approve(case, self.moment(day, "15:00"))
            if all(
                i.status not in (ItemStatus.QUEUED, ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW)
                for i in case.items.all()
            ):
                return day
            day = self.workday(after_day=day, after=1)
        raise CommandError(f"{case}: items still open after {days + 12} rounds")

    def deliver_and_archive(self, case: Case, when: dt.datetime) -> None:
        """Results (the results app, when installed): handed over at the window together, then archived."""
        try:
            from results import queries as result_queries
            from results import services as results
        except ImportError:
            return
        window = self.window(case)
        delivery = self.user(f"{SEED_COUNTIES[case.region.code]}_delivery")
        with self.at(when):
            ready = result_queries.ready_for_delivery(Case.objects.get(pk=case.pk))
            if ready:
                results.do_record_delivery(
                    case, ready, "window", recipient_name=str(case.applicant), acting_user=delivery, ip="10.0.0.9"
                )
        with self.at(when + dt.timedelta(minutes=30)):
            results.do_archive_case(Case.objects.get(pk=case.pk), "纸质材料已归档", acting_user=window, ip="10.0.0.8")

    # -- 好差评 and complaints (evaluation/): each step as the services do it, at its moment (never in the future)

    def until_now(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.latest_office_moment())

    def contact(self, case: Case, name_part: str) -> str:
        """The rating key of a contact: "intake", "delivery", "whole", or an item by (part of) its name."""
        from evaluation.contacts import item_key

        return name_part if name_part in ("intake", "delivery", "whole") else item_key(self.item(case, name_part).pk)

    def rate(self, case: Case, when: dt.datetime, *ratings: tuple[str, int, tuple[str, ...], str]):
        """The applicant rates on the case page: (contact, level, reasons, comment) each; returns the last rating."""
        from evaluation import services as evaluation

        rating = None
        with self.at(self.until_now(when)):
            for name, level, reasons, comment in ratings:
                rating = evaluation.do_rate_contact(
                    Case.objects.get(pk=case.pk), self.contact(case, name), level=level, reasons=reasons,
                    comment=comment, channel="online", acting_user=case.applicant, ip="223.88.10.21",
                )  # fmt: skip
        return rating

    def staff_of(self, department) -> User:
        """Who handles a rectification or complaint of `department`: its reviewer, or the window for the centre."""
        return User.objects.filter(roles__department=department).order_by("roles__role", "username").first()

    def rectify(self, rating, day: dt.date, *, upto: str, finding: str = "substantiated", verification: str = "",
                answer: str = "", callback: str = "", rerate: int = 0) -> None:  # fmt: skip
        """The department's steps on the 差评's rectification, a working day apart, up to `upto` (verify, answer,
        call_back, rerate)."""
        from evaluation import services as evaluation

        r = rating.rectification
        staff = self.staff_of(r.department)
        steps = ["verify", "answer", "call_back", "rerate"]
        for index, step in enumerate(steps[: steps.index(upto) + 1]):
            when = self.until_now(self.moment(self.workday(after_day=day, after=index), "10:00"))
            with self.at(when):
                r.refresh_from_db()
                if step == "verify":
                    evaluation.do_verify_rectification(r, finding=finding, verification=verification,
                                                       acting_user=staff, ip="10.0.1.5")  # fmt: skip
                elif step == "answer":
                    action = "rectify" if finding == "substantiated" else "explain"
                    evaluation.do_answer_rectification(
                        r, action=action, answer=answer, acting_user=staff, ip="10.0.1.5"
                    )
                elif step == "call_back":
                    evaluation.do_call_back(r, note=callback, acting_user=staff, ip="10.0.1.5")
                else:
                    evaluation.do_rate_contact(Case.objects.get(pk=r.case_id), r.rating.contact, level=rerate,
                                               channel="online", acting_user=r.case.applicant, ip="223.88.10.21")  # fmt: skip

    def complain(self, case: Case | None, when: dt.datetime, department, text: str, **who):
        from evaluation import services as evaluation

        with self.at(self.until_now(when)):
            if case is not None:
                return evaluation.do_file_complaint(case=Case.objects.get(pk=case.pk), text=text,
                                                    department=department, acting_user=case.applicant)  # fmt: skip
            return evaluation.do_file_complaint(text=text, department=department, **who)

    def _items(self, case: Case, names: tuple[str, ...], status: str) -> list[CaseItem]:
        items = [i for i in case.items.order_by("order", "id") if i.status == status]
        if names:
            items = [i for i in items if any(n in i.name for n in names)]
        return items


# ---------------------------------------------------------------- plans: one target state each


@dataclass(frozen=True)
class Plan:
    name: str  # what the case shows
    applicants: tuple[str, ...]  # by turns, for repeated plans
    days_ago: tuple[int, int]  # filed this many working days ago, between the two (NOW: the plan picks the moment)
    run: Callable[[Demo, str, dt.date], Case]


def p_completed_marriage(demo: Demo, applicant: str, day: dt.date) -> Case:
    """结婚登记, completed and delivered; the applicant rates every contact well (好评)."""
    case = demo.file("411421-01-012", applicant, demo.moment(day, "09:20"))
    demo.receive(case, demo.moment(day, "10:30"))
    last = demo.complete(case, demo.workday(after_day=day, after=1), 5)
    delivered = demo.workday(after_day=last, after=1)
    demo.deliver_and_archive(case, demo.moment(delivered, "10:00"))
    items = [(i.name, 5, (), "") for i in case.items.order_by("order", "id")]
    demo.rate(case, demo.moment(delivered, "16:00"), ("intake", 5, (), "窗口一次就办好了"), *items,
              ("delivery", 4, (), ""), ("whole", 5, (), "不用来回跑，很方便"))  # fmt: skip
    return case


def p_prereview(demo: Demo, applicant: str, day: dt.date) -> Case:
    """开办餐饮店: the licence check accepted, the food licence in pre-review, signboard and fire check left queued
    (their acceptance goes 超期)."""
    case = demo.file("410721-01-003", applicant, demo.moment(day, "09:05"), leave_out=("food_safety_rules",))
    demo.receive(case, demo.moment(day, "10:00"))
    next_day = demo.workday(after_day=day, after=1)
    demo.accept(case, demo.moment(next_day, "09:30"), "企业营业执照信息核验", "食品经营许可")
    return case


def p_submitted_overdue(demo: Demo, applicant: str, day: dt.date) -> Case:
    """教育入学, filed online and not yet reviewed: the 2-working-hour review limit is long past."""
    return demo.file("410721-01-010", applicant, demo.moment(day, "14:10"))


def p_correction(demo: Demo, applicant: str, day: dt.date) -> Case:
    """企业注销登记: the window issued the one correction notice (a material and a field)."""
    case = demo.file("410721-01-008", applicant, demo.moment(day, "10:00"))
    demo.correction(case, demo.moment(day, "11:00"))
    return case


def p_received(demo: Demo, applicant: str, day: dt.date | None) -> Case:
    """水电气网联合报装, received just now with one material to be supplied later (容缺): every item queued."""
    when = demo.latest_office_moment(dt.timedelta(minutes=50))
    case = demo.file("410721-01-004", applicant, when, leave_out=("construction_traffic_plan",))
    demo.receive(case, when + dt.timedelta(minutes=25))
    return case


def p_supplement(demo: Demo, applicant: str, day: dt.date) -> Case:
    """退休: 户籍信息确认 approved (its result released to the pension items), 视同缴费年限认定 paused for a supplement."""
    case = demo.file("410721-01-013", applicant, demo.moment(day, "09:40"))
    demo.receive(case, demo.moment(day, "11:00"))
    day1 = demo.workday(after_day=day, after=1)
    demo.accept(case, demo.moment(day1, "09:20"))
    demo.approve(case, demo.moment(day1, "10:30"), "户籍信息确认")
    demo.supplement(
        case,
        demo.moment(demo.workday(after_day=day1, after=1), "10:00"),
        "视同缴费年限认定",
        "1985—1992年在县农机厂工作的招工录用审批表原件",
    )
    return case


def p_partial_refused(demo: Demo, applicant: str, day: dt.date) -> Case:
    """See below; then the applicant complains about the refusal (a complaint awaiting the department's answer)."""
    case = _partial_refused(demo, applicant, day)
    refused = case.items.filter(status=ItemStatus.REFUSED).select_related("department").first()
    if refused is not None:
        demo.complain(case, demo.moment(demo.workday(after_day=day, after=3), "09:30"), refused.department.pk,
                      "不予受理的理由只写了“材料不符合要求”，没说哪份材料、哪里不符合")  # fmt: skip
    return case


def _partial_refused(demo: Demo, applicant: str, day: dt.date) -> Case:
    """我要开火锅店: the large advertising sign refused; everything else approved — partly completed."""
    case = demo.file("411421-01-011", applicant, demo.moment(day, "09:30"))
    demo.receive(case, demo.moment(day, "14:00"))
    day1 = demo.workday(after_day=day, after=1)
    demo.accept(case, demo.moment(day1, "09:00"), "个体工商户设立登记")
    demo.approve(case, demo.moment(day1, "09:40"), "个体工商户设立登记")
    demo.refuse(
        case, demo.moment(day1, "10:20"), "大型户外广告", "拟设置位置位于县城主干道禁设区域，不符合户外广告设置规划"
    )
    last = demo.complete(case, demo.workday(after_day=day1, after=1), 6)
    demo.deliver_and_archive(case, demo.moment(demo.workday(after_day=last, after=1), "10:00"))
    return case


def p_not_accepted(demo: Demo, applicant: str, day: dt.date) -> Case:
    """开办运输企业: the licence check refused, so the two transport permits stop — not accepted."""
    case = demo.file("410721-01-002", applicant, demo.moment(day, "10:10"), leave_out=("transport_safety_rules",))
    demo.receive(case, demo.moment(day, "11:00"))
    demo.refuse(
        case,
        demo.moment(demo.workday(after_day=day, after=1), "09:30"),
        "企业营业执照信息核验",
        "营业执照经营范围未包含道路货物运输，请先办理经营范围变更登记",
    )
    return case


def p_withdrawn(demo: Demo, applicant: str, day: dt.date) -> Case:
    """残疾人服务: the card application accepted, then the applicant withdrew — every item withdrawn."""
    case = demo.file("410721-01-012", applicant, demo.moment(day, "09:15"))
    demo.receive(case, demo.moment(day, "10:10"))
    day1 = demo.workday(after_day=day, after=1)
    demo.accept(case, demo.moment(day1, "09:30"), "残疾人证")
    demo.withdraw(
        case, demo.moment(demo.workday(after_day=day1, after=1), "16:00"), "家人已代为在市残联办理，无需重复申请"
    )
    return case


def p_walk_in_paper(demo: Demo, applicant: str, day: dt.date | None) -> Case:
    """新生儿出生 filed at the window: the hukou book and marriage certificate received on paper, not yet scanned."""
    when = demo.latest_office_moment(dt.timedelta(minutes=40))
    case = demo.file("410721-01-009", applicant, when, paper=("hukou_book", "marriage_certificate"), walk_in=True)
    demo.receive(case, when + dt.timedelta(minutes=15))
    return case


def p_decision_warning(demo: Demo, applicant: str, day: dt.date | None) -> Case:
    """企业信息变更: accepted on the working day that makes the 1-day decision limit run out now (预警)."""
    from workcalendar.choices import ClockState
    from workcalendar.clocks import clock_state

    now = demo.clock.now()
    for back in range(10):  # today or the working day before, whichever puts the decision in 预警 now
        day = demo.workday(before=back)
        accepted = demo.moment(day, "10:00", jitter=0)
        if accepted + dt.timedelta(minutes=30) <= now and (
            clock_state(demo.calendar.add_workdays(day, 1), now=now, calendar=demo.calendar).state == ClockState.WARNING
        ):
            break
    case = demo.file("410721-01-001", applicant, demo.moment(day, "08:40", jitter=10))
    demo.receive(case, demo.moment(day, "09:20", jitter=10))
    demo.accept(case, demo.moment(day, "10:00", jitter=0))
    return case


def p_denied_partial(demo: Demo, applicant: str, day: dt.date) -> Case:
    """新生儿出生: 户口登记 denied, so 社保卡 and 居民医保登记 stop; the rest approved — partly completed."""
    case = demo.file("410721-01-009", applicant, demo.moment(day, "09:00"))
    demo.receive(case, demo.moment(day, "10:00"))
    day1 = demo.workday(after_day=day, after=1)
    demo.accept(case, demo.moment(day1, "09:10"))
    demo.approve(case, demo.moment(day1, "11:00"), "出生医学证明", "预防接种证", "科学育儿")
    demo.deny(case, demo.moment(day1, "15:30"), "户口登记", "出生医学证明登记的父亲信息与户籍信息不一致，请先更正")
    last = demo.complete(case, demo.workday(after_day=day1, after=1), 4)
    demo.deliver_and_archive(case, demo.moment(demo.workday(after_day=last, after=1), "10:00"))
    return case


def p_resubmitted(demo: Demo, applicant: str, day: dt.date) -> Case:
    """教育入学: corrected after the notice and resubmitted — back to formal review."""
    case = demo.file("410721-01-010", applicant, demo.moment(day, "09:30"))
    demo.correction(case, demo.moment(day, "10:40"))
    demo.answer_correction(case, demo.moment(demo.workday(after_day=day, after=1), "16:20"))
    return case


def p_submitted_warning(demo: Demo, applicant: str, day: dt.date | None) -> Case:
    """开办餐饮店 filed online a little under 2 working hours ago: the review limit is in 预警."""
    from workcalendar.choices import ClockState
    from workcalendar.clocks import clock_state

    now = demo.clock.now()
    when = now - dt.timedelta(minutes=100)
    for _attempt in range(600):
        due = demo.calendar.add_working_hours(when, 2)
        if clock_state(due, now=now).state == ClockState.WARNING:
            break
        when -= dt.timedelta(minutes=5)
    return demo.file("410721-01-003", applicant, when, leave_out=("food_safety_rules",))


def p_walk_in_scanned(demo: Demo, applicant: str, day: dt.date) -> Case:
    """退休 filed at the window: the ID card scanned within the hour, distributed, the first items accepted."""
    case = demo.file("410721-01-013", applicant, demo.moment(day, "09:00"), paper=("id_card",), walk_in=True)
    demo.receive(case, demo.moment(day, "09:30"))
    demo.scan(case, demo.moment(day, "10:20"))
    demo.accept(case, demo.moment(demo.workday(after_day=day, after=1), "09:30"), "户籍信息确认", "视同缴费")
    return case


def p_withdrawn_in_correction(demo: Demo, applicant: str, day: dt.date) -> Case:
    """企业信息变更: asked to correct, the enterprise withdrew instead."""
    case = demo.file("410721-01-001", applicant, demo.moment(day, "10:30"))
    demo.correction(case, demo.moment(day, "11:20"))
    demo.withdraw(case, demo.moment(demo.workday(after_day=day, after=1), "15:00"), "股东会决定暂缓变更企业名称")
    return case


def p_completed_after_death(demo: Demo, applicant: str, day: dt.date) -> Case:
    """身后一件事, completed; the window's intake rated 非常不满意: its rectification awaits verification."""
    case = demo.file("411421-01-003", applicant, demo.moment(day, "09:10"))
    demo.receive(case, demo.moment(day, "11:30"))
    last = demo.complete(case, demo.workday(after_day=day, after=1), 10)
    delivered = demo.workday(after_day=last, after=1)
    demo.deliver_and_archive(case, demo.moment(delivered, "10:00"))
    demo.rate(case, demo.moment(delivered, "15:00"), ("intake", 1, ("attitude", "long_wait"), "排队一个多小时，窗口人员不耐烦"),
              ("whole", 4, (), ""))  # fmt: skip
    return case


def p_decision_overdue(demo: Demo, applicant: str, day: dt.date) -> Case:
    """我要开火锅店: a supplement requested and received for the drainage permit; the food licence 超期."""
    case = demo.file("411421-01-011", applicant, demo.moment(day, "09:00"))
    demo.receive(case, demo.moment(day, "15:00"))
    day1 = demo.workday(after_day=day, after=1)
    demo.accept(case, demo.moment(day1, "09:00"))
    demo.approve(case, demo.moment(day1, "09:30"), "个体工商户设立登记")
    day2 = demo.workday(after_day=day1, after=1)
    demo.supplement(case, demo.moment(day2, "10:00"), "污水排入", "隔油池竣工验收照片")
    demo.resume(case, demo.moment(demo.workday(after_day=day2, after=2), "09:30"), "污水排入")
    demo.approve(case, demo.moment(demo.workday(after_day=day2, after=2), "14:00"), "消防", "用电", "用气")
    return case


def p_completed_transport(demo: Demo, applicant: str, day: dt.date) -> Case:
    """开办运输企业, completed; one department's decision rated 不满意 (指南之外的材料): verified and rectified, the
    call back still to come."""
    case = demo.file("410721-01-002", applicant, demo.moment(day, "10:00"), commit=("satellite_positioning_proof",))
    demo.receive(case, demo.moment(day, "11:10"))
    last = demo.complete(case, demo.workday(after_day=day, after=1), 7)
    delivered = demo.workday(after_day=last, after=1)
    demo.deliver_and_archive(case, demo.moment(delivered, "10:00"))
    first = case.items.order_by("order", "id").first()
    poor = demo.rate(case, demo.moment(delivered, "15:30"), ("intake", 4, (), ""),
                     (first.name, 2, ("extra_materials", "over_time_limit"), "要求提供指南上没有的车辆照片"))  # fmt: skip
    demo.rectify(poor, demo.workday(after_day=delivered, after=1), upto="answer",
                 verification="经核实，审批人员要求补充了指南未列的车辆照片",
                 answer="已取消该要求并在科室内通报，指南外材料一律不得要求")  # fmt: skip
    return case


def p_partial_denied_retirement(demo: Demo, applicant: str, day: dt.date) -> Case:
    """退休: the only-child award denied; the pension and the rest approved — partly completed."""
    case = demo.file("410721-01-013", applicant, demo.moment(day, "09:30"))
    demo.receive(case, demo.moment(day, "10:30"))
    day1 = demo.workday(after_day=day, after=1)
    demo.accept(case, demo.moment(day1, "09:10"))
    demo.approve(case, demo.moment(day1, "10:00"), "户籍信息确认", "视同缴费年限认定")
    day2 = demo.workday(after_day=day1, after=2)
    demo.accept(case, demo.moment(day2, "09:00"))
    demo.approve(case, demo.moment(day2, "10:00"))
    demo.approve(case, demo.moment(day2, "15:00"))
    demo.accept(case, demo.moment(demo.workday(after_day=day2, after=1), "09:00"))
    demo.deny(
        case,
        demo.moment(demo.workday(after_day=day2, after=1), "11:00"),
        "独生子女父母奖励金",
        "经核查，申请人领取《独生子女父母光荣证》后再生育，不符合奖励条件",
    )
    last = demo.complete(case, demo.workday(after_day=day2, after=2), 6)
    delivered = demo.workday(after_day=last, after=1)
    demo.deliver_and_archive(case, demo.moment(delivered, "10:00"))
    # the whole one-thing rated 不满意 (not told of the denial in time): explained, called back, re-rated 基本满意
    poor = demo.rate(case, demo.moment(delivered, "16:00"), ("intake", 5, (), ""),
                     ("whole", 2, ("progress_not_told",), "奖励金不予许可没有及时告诉我"))  # fmt: skip
    demo.rectify(poor, demo.workday(after_day=delivered, after=1), upto="rerate", finding="not_substantiated",
                 verification="不予许可当日已发短信和站内信，申请人未留意",
                 answer="不予许可决定当日已通过短信告知，并附复议途径；已电话再次说明理由",
                 callback="申请人表示理解，愿意重新评价", rerate=3)  # fmt: skip
    return case


NOW = (0, 0)  # now-anchored plans choose their own moment
PLANS: list[Plan] = [
    Plan("completed: 结婚登记", ("demo_liuyang", "demo_wangfang"), (12, 28), p_completed_marriage),
    Plan("in progress: pre-review, acceptance 超期", ("enterprise",), (3, 8), p_prereview),
    Plan("awaiting review, 超期", ("demo_zhaolei", "citizen"), (1, 4), p_submitted_overdue),
    Plan("correction requested", ("enterprise", "demo_transport"), (2, 6), p_correction),
    Plan("received, queued, 容缺", ("demo_transport", "enterprise"), NOW, p_received),
    Plan("in progress: supplement", ("retiree", "demo_zhouming"), (4, 10), p_supplement),
    Plan("partly completed: refused", ("demo_hotpot",), (14, 28), p_partial_refused),
    Plan("not accepted", ("demo_transport",), (3, 20), p_not_accepted),
    Plan("withdrawn", ("demo_hexiu",), (4, 25), p_withdrawn),
    Plan("walk-in, paper awaiting scan", ("demo_chenjing", "citizen_spouse"), NOW, p_walk_in_paper),
    Plan("in progress: decision 预警", ("enterprise", "demo_transport"), NOW, p_decision_warning),
    Plan(
        "partly completed: denied, dependants stopped", ("citizen_spouse", "demo_chenjing"), (10, 25), p_denied_partial
    ),
    Plan("resubmitted after correction", ("citizen", "demo_zhaolei"), (2, 5), p_resubmitted),
    Plan("awaiting review, 预警", ("enterprise",), NOW, p_submitted_warning),
    Plan("walk-in scanned, in progress", ("demo_zhouming", "retiree"), (2, 8), p_walk_in_scanned),
    Plan("withdrawn during correction", ("demo_transport", "enterprise"), (3, 15), p_withdrawn_in_correction),
    Plan("completed: 身后一件事", ("demo_songtao", "retiree"), (15, 29), p_completed_after_death),
    Plan("in progress: supplement resumed, decision 超期", ("demo_hotpot",), (12, 20), p_decision_overdue),
    Plan("completed: 开办运输企业", ("demo_transport",), (12, 26), p_completed_transport),
    Plan("partly completed: denied", ("demo_zhouming", "retiree"), (18, 29), p_partial_denied_retirement),
]


def demo_complaints(demo: Demo) -> None:
    """Complaints without a case (the complaints page), by a fictional person without an account: one upheld, answered
    and its responsibility recorded; one still to answer."""
    from evaluation import services as evaluation
    from regions.models import Department

    fire = Department.objects.filter(region__code="410721", code="FIRE_RESCUE").first()
    market = Department.objects.filter(region__code="410721", code="MARKET").first()
    if fire is None or market is None:
        return
    who = {"name": "钱八", "mobile": DEMO_COMPLAINT_MOBILE}
    day = demo.workday(before=8)
    upheld = demo.complain(
        None, demo.moment(day, "15:00"), fire.pk, "消防安全检查约了三次都没有人来，电话也没人接", **who
    )
    with demo.at(demo.moment(demo.workday(after_day=day, after=2), "10:00")):
        evaluation.do_answer_complaint(upheld, upheld=True, answer="情况属实，已安排专人上门检查并致歉",
                                       acting_user=demo.staff_of(fire))  # fmt: skip
    supervisor = demo.user(f"{SEED_COUNTIES['410721']}_supervisor")
    with demo.at(demo.moment(demo.workday(after_day=day, after=3), "11:00")):
        evaluation.do_record_responsibility(upheld, responsible="县消防救援大队防火监督科",
                                            responsibility="约谈科室负责人，责令限期整改，纳入年度考核",
                                            acting_user=supervisor)  # fmt: skip
    demo.complain(
        None, demo.latest_office_moment(), market.pk, "窗口说食品经营许可要等十个工作日，指南写的是五个", **who
    )


# ---------------------------------------------------------------- reset


def demo_cases():
    return Case.objects.filter(submission_key__startswith=KEY_PREFIX)


def escalate_late_items(demo: Demo) -> str:
    """督办 on the late demo items, at the real time: the county's supervisor escalates the latest-due late item by
    hand, the scan escalates those overdue long enough (settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS), and the
    department's head answers one of them with a reason and a new date — so the dashboard has all three."""
    from supervision import scans as supervision_scans
    from supervision.models import Escalation
    from supervision.services import do_answer_escalation, do_escalate_item

    now = timezone.now()
    today = timezone.localdate(now)
    late = list(
        CaseItem.objects.filter(case__in=demo_cases(), escalations__isnull=True)
        .filter(
            Q(status=ItemStatus.QUEUED, acceptance_due_at__lt=now)
            | Q(status__in=(ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW), decision_due_on__lt=today)
        )
        .select_related("case__region", "department")
        .order_by("-decision_due_on", "pk")
    )
    manual = 0
    if late:
        item = late[0]
        supervisor = demo.user(f"{SEED_COUNTIES[item.case.region.code]}_supervisor")
        do_escalate_item(item, "请说明超期原因，并于三个工作日内办结。", acting_user=supervisor)
        manual = 1
    automatic = supervision_scans.scan_escalations()["escalated"]
    answered = 0
    waiting = Escalation.objects.filter(case__in=demo_cases(), status="open").select_related(
        "item__department", "case__region"
    )
    for escalation in waiting.order_by("raised_at", "pk")[:1]:
        head = User.objects.filter(
            roles__role=StaffRole.DEPARTMENT_HEAD, roles__department=escalation.item.department
        ).first() or demo.reviewer(escalation.item)
        new_date = WorkingCalendar().add_workdays(today, 3)
        do_answer_escalation(escalation, "现场核查排期延后，已加派人员。", new_date, acting_user=head)
        answered = 1
    return f"督办: {manual} by a supervisor, {automatic} automatic, {answered} answered by the department"


def _force_delete(queryset, depth: int = 0) -> int:
    """Delete rows and whatever case-owned rows protect them (events, results), never other apps' rows."""
    for _attempt in range(20):
        try:
            return queryset.delete()[0]
        except (ProtectedError, RestrictedError) as exc:
            if depth > 5:
                raise
            blocking = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            by_model: dict[type, list] = {}
            for obj in blocking:
                by_model.setdefault(type(obj), []).append(obj.pk)
            for model, pks in by_model.items():
                if model._meta.app_label not in CASE_OWNED_APPS:
                    raise CommandError(f"Demo cases are referenced by {model._meta.label}; not deleting them.") from exc
                _force_delete(model._default_manager.filter(pk__in=pks), depth + 1)
    raise CommandError("Could not delete the demo cases.")


@transaction.atomic
def reset_demo_cases() -> int:
    """Delete the demo cases and what belongs to them: events, materials, results, drafts, files, messages."""
    from notifications.models import Message

    found = list(demo_cases().select_related("draft"))
    if not found:
        return 0
    numbers = [c.number for c in found]
    files = set()
    for case in found:
        files.update(m.file.name for m in case.materials.all() if m.file)
    drafts = [c.draft_id for c in found if c.draft_id]
    from materials.models import Upload

    files.update(u.file.name for u in Upload.objects.filter(draft_id__in=drafts) if u.file)
    storage = Upload._meta.get_field("file").storage
    from evaluation.models import Complaint

    _force_delete(Complaint.objects.filter(case__isnull=True, mobile=DEMO_COMPLAINT_MOBILE))
    _force_delete(Case.objects.filter(pk__in=[c.pk for c in found]))
    _force_delete(ApplicationDraft.objects.filter(pk__in=drafts))
    Message.objects.filter(case_number__in=numbers).delete()

    def delete_files() -> None:
        for name in files:
            with contextlib.suppress(OSError):
                storage.delete(name)

    transaction.on_commit(delete_files)
    return len(found)


# ---------------------------------------------------------------- the command


class Command(BaseCommand):
    help = "Create realistic demo cases in every state over the last ~30 days (see the module doc)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=30, help="how many cases (default 30)")
        parser.add_argument("--reset", action="store_true", help="delete the earlier demo cases first")
        parser.add_argument("--seed", type=int, default=2026, help="random seed for times of day")

    def handle(self, *args, count: int, reset: bool, seed: int, verbosity: int = 1, **options):
        if reset:
            deleted = reset_demo_cases()
            self.stdout.write(f"Deleted {deleted} demo case(s).")
        if count <= 0:
            return
        ensure_extra_applicants()
        demo = Demo(random.Random(seed))
        turns: Counter[str] = Counter()
        for index in range(count):
            plan = PLANS[index % len(PLANS)]
            turn = turns[plan.name]
            turns[plan.name] += 1
            applicant = plan.applicants[turn % len(plan.applicants)]
            day = None
            if plan.days_ago != NOW:
                low, high = plan.days_ago
                day = demo.workday(before=low + (turn * 5 + demo.rng.randint(0, 2)) % (high - low + 1))
            case = plan.run(demo, applicant, day)
            if verbosity > 1:
                case.refresh_from_db()
                self.stdout.write(f"{case.number} {case.one_thing.name} ({applicant}): {plan.name}")
        demo_complaints(demo)
        from cases.tasks import scan_review_clocks_now

        items = approvals.scan_deadlines()
        reviews = scan_review_clocks_now()
        self.stdout.write(self.summary(items, reviews))
        self.stdout.write(escalate_late_items(demo))

    def summary(self, items: dict[str, int], reviews: dict[str, int]) -> str:
        found = demo_cases()
        case_counts = Counter(found.values_list("status", flat=True))
        item_counts = Counter(CaseItem.objects.filter(case__in=found).values_list("status", flat=True))
        flags = Counter(
            CaseItem.objects.filter(case__in=found).exclude(clock_flag="").values_list("clock_flag", flat=True)
        )
        lines = [f"Demo cases: {found.count()}", "", f"{'case status':<26}{'cases':>6}"]
        for status in CaseStatus:
            lines.append(f"{status.value + ' ' + str(status.label):<26}{case_counts.get(status.value, 0):>6}")
        lines += ["", f"{'item status':<26}{'items':>6}"]
        for status in ItemStatus:
            lines.append(f"{status.value + ' ' + str(status.label):<26}{item_counts.get(status.value, 0):>6}")
        lines += [
            "",
            f"items 预警 {flags.get('warning', 0)}, 超期 {flags.get('overdue', 0)} "
            f"(this scan: {items['warning']} + {items['overdue']}); "
            f"formal reviews 预警/超期 recorded now: {reviews['warning']} + {reviews['overdue']}",
        ]
        return "\n".join(lines)
