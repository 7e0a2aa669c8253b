"""投诉 on known scenarios: routing to the department and the supervisors, the deadline in working days, the answer
to the complainant through the outbox, responsibility recorded when upheld (000 第二十二条), bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.choices import CaseAction
from core.errors import ConflictError
from evaluation import services
from evaluation.models import Complaint
from notifications.models import Message
from regions.models import Department

from .scenario import at, ended_case, user

pytestmark = pytest.mark.django_db


def fire_rescue() -> Department:
    return Department.objects.get(region__code="410721", code="FIRE_RESCUE")


def test_a_complaint_without_a_case_is_routed_answered_and_held_to_account(django_capture_on_commit_callbacks):
    with at("2026-09-29 15:00"), django_capture_on_commit_callbacks(execute=True):
        c = services.do_file_complaint(
            text="消防检查约了三次都没人来", department=fire_rescue().pk, name="钱八", mobile="139 0000 0008"
        )
    assert (c.region.code, c.complainant, c.mobile, c.status) == ("410721", None, "13900000008", "open")
    assert c.due_on == dt.date(2026, 10, 12)  # 5 working days: 9-30, 10-8, 10-9, 10-10 (调休), 10-12
    told = set(Message.objects.filter(kind="complaint.filed").values_list("recipient__username", flat=True))
    # the department (its reviewer and its head) and the supervisor
    assert told == {"xinxiang_rev_fire_rescue", "xinxiang_head_fire_rescue", "xinxiang_supervisor"}
    with at("2026-10-08 10:00"):
        with pytest.raises(services.NotAllowed):
            services.do_answer_complaint(c, upheld=True, answer="x", acting_user=user("xinxiang_rev_market"))
        with pytest.raises(services.FormErrors) as bad:
            services.do_answer_complaint(c, upheld=None, answer="", acting_user=user("xinxiang_rev_fire_rescue"))
        assert bad.value.errors == {"upheld": "请说明投诉是否属实。", "answer": "请填写给投诉人的答复。"}
        with pytest.raises(ConflictError):  # only an upheld complaint gets a responsibility record
            services.do_record_responsibility(
                c, responsible="x", responsibility="y", acting_user=user("xinxiang_supervisor")
            )
    with at("2026-10-08 10:00"), django_capture_on_commit_callbacks(execute=True):
        services.do_answer_complaint(
            c, upheld=True, answer="情况属实，已安排10月9日上门检查", acting_user=user("xinxiang_rev_fire_rescue")
        )
    answer = Message.objects.get(kind="complaint.answered")
    assert (answer.channel, answer.mobile, answer.recipient) == ("sms", "13900000008", None)
    assert "已安排10月9日上门检查" in answer.body and "属实" in answer.body
    with at("2026-10-09 10:00"):
        with pytest.raises(services.NotAllowed):  # the department does not judge itself
            services.do_record_responsibility(
                c, responsible="x", responsibility="y", acting_user=user("xinxiang_rev_fire_rescue")
            )
        services.do_record_responsibility(
            c, responsible="县消防救援大队防火监督科", responsibility="约谈科室负责人，责令整改，纳入年度考核",
            acting_user=user("xinxiang_supervisor"),
        )  # fmt: skip
    c.refresh_from_db()
    assert (c.status, c.upheld, c.responsible) == ("closed", True, "县消防救援大队防火监督科")
    assert [e.action for e in c.events.all()] == ["file", "answer", "record_responsibility"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"department": None, "name": "钱八", "mobile": "13900000008", "text": "x"},
         {"department": "请选择被投诉的部门。"}),
        ({"department": "abc", "name": "钱八", "mobile": "13900000008", "text": "x"},
         {"department": "请选择被投诉的部门。"}),
        ({"department": "FIRE", "name": "", "mobile": "", "text": " "},
         {"name": "请填写姓名，以便答复。", "mobile": "您未登录，请填写接收答复的手机号码。", "text": "请写明投诉事项。"}),
        ({"department": "FIRE", "name": "钱八", "mobile": "1234", "text": "x"},
         {"mobile": "请输入以13至19开头的11位手机号码。"}),
    ],
)  # fmt: skip
def test_bad_input_gives_chinese_field_messages_and_files_nothing(fields, errors):
    if fields["department"] == "FIRE":
        fields = {**fields, "department": fire_rescue().pk}
    with at("2026-09-29 15:00"), pytest.raises(services.FormErrors) as bad:
        services.do_file_complaint(**fields)
    assert bad.value.errors == errors
    assert not Complaint.objects.exists()


def test_a_complaint_about_a_case_goes_on_its_timeline_and_to_its_departments_only(django_capture_on_commit_callbacks):
    case = ended_case()
    with at("2026-11-24 09:00"):
        with pytest.raises(services.NotAllowed):
            services.do_file_complaint(case=case, text="x", department=fire_rescue().pk, acting_user=user("citizen"))
        other = Department.objects.get(region__code="410721", code="EDUCATION")
        with pytest.raises(services.FormErrors):  # not a department of this case
            services.do_file_complaint(case=case, text="x", department=other.pk, acting_user=user("enterprise"))
        with django_capture_on_commit_callbacks(execute=True):
            c = services.do_file_complaint(
                case=case, text="招牌审批不予许可的理由没有说清楚", department=Department.objects.get(
                    region__code="410721", code="HOUSING_CONSTRUCTION").pk, acting_user=user("enterprise"),
            )  # fmt: skip
    assert (c.name, c.complainant, c.due_on) == ("新乡县演示餐饮有限公司", user("enterprise"), dt.date(2026, 12, 1))
    event = case.events.get(action=CaseAction.COMPLAINT)
    assert event.summary.startswith(f"投诉{c.number}（") and event.actor == user("enterprise")
    with at("2026-11-25 09:00"), django_capture_on_commit_callbacks(execute=True):
        services.do_answer_complaint(
            c, upheld="no", answer="不予许可理由见决定书第二条", acting_user=user("xinxiang_rev_housing_construction")
        )
    answers = Message.objects.filter(kind="complaint.answered", recipient=user("enterprise"))
    assert {m.channel for m in answers} == {"site", "sms"}
    assert case.events.filter(action=CaseAction.COMPLAINT).count() == 2
    c.refresh_from_db()
    assert (c.status, c.upheld) == ("answered", False)
