"""The hall window's pages (/window/) through the test client, as the demo window staff of 新乡县 (xinxiang_window).

Cases are filed with the real services (cases/tests/conftest.py) or, for walk-ins, through the window's own pages.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from stdnum.cn import ric, uscc

from accounts.choices import AccountKind
from accounts.models import User
from cases import services
from cases.choices import CaseAction, CaseStatus, Channel, ItemStatus, MaterialState, PointKind
from cases.models import Case, CorrectionNotice
from catalog.choices import OneThingStatus
from catalog.models import MaterialType, OneThing
from core.tests.pages import page_body
from core.validators import validate_credit_code, validate_id_number, validate_mobile
from workcalendar.services import WorkingCalendar

from .conftest import DEFERRED_MATERIAL, RESTAURANT_CODE, file_again, make_ready_draft, pdf, restaurant_values

pytestmark = pytest.mark.django_db

WINDOW = "xinxiang_window"
RESTAURANT_QUERY = "q.org_form=enterprise&q.dine_in=takeaway_only&q.signboard=no_sign"
ENTERPRISE_CODE = "91410721MA44XJ2R3B"  # the demo enterprise (accounts/demo.py)
PAPER_MATERIAL = "premises_layout"  # 经营场所平面布局图: received on paper in the walk-in tests


def case_url(case: Case) -> str:
    return reverse("window:case", args=[case.number])


def intake_url(client, query: str = RESTAURANT_QUERY, data: dict | None = None) -> str:
    """The intake page of a walk-in opened through the identity step by this client (the demo enterprise unless
    `data` says otherwise): the only way to it."""
    response = client.post(reverse("window:walk_in"), data or legal_person())
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url + (f"?{query}" if query else "")


def made_up_intake_url() -> str:
    return reverse("window:intake", args=["tok-" + "x" * 18, RESTAURANT_CODE])


def message_of(validator, value: str) -> str:
    with pytest.raises(ValidationError) as exc:
        validator(value)
    return exc.value.messages[0]


def valid_id_number(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")  # stdnum expects a placeholder check digit


def valid_credit_code(prefix17: str) -> str:
    return prefix17 + uscc.calc_check_digit(prefix17)


def next_workday(days: int = 3) -> dt.date:
    return WorkingCalendar().add_workdays(timezone.localdate(), days)


# ---------------------------------------------------------------- who sees the window


@pytest.mark.parametrize("username", ["xinxiang_reviewer", "xinxiang_supervisor", "xinxiang_lead", "enterprise"])
def test_only_window_staff_see_the_window_pages(client_for, submitted_restaurant_case, username):
    client = client_for(username)
    for url in [
        reverse("window:index"),
        case_url(submitted_restaurant_case),
        reverse("window:walk_in"),
        made_up_intake_url(),
    ]:
        assert client.get(url).status_code == 404, (username, url)
    assert client.post(case_url(submitted_restaurant_case), {"action": "receive"}).status_code == 404
    assert Case.objects.get(pk=submitted_restaurant_case.pk).status == CaseStatus.SUBMITTED


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for(None).get(reverse("window:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_another_countys_window_gets_the_same_404_as_a_case_that_does_not_exist(client_for, submitted_restaurant_case):
    other = client_for("minquan_window")
    assert other.get(case_url(submitted_restaurant_case)).status_code == 404
    response = other.post(case_url(submitted_restaurant_case), {"action": "receive"})
    assert response.status_code == 404
    assert client_for(WINDOW).get(reverse("window:case", args=["410721209901010001"])).status_code == 404
    assert submitted_restaurant_case.number not in other.get(reverse("window:index")).content.decode()
    # nor may it file for the applicant under 新乡县's one-thing
    assert other.get(intake_url(client_for(WINDOW))).status_code == 404


def test_the_navigation_links_the_workbench_for_window_staff_only(client_for):
    link = f'href="{reverse("window:index")}"'
    assert link in client_for(WINDOW).get(reverse("catalog:index")).content.decode()
    assert link not in client_for("xinxiang_reviewer").get(reverse("catalog:index")).content.decode()
    assert link not in client_for("enterprise").get(reverse("catalog:index")).content.decode()


# ---------------------------------------------------------------- workbench


def test_the_review_queue_lists_a_submitted_case_with_its_clock(client_for, submitted_restaurant_case):
    response = client_for(WINDOW).get(reverse("window:index"))
    assert response.status_code == 200
    assert response.context["submitted"] == [submitted_restaurant_case]
    body = response.content.decode()
    assert case_url(submitted_restaurant_case) in body
    assert 'class="clock ' in body  # the formal-review clock badge (2 working hours)
    assert reverse("window:walk_in") in body


def walk_in_case_with_paper(one_thing, key: str = "walk-in") -> Case:
    """A walk-in for the demo enterprise filed by the window with PAPER_MATERIAL received on paper."""
    staff = User.objects.get(username=WINDOW)
    enterprise = User.objects.get(username="enterprise")
    draft = make_ready_draft(enterprise, one_thing, acting_user=staff, leave_out=(DEFERRED_MATERIAL, PAPER_MATERIAL))
    reason = "测试：另一件申请" if services.open_case_of(enterprise, one_thing) else ""
    return services.do_submit_case(
        draft, key, acting_user=staff, paper_received={PAPER_MATERIAL}, duplicate_reason=reason
    )


def test_the_workbench_costs_the_same_queries_however_many_cases(
    client_for, submitted_restaurant_case, restaurant_one_thing, django_assert_num_queries
):
    client = client_for(WINDOW)
    url = reverse("window:index")
    client.get(url)
    # session and user (2); the staff member's roles and the regions below theirs, read once for the page and the
    # navigation (accounts.permissions.permit: 2); five queues (5); the working calendar of the clocks and the
    # layout's banner is the process's, read by the first request (workcalendar.services._calendar_data)
    with django_assert_num_queries(9):
        client.get(url)

    staff = User.objects.get(username=WINDOW)
    enterprise = User.objects.get(username="enterprise")
    services.do_receive_case(
        submitted_restaurant_case, deferrals={DEFERRED_MATERIAL: next_workday()}, acting_user=staff
    )
    for n in range(2):
        draft = make_ready_draft(enterprise, restaurant_one_thing)
        file_again(draft, f"more-{n}")
    walk_in_case_with_paper(restaurant_one_thing)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["submitted"]) == 3
    assert len(response.context["to_scan"]) == 1
    assert [m.case for m in response.context["deferred"]] == [submitted_restaurant_case]
    assert response.context["received"] == [submitted_restaurant_case]


# ---------------------------------------------------------------- formal review: the one correction notice


def correction_post(points: dict[str, str], flagged: list[str] | None = None) -> dict:
    data = {"action": "correction", "flag": list(points) if flagged is None else flagged}
    data.update({f"reason-{token}": reason for token, reason in points.items()})
    return data


def test_the_review_page_shows_values_materials_clock_and_file_links(client_for, submitted_restaurant_case):
    response = client_for(WINDOW).get(case_url(submitted_restaurant_case))
    assert response.status_code == 200
    body = response.content.decode()
    assert "新乡县演示餐饮有限公司" in body
    assert [s["title"] for s in response.context["sections"]][:2] == ["企业", "法定代表人"]
    rows = {r.material.material_type.key: r for r in response.context["materials"]}
    assert rows["premises_layout"].file_url == reverse(
        "cases:material_file", args=[submitted_restaurant_case.number, "premises_layout"]
    )
    assert rows[DEFERRED_MATERIAL].file_url == ""  # missing: no file
    assert 'name="flag" value="material:premises_layout"' in body
    assert 'name="flag" value="field:premises.area"' in body
    assert response.context["may_correct"] and response.context["may_receive"]


def test_a_correction_with_two_points_issues_one_notice_listing_both(client_for, submitted_restaurant_case):
    client = client_for(WINDOW)
    response = client.post(
        case_url(submitted_restaurant_case),
        correction_post({"material:premises_layout": "未标明就餐区", "field:premises.area": "与平面图不一致"}),
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=submitted_restaurant_case.pk)
    assert case.status == CaseStatus.CORRECTION
    notice = CorrectionNotice.objects.get(case=case)
    assert notice.round == 1
    assert [(p["kind"], p["key"], p["reason"]) for p in notice.points] == [
        (PointKind.FIELD, "premises.area", "与平面图不一致"),
        (PointKind.MATERIAL, "premises_layout", "未标明就餐区"),
    ]
    assert case.events.filter(action=CaseAction.REQUEST_CORRECTION).count() == 1
    assert client.get(reverse("window:index")).context["correction"] == [case]


def test_a_ticked_point_without_a_reason_writes_nothing_and_keeps_the_other_inputs(
    client_for, submitted_restaurant_case
):
    events = submitted_restaurant_case.events.count()
    response = client_for(WINDOW).post(
        case_url(submitted_restaurant_case),
        correction_post(
            {"material:premises_layout": "未标明就餐区", "field:premises.area": ""},
            flagged=["material:premises_layout", "field:premises.area"],
        ),
    )
    assert response.status_code == 400
    assert not CorrectionNotice.objects.exists()
    assert Case.objects.get(pk=submitted_restaurant_case.pk).status == CaseStatus.SUBMITTED
    assert submitted_restaurant_case.events.count() == events
    field_row = next(r for s in response.context["sections"] for r in s["rows"] if r.key == "premises.area")
    assert field_row.point.flagged and field_row.point.error
    material_row = next(r for r in response.context["materials"] if r.material.material_type.key == "premises_layout")
    assert material_row.point.flagged and material_row.point.reason == "未标明就餐区" and not material_row.point.error
    body = response.content.decode()
    assert 'value="未标明就餐区"' in body
    assert 'name="flag" value="material:premises_layout" checked' in body


def test_a_later_round_may_only_repeat_first_round_points(client_for, submitted_restaurant_case):
    client = client_for(WINDOW)
    client.post(case_url(submitted_restaurant_case), correction_post({"material:premises_layout": "不清晰"}))
    enterprise = User.objects.get(username="enterprise")
    case = Case.objects.get(pk=submitted_restaurant_case.pk)
    services.do_replace_case_material(
        case, MaterialType.objects.get(key="premises_layout"), pdf("new.pdf"), acting_user=enterprise
    )
    services.do_resubmit_case(case, acting_user=enterprise)

    page = client.get(case_url(case))
    assert page.context["later_round"]
    new_point = next(r for s in page.context["sections"] for r in s["rows"] if r.key == "premises.area").point
    assert not new_point.allowed  # not offered again: the first notice did not list it

    response = client.post(case_url(case), correction_post({"field:premises.area": "面积有误"}))
    assert response.status_code == 409
    assert "premises.area" not in str(CorrectionNotice.objects.filter(case=case).values_list("points", flat=True))
    assert CorrectionNotice.objects.filter(case=case).count() == 1
    assert response.context["correction_error"]

    response = client.post(case_url(case), correction_post({"material:premises_layout": "仍不清晰"}))
    assert response.status_code == 302
    assert CorrectionNotice.objects.filter(case=case).count() == 2


# ---------------------------------------------------------------- receipt with 容缺


def test_receiving_defers_the_missing_material_to_the_date_given(client_for, submitted_restaurant_case):
    client = client_for(WINDOW)
    page = client.get(case_url(submitted_restaurant_case))
    default = WorkingCalendar().add_workdays(timezone.localdate(), 5)
    assert [r.deferral_value for r in page.context["missing"]] == [default.isoformat()]

    due = next_workday()
    response = client.post(
        case_url(submitted_restaurant_case), {"action": "receive", f"defer-{DEFERRED_MATERIAL}": due.isoformat()}
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=submitted_restaurant_case.pk)
    assert case.status == CaseStatus.RECEIVED
    assert case.received_by.username == WINDOW
    material = case.materials.get(material_type__key=DEFERRED_MATERIAL)
    assert (material.state, material.deferred_until) == (MaterialState.DEFERRED, due)
    assert case.distributed_at is not None  # no paper: sent to the departments at once
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.QUEUED}

    page = client.get(case_url(case))
    assert page.context["receipt_url"] == reverse("cases:receipt", args=[case.number])
    assert page.context["receipt_url"] in page.content.decode()
    assert not page.context["may_receive"] and not page.context["may_correct"]


@pytest.mark.parametrize("typed", ["", "2026-13-45", "yesterday"])
def test_receiving_without_a_good_date_writes_nothing_and_says_so_beside_the_date(
    client_for, submitted_restaurant_case, typed
):
    response = client_for(WINDOW).post(
        case_url(submitted_restaurant_case), {"action": "receive", f"defer-{DEFERRED_MATERIAL}": typed}
    )
    assert response.status_code == 400
    row = response.context["missing"][0]
    assert row.deferral_error and row.deferral_value == typed
    case = Case.objects.get(pk=submitted_restaurant_case.pk)
    assert case.status == CaseStatus.SUBMITTED
    assert case.materials.get(material_type__key=DEFERRED_MATERIAL).state == MaterialState.MISSING


def test_a_past_date_gets_the_services_message_beside_it(client_for, submitted_restaurant_case):
    response = client_for(WINDOW).post(
        case_url(submitted_restaurant_case),
        {"action": "receive", f"defer-{DEFERRED_MATERIAL}": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert response.context["missing"][0].deferral_error
    assert Case.objects.get(pk=submitted_restaurant_case.pk).received_at is None


# ---------------------------------------------------------------- walk-in: identifying the applicant


def retirement_code() -> str:
    """退休 of 新乡县: a one-thing for natural persons."""
    return OneThing.objects.get(region__code="410721", name="退休", status=OneThingStatus.PUBLISHED).code


def natural_person(**overrides) -> dict:
    data = {
        "kind": AccountKind.NATURAL_PERSON,
        "name": "周八",
        "id_number": valid_id_number("41072119880808001"),
        "mobile": "13900000008",
        "one_thing": retirement_code(),
    }
    return {**data, **overrides}


def legal_person(**overrides) -> dict:
    data = {
        "kind": AccountKind.LEGAL_PERSON,
        "org_name": "新乡县演示餐饮有限公司",
        "credit_code": ENTERPRISE_CODE,
        "legal_representative": "王五",
        "agent_name": "赵六",
        "agent_id_number": "410721199511200045",
        "mobile": "13800000002",
        "one_thing": RESTAURANT_CODE,
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "data,field,validator,bad",
    [
        (natural_person, "id_number", validate_id_number, "410721198808080011"),  # wrong check digit
        (natural_person, "id_number", validate_id_number, "4107211988"),  # too short
        (legal_person, "credit_code", validate_credit_code, "91410721MA44XJ2R3C"),  # wrong check character
        (legal_person, "agent_id_number", validate_id_number, "410721199502300045"),  # 30 February
        (natural_person, "mobile", validate_mobile, "1380000"),
    ],
)
def test_invalid_numbers_get_field_messages_and_the_other_values_are_kept(client_for, data, field, validator, bad):
    users = User.objects.count()
    posted = data(**{field: bad})
    response = client_for(WINDOW).post(reverse("window:walk_in"), posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message_of(validator, bad)]
    assert set(form.errors) == {field}
    body = response.content.decode()
    for name, value in posted.items():
        if name not in ("kind", "one_thing"):
            assert f'value="{value}"' in body, name
    assert User.objects.count() == users


def test_required_fields_depend_on_the_kind_of_applicant(client_for):
    response = client_for(WINDOW).post(reverse("window:walk_in"), {"kind": AccountKind.LEGAL_PERSON})
    assert set(response.context["form"].errors) == {
        "org_name",
        "credit_code",
        "legal_representative",
        "agent_name",
        "agent_id_number",
        "mobile",
        "one_thing",
    }


def test_a_new_walk_in_gets_an_account_once_and_the_same_number_finds_it_again(client_for):
    client = client_for(WINDOW)
    data = natural_person()
    response = client.post(reverse("window:walk_in"), data)
    applicant = User.objects.get(id_number=data["id_number"])
    assert response.status_code == 302
    assert response.url.startswith("/window/walk-in/") and response.url.endswith(f"/{retirement_code()}/")
    assert f"/{applicant.pk}/" not in response.url  # no applicant id in the address
    assert applicant.username.startswith("p-") and data["id_number"] not in applicant.username
    assert (applicant.kind, applicant.display_name, applicant.mobile) == (
        AccountKind.NATURAL_PERSON,
        "周八",
        "13900000008",
    )
    assert not applicant.has_usable_password()

    again = client.post(reverse("window:walk_in"), {**data, "id_number": data["id_number"].lower()})
    assert again.status_code == 302
    assert again.url != response.url  # each walk-in its own token …
    assert again.url.endswith(f"/{retirement_code()}/")
    assert User.objects.filter(id_number=data["id_number"]).count() == 1


def test_a_known_number_with_another_name_is_refused(client_for):
    users = User.objects.count()
    response = client_for(WINDOW).post(reverse("window:walk_in"), legal_person(org_name="新乡县另一家餐饮有限公司"))
    assert response.status_code == 200
    assert response.context["form"].errors["org_name"]
    assert User.objects.count() == users


def test_a_one_thing_for_legal_persons_is_refused_for_a_natural_person(client_for):
    response = client_for(WINDOW).post(reverse("window:walk_in"), natural_person(one_thing=RESTAURANT_CODE))
    assert response.context["form"].errors["one_thing"]
    assert not User.objects.filter(username__startswith="p-").exists()


def test_only_the_staffs_own_regions_one_things_are_offered(client_for):
    one_things = client_for(WINDOW).get(reverse("window:walk_in")).context["one_things"]
    assert one_things and {ot.region.code for ot in one_things} == {"410721"}
    response = client_for(WINDOW).post(reverse("window:walk_in"), legal_person(one_thing="411421-01-001"))
    assert response.context["form"].errors["one_thing"]


# ---------------------------------------------------------------- walk-in: the one page, then review and scanning


def intake_post(one_thing, *, action: str = "file", paper=(PAPER_MATERIAL,), values=None, **extra) -> dict:
    """The intake form as the staff member fills it: every field, a scan of each material but the paper and 容缺."""
    data = {"action": action, "submission_key": "window-test", **(values or restaurant_values(one_thing))}
    data |= {"delivery-mode": "unified", "delivery-method": "window"}  # how the applicant receives the results
    data["paper"] = list(paper)
    for key in ["business_licence", "food_equipment_process", "premises_layout",
                "health_certificate", "legal_person_id_card"]:  # fmt: skip
        if key not in paper:
            data[f"file-{key}"] = pdf(f"{key}.pdf")
    data.update(extra)
    return data


def test_the_intake_page_shows_questionnaire_form_and_materials(client_for, restaurant_one_thing):
    client = client_for(WINDOW)
    response = client.get(intake_url(client))
    assert response.status_code == 200
    assert [m.line.key for m in response.context["to_submit"]] == [
        "business_licence",
        "food_equipment_process",
        "premises_layout",
        "food_safety_rules",
        "health_certificate",
        "legal_person_id_card",
    ]
    # the application form is generated from the one form: listed as not to upload, no file asked
    assert [m.key for m in response.context["exempt"]] == ["application_form"]
    shown = {fv.field.key: fv.value for _s, fields in response.context["sections"] for fv in fields}
    # the identity typed at the counter fills the empty fields; no shared data without the applicant's consent
    assert shown["enterprise.name"] == "新乡县演示餐饮有限公司"
    assert shown["enterprise.credit_code"] == ENTERPRISE_CODE
    assert shown["legal_person.name"] == "王五"
    prefilled = {
        fv.field.key: fv.prefilled.source for _s, f in response.context["sections"] for fv in f if fv.prefilled
    }
    assert set(prefilled.values()) <= {"account"}  # the account's own identity only: no registry, no profile
    body = response.content.decode()
    assert 'name="q.dine_in"' in body and 'name="paper" value="premises_layout"' in body


@pytest.mark.security
def test_the_intake_is_reached_only_through_the_identity_step_of_the_same_clerk(client_for):
    """Issue 11: a clerk reached any applicant (identity, drafts, filing in their name) by changing the user id in
    /window/walk-in/<id>/<code>/. Now the address carries a token of a walk-in this clerk verified in this session."""
    enterprise = User.objects.get(username="enterprise")
    clerk = client_for(WINDOW)
    own = intake_url(clerk)
    assert clerk.get(own).status_code == 200
    not_found = clerk.get(made_up_intake_url())
    assert not_found.status_code == 404
    # the old address shape with the applicant's id is no way in either
    assert clerk.get(f"/window/walk-in/{enterprise.pk}/{RESTAURANT_CODE}/").status_code == 404
    # another clerk of the same hall, with the first clerk's address: the same 404 as a made-up token
    colleague = User.objects.get(username=WINDOW)
    other_session = client_for(None)
    other_session.force_login(colleague)
    stolen = other_session.get(own)
    assert stolen.status_code == 404 and page_body(stolen) == page_body(not_found)
    # the token is bound to the one-thing verified with it
    token = own.split("/")[3]
    assert clerk.get(reverse("window:intake", args=[token, retirement_code()])).status_code == 404


def test_saving_the_intake_keeps_values_and_says_what_is_wrong(client_for, restaurant_one_thing):
    values = {**restaurant_values(restaurant_one_thing), "food.safety_manager_mobile": "12345"}
    client = client_for(WINDOW)
    response = client.post(intake_url(client), intake_post(restaurant_one_thing, action="save", values=values))
    assert response.status_code == 200
    assert set(response.context["errors"]) == {"food.safety_manager_mobile"}
    assert 'value="12345"' in response.content.decode()
    paper_row = next(m for m in response.context["to_submit"] if m.line.key == PAPER_MATERIAL)
    assert paper_row.paper  # the tick is kept
    assert not Case.objects.exists()


def test_filing_with_a_material_neither_scanned_nor_on_paper_is_refused(client_for, restaurant_one_thing):
    # premises_layout: no file and no tick; it may not be supplied later
    data = intake_post(restaurant_one_thing, paper=())
    del data[f"file-{PAPER_MATERIAL}"]
    client = client_for(WINDOW)
    response = client.post(intake_url(client), data)
    assert response.status_code == 400
    row = next(m for m in response.context["to_submit"] if m.line.key == PAPER_MATERIAL)
    assert row.error
    assert not Case.objects.exists()


def test_a_walk_in_with_paper_is_distributed_only_after_the_scan(client_for, restaurant_one_thing):
    client = client_for(WINDOW)
    enterprise = User.objects.get(username="enterprise")
    response = client.post(intake_url(client), intake_post(restaurant_one_thing))
    case = Case.objects.get(applicant=enterprise)
    assert response.status_code == 302 and response.url == case_url(case)
    assert (case.channel, case.status, case.filed_by.username) == (Channel.WINDOW, CaseStatus.SUBMITTED, WINDOW)
    assert case.review_due_at is None  # reviewed on the spot
    assert case.scan_due_at is not None and case.scan_due_at > case.submitted_at
    states = dict(case.materials.values_list("material_type__key", "state"))
    assert states[PAPER_MATERIAL] == MaterialState.PAPER
    assert states[DEFERRED_MATERIAL] == MaterialState.MISSING
    assert case.events.get(action=CaseAction.FILE_WALK_IN).actor.username == WINDOW
    assert client.get(reverse("window:index")).context["to_scan"] == [case]

    response = client.post(
        case_url(case), {"action": "receive", f"defer-{DEFERRED_MATERIAL}": next_workday().isoformat()}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    assert case.distributed_at is None  # the paper is not scanned yet
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.AWAITING_RECEIPT}

    response = client.post(case_url(case), {"action": "scan", "material": PAPER_MATERIAL, "file": pdf("平面图.pdf")})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.scanned_at is not None and case.distributed_at is not None
    assert case.materials.get(material_type__key=PAPER_MATERIAL).state == MaterialState.UPLOADED
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.QUEUED}
    assert client.get(reverse("window:index")).context["to_scan"] == []


def test_a_scan_of_a_bad_file_is_refused_beside_the_material(client_for, restaurant_one_thing):
    case = walk_in_case_with_paper(restaurant_one_thing)
    client = client_for(WINDOW)
    page = client.get(case_url(case))
    assert page.context["may_scan"]  # the 2-hour clock runs from intake: scanning may start before 收件
    services.do_receive_case(
        case, deferrals={DEFERRED_MATERIAL: next_workday()}, acting_user=User.objects.get(username=WINDOW)
    )
    not_a_pdf = SimpleUploadedFile("scan.pdf", b"just text", content_type="application/pdf")
    response = client.post(case_url(case), {"action": "scan", "material": PAPER_MATERIAL, "file": not_a_pdf})
    assert response.status_code == 400
    assert next(r for r in response.context["paper"] if r.material.material_type.key == PAPER_MATERIAL).scan_error
    assert Case.objects.get(pk=case.pk).distributed_at is None


def test_a_new_enterprise_filed_at_the_window_has_its_account_creation_noted(client_for, restaurant_one_thing):
    client = client_for(WINDOW)
    code = valid_credit_code("91410721MA44XJ2R4")
    data = legal_person(org_name="新乡县新开餐饮店", credit_code=code, legal_representative="钱九", agent_name="钱九",
                        agent_id_number=valid_id_number("41072119900101003"), mobile="13900000009")  # fmt: skip
    response = client.post(reverse("window:walk_in"), data)
    applicant = User.objects.get(credit_code=code)
    intake = response.url
    assert intake.startswith("/window/walk-in/") and f"/{applicant.pk}/" not in intake
    assert applicant.username == f"e-{code}" and applicant.kind == AccountKind.LEGAL_PERSON

    values = {
        **restaurant_values(restaurant_one_thing),
        "enterprise.name": "新乡县新开餐饮店",
        "enterprise.credit_code": code,
        "legal_person.name": "钱九",
    }
    response = client.post(f"{intake}?{RESTAURANT_QUERY}", intake_post(restaurant_one_thing, values=values))
    assert response.status_code == 302
    case = Case.objects.get(applicant=applicant)
    note = case.events.get(action=CaseAction.NOTE)
    assert note.detail["account_created"] is True
    assert note.detail["created_by"] == User.objects.get(username=WINDOW).pk
    assert applicant.username in note.internal_note
    assert escape(note.internal_note) in client.get(case_url(case)).content.decode()  # staff see internal notes
    assert str(applicant.pk) not in client.session.get("window.created_accounts", {})  # noted once


def test_updating_the_situation_keeps_what_was_typed(client_for, restaurant_one_thing):
    client = client_for(WINDOW)
    data = {
        "action": "situation",
        "q.org_form": "enterprise",
        "q.dine_in": "dining_inspection",  # now with seats: the fire check joins
        "q.signboard": "no_sign",
        "premises.area": "88",
    }
    response = client.post(intake_url(client), data)
    assert response.status_code == 302
    assert "q.dine_in=dining_inspection" in response.url
    page = client.get(response.url)
    assert "公众聚集场所投入使用、营业前消防安全检查" in [it.name for it in page.context["notice"].selected_items]
    shown = {fv.field.key: fv.value for _s, fields in page.context["sections"] for fv in fields}
    assert shown["premises.area"] == "88"
    assert "fire.max_occupancy" in shown
    # without a query string the page resumes from the draft's answers
    resumed = client.get(intake_url(client, query=""))
    assert resumed.context["notice"].answers["dine_in"] == "dining_inspection"


def test_the_walk_in_says_how_the_applicant_receives_the_results(client_for, restaurant_one_thing):
    """Issue 10 part 5 at the window: chosen when filing; a choice the one-thing cannot honour files nothing."""
    client = client_for(WINDOW)
    page = client.get(intake_url(client)).content.decode()
    assert 'name="delivery-mode"' in page and 'name="delivery-method"' in page
    url = intake_url(client)
    no_address = intake_post(restaurant_one_thing, **{"delivery-method": "post"})
    refused = client.post(url, no_address)
    assert refused.status_code == 400 and not Case.objects.exists()
    by_post = intake_post(
        restaurant_one_thing,
        **{"delivery-method": "post", "delivery-address": "新乡县人民路1号", "delivery-recipient": "王五",
           "delivery-phone": "13800000000"},
    )  # fmt: skip
    assert client.post(url, by_post).status_code == 302
    case = Case.objects.get()
    assert (case.delivery_choice.method, case.delivery_choice.address) == ("post", "新乡县人民路1号")
    chosen = case.events.get(action=CaseAction.CHOOSE_DELIVERY)
    assert (chosen.actor.username, chosen.channel) == (WINDOW, "window")
