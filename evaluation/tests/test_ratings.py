"""好差评 on known scenarios: what may be rated when and by whom, once; the 差评 → rectification → 回访 → re-rating
path with its events and messages; deadlines in working days; bad input; the signed links; the count per level."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cases.choices import CaseAction
from cases.models import CaseEvent
from core.errors import ConflictError
from evaluation import services
from evaluation.choices import RatingChannel, RectificationStatus
from evaluation.contacts import contacts_of, item_key
from evaluation.models import Rating, Rectification
from evaluation.queries import rating_levels
from evaluation.tokens import make_token, read_token
from notifications.models import Message
from regions.models import Department, Region

from .scenario import CHECK, FOOD, SIGN, at, ended_case, item, received_case, user

pytestmark = pytest.mark.django_db


def rate(case, key, level, *, who="enterprise", reasons=(), comment="", **kwargs):
    return services.do_rate_contact(
        case, key, level=level, reasons=reasons, comment=comment, channel=kwargs.pop("channel", "online"),
        acting_user=user(who) if who else None, **kwargs,
    )  # fmt: skip


def test_contacts_come_from_the_events_with_the_department_responsible_for_each():
    case = received_case()
    assert [c.key for c in contacts_of(case)] == ["intake"]  # received: only the window's intake so far
    case = ended_case()
    contacts = {c.key: c for c in contacts_of(case)}
    items = {i.name: i for i in case.items.all()}
    assert set(contacts) == {"intake", "delivery", "whole", *(item_key(i.pk) for i in items.values())}
    assert contacts["intake"].department.name == "新乡县行政审批和政务信息管理局"  # the window's centre
    assert contacts["delivery"].department.code == "ADMIN_APPROVAL"
    assert contacts["whole"].department.code == "MARKET"  # the one-thing's lead department
    assert contacts[item_key(items[SIGN].pk)].department.code == "HOUSING_CONSTRUCTION"
    assert [c.key for c in contacts_of(case)][0] == "intake" and [c.key for c in contacts_of(case)][-1] == "delivery"


def test_the_applicant_rates_each_contact_of_their_own_case_once():
    case = received_case()
    with at("2026-11-23 09:40"):
        with pytest.raises(ConflictError, match="尚未发生"):
            rate(case, "whole", 5)  # the one-thing has not ended
        with pytest.raises(services.NotAllowed):
            rate(case, "intake", 5, who="citizen")  # not their case
        with pytest.raises(services.NotAllowed):
            rate(case, "intake", 5, who="xinxiang_window")  # staff do not rate
        rating = rate(case, "intake", 5, reasons=["attitude"])
        with pytest.raises(ConflictError, match="每个环节只评价一次"):
            rate(case, "intake", 4)
    assert (rating.level, rating.reasons, rating.round, rating.current) == (5, [], 1, True)  # reasons: 差评 only
    assert rating.department.code == "ADMIN_APPROVAL" and rating.rated_by == user("enterprise")
    assert not Rectification.objects.filter(case=case).exists()
    event = case.events.get(action=CaseAction.RATE)
    assert event.summary == "窗口形式审查和收件：评价“非常满意”。"
    assert event.detail["contact"] == "intake" and event.detail["level"] == 5


@pytest.mark.parametrize(
    ("level", "reasons", "comment", "errors"),
    [
        ("", [], "", {"level": "请选择五个等级之一。"}),
        ("6", [], "", {"level": "请选择五个等级之一。"}),
        ("两星", [], "", {"level": "请选择五个等级之一。"}),
        ("2", [], "  ", {"reasons": "评价为不满意时，请至少勾选一项原因或写明问题。"}),
        ("1", ["rude"], "", {"reasons": "请只勾选列表中的原因。"}),
        ("4", [], "字" * 501, {"comment": "最多500个字。"}),
    ],
)
def test_bad_input_gives_chinese_field_messages_and_writes_nothing(level, reasons, comment, errors):
    case = received_case()
    events = case.events.count()
    with at("2026-11-23 09:40"), pytest.raises(services.FormErrors) as refused:
        rate(case, "intake", level, reasons=reasons, comment=comment)
    assert refused.value.errors == errors
    assert not Rating.objects.filter(case=case).exists()
    assert case.events.count() == events


def test_a_poor_rating_goes_through_verification_rectification_call_back_and_re_rating(
    django_capture_on_commit_callbacks,
):
    case = ended_case()
    food = item(case, FOOD)
    with at("2026-11-23 14:00"), django_capture_on_commit_callbacks(execute=True):
        poor = rate(
            case, item_key(food.pk), 2, reasons=["extra_materials", "over_time_limit"], comment="要求补交指南外材料"
        )
    r = Rectification.objects.get(rating=poor)
    assert r.department.code == "MARKET" and r.status == RectificationStatus.OPEN
    assert poor.reasons == ["over_time_limit", "extra_materials"]  # in the list's order
    assert (r.verify_due_on, r.answer_due_on) == (dt.date(2026, 11, 24), dt.date(2026, 11, 30))  # 1 and 5 working days
    told = set(Message.objects.filter(kind="rating.poor").values_list("recipient__username", flat=True))
    assert {"xinxiang_rev_market", "xinxiang_lead", "xinxiang_supervisor"} <= told
    assert "xinxiang_rev_fire_rescue" not in told and "xinxiang_window" not in told  # not their step

    with at("2026-11-24 09:00"):
        for stranger in ("xinxiang_window", "xinxiang_rev_fire_rescue", "hongqi_reviewer"):
            with pytest.raises(services.NotAllowed):
                services.do_verify_rectification(
                    r, finding="substantiated", verification="x", acting_user=user(stranger)
                )
        with pytest.raises(services.FormErrors) as bad:
            services.do_verify_rectification(
                r, finding="maybe", verification=" ", acting_user=user("xinxiang_rev_market")
            )
        assert bad.value.errors == {"finding": "请说明差评是否属实。", "verification": "请写明核实情况。"}
        services.do_verify_rectification(
            r,
            finding="substantiated",
            verification="经核实，窗口要求提供了指南外的租赁备案证明",
            acting_user=user("xinxiang_rev_market"),
        )
        with pytest.raises(ConflictError):  # a substantiated 差评 is rectified, not explained away
            services.do_answer_rectification(r, action="explain", answer="x", acting_user=user("xinxiang_rev_market"))
        with pytest.raises(ConflictError):  # the call back comes after the answer
            services.do_call_back(r, note="x", acting_user=user("xinxiang_rev_market"))
    with at("2026-11-25 10:00"), django_capture_on_commit_callbacks(execute=True):
        services.do_answer_rectification(
            r,
            action="rectify",
            answer="已取消租赁备案证明的要求，并对窗口人员进行培训",
            acting_user=user("xinxiang_lead"),
        )
    answered = Message.objects.filter(kind="rating.answered", recipient=user("enterprise"))
    assert {m.channel for m in answered} == {"site", "sms"}
    assert "已取消租赁备案证明的要求" in answered.first().body
    with at("2026-11-26 10:00"), django_capture_on_commit_callbacks(execute=True):
        services.do_call_back(r, note="申请人表示认可整改，愿意重新评价", acting_user=user("xinxiang_rev_market"))
        with pytest.raises(services.FormErrors):  # closing without a re-rating says why
            services.do_close_rectification(r, note=" ", acting_user=user("xinxiang_rev_market"))
    sms = Message.objects.get(kind="rating.rerate", channel="sms")
    token_text = sms.body.rsplit("/evaluation/r/", 1)[1].rstrip("/")
    token = read_token(token_text, RatingChannel.SMS)
    assert token is not None and token.keys == {item_key(food.pk)}  # the link re-rates that contact only
    with at("2026-11-26 18:00"):
        with pytest.raises(services.NotAllowed):
            services.do_rate_contact(case, "intake", level=5, channel="sms", token=token)
        again = services.do_rate_contact(case, item_key(food.pk), level=4, channel="sms", token=token)
    r.refresh_from_db()
    poor.refresh_from_db()
    assert (r.status, r.rerating, again.round, again.current, poor.current) == ("closed", again, 2, True, False)
    assert again.rated_by is None  # through the link: anonymous
    steps = [(e.action, e.detail.get("step", "")) for e in case.events.filter(action__in=["rate", "rectification"])]
    assert steps == [
        ("rate", ""), ("rectification", "open"), ("rectification", "verify"), ("rectification", "rectify"),
        ("rectification", "call_back"), ("rate", ""), ("rectification", "rerate"),
    ]  # fmt: skip
    assert case.events.filter(action="rate").last().actor_label == "申请人（匿名）"
    assert rating_levels(region=case.region) == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert rating_levels(region=case.region, current_only=False) == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}


def test_the_clocks_count_working_days_across_national_day():
    case = received_case("2026-09-29 09:30")
    with at("2026-09-30 10:00"):
        rating = rate(case, "intake", 1, reasons=["attitude"])
    r = rating.rectification
    assert (r.verify_due_on, r.answer_due_on) == (
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 13),
    )  # 10-10 is a 调休 workday
    assert r.department.code == "ADMIN_APPROVAL"
    with at("2026-10-08 09:00"):  # the intake was the window's: the centre's window staff verify it
        services.do_verify_rectification(
            r, finding="not_substantiated", verification="查看录像，窗口按规定告知", acting_user=user("xinxiang_window")
        )
        with pytest.raises(ConflictError):
            services.do_answer_rectification(r, action="rectify", answer="x", acting_user=user("xinxiang_window"))
        services.do_answer_rectification(
            r, action="explain", answer="材料需原件核验，已电话说明", acting_user=user("xinxiang_window")
        )


def test_signed_links_rate_only_their_contacts_for_a_while():
    case = ended_case()
    keys = {"intake", "whole"}
    with at("2026-11-23 15:00"):
        tablet = make_token(case.pk, keys, RatingChannel.TABLET)
        sms = make_token(case.pk, keys, RatingChannel.SMS)
        assert read_token(tablet, RatingChannel.TABLET).keys == keys
        assert read_token(tablet, RatingChannel.SMS) is None  # salted per channel
        assert read_token(tablet[:-2] + ("AA" if tablet[-2:] != "AA" else "BB"), RatingChannel.TABLET) is None
        token = read_token(tablet, RatingChannel.TABLET)
        with pytest.raises(services.NotAllowed):
            services.do_rate_contact(case, "delivery", level=5, channel="tablet", token=token)
        other = received_case("2026-11-23 09:30")
        with pytest.raises(services.NotAllowed):  # another case's contact
            services.do_rate_contact(other, "intake", level=5, channel="tablet", token=token)
        services.do_rate_contact(case, "intake", level=3, channel="tablet", token=token)
    with time_machine.travel(dt.datetime(2026, 11, 23, 15, 16, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        assert read_token(tablet, RatingChannel.TABLET) is None  # 15 minutes
        assert read_token(sms, RatingChannel.SMS) is not None  # 30 days
    with time_machine.travel(dt.datetime(2026, 12, 24, 15, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        assert read_token(sms, RatingChannel.SMS) is None


def test_the_applicant_is_invited_by_sms_when_the_case_ends(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = ended_case(deliver=False)
    invite = Message.objects.get(kind="rating.invite", case_number=case.number)
    assert invite.channel == "sms" and invite.mobile == "13800000002"
    token = read_token(invite.body.rsplit("/evaluation/r/", 1)[1].rstrip("/"), RatingChannel.SMS)
    items = {item_key(i.pk) for i in case.items.all()}
    assert token.keys == {"intake", "whole", "delivery", *items}  # delivery: ratable once it happened
    with at("2026-11-23 10:30"), pytest.raises(ConflictError):
        services.do_rate_contact(case, "delivery", level=5, channel="sms", token=token)
    assert Message.objects.filter(kind="rating.invite", case_number=case.number).count() == 1


def test_rating_levels_by_period_region_and_department():
    first = ended_case("2026-11-23 09:30")
    second = ended_case("2026-11-24 09:30")
    with at("2026-11-23 16:00"):
        rate(first, "intake", 5)
        rate(first, item_key(item(first, CHECK).pk), 4)
    with at("2026-11-24 16:00"):
        rate(second, "intake", 1, reasons=["long_wait"])
        rate(second, "whole", 3)
    market = Department.objects.get(region__code="410721", code="MARKET")
    centre = Department.objects.get(region__code="410721", code="ADMIN_APPROVAL")
    xinxiang = Region.objects.get(code="410721")
    assert rating_levels(region=xinxiang) == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1}
    assert rating_levels(region=xinxiang.parent) == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1}  # 新乡市 rolls up
    assert rating_levels(region=Region.objects.get(code="411323")) == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert rating_levels(start=dt.date(2026, 11, 24), end=dt.date(2026, 11, 24)) == {
        "1": 1,
        "2": 0,
        "3": 1,
        "4": 0,
        "5": 0,
    }
    assert rating_levels(end=dt.date(2026, 11, 23), department=centre) == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    assert rating_levels(department=market) == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 0}  # the item and the whole
    assert rating_levels(Rating.objects.filter(case=second)) == {"1": 1, "2": 0, "3": 1, "4": 0, "5": 0}


def test_every_step_is_refused_with_a_reason_when_the_table_does_not_allow_it():
    case = received_case()
    with at("2026-11-23 09:40"):
        r = rate(case, "intake", 1, reasons=["attitude"]).rectification
        with pytest.raises(ConflictError, match="待核实"):
            services.do_call_back(r, note="x", acting_user=user("xinxiang_window"))
    assert CaseEvent.objects.filter(case=case, action="rectification").count() == 1  # only its opening
