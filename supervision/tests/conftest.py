"""The known scenario of the supervision tests: 新乡县 (formal review within 2 working hours), November 2026 (no
holiday), three restaurant cases (开办餐饮店: 企业营业执照信息核验 1 day, 食品经营许可 5 days after it, 户外招牌 3
days after it, 消防安全检查 1 day after it), filed and handled through the real services at set moments:

C  online, Fri 10-30 09:00 (review due 11:00); correction notice 15:00 (late: 300 working minutes); withdrawn
   16:00 before receipt (no item reached a department).
A  online, Mon 11-02 09:00; received 10:00 (on time: 60 minutes) with 保证食品安全的规章制度目录清单 deferred (容缺)
   to Mon 11-09; 14:00 the licence check accepted, 食品经营许可 and the fire check accepted for pre-review, the
   signboard refused (all four within the 1-working-day limit, due Tue 11-03 17:00). Tue 11-03 10:00 the licence
   check approved (due 11-03: on time, 1 working day); the fire check released (due 11-04), 11:00 paused for a
   supplement, resumed Thu 11-05 09:00 (2 working days paused: due Fri 11-06) and still open. 食品经营许可 (due
   Mon 11-09) approved Thu 11-12 (late: 8 working days).
B  at the window (A is still open), Mon 11-02 09:30, received at once; Wed 11-04 09:00 the licence check accepted
   (late: due 11-03 17:00); 10:00 the applicant withdraws: its four items end withdrawn.

"Now" is Fri 11-20 12:00; the period 10-26 … 11-20.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from approvals import services as approvals
from approvals.tests.conftest import FIRE, FOOD, LICENCE, RESTAURANT_ALL, SHANGHAI, SIGN, at, item_of, user
from cases.models import Case
from cases.services import do_receive_case, do_request_correction, do_withdraw_case
from cases.tests.conftest import DEFERRED_MATERIAL, file_again, make_ready_draft
from catalog.choices import OneThingStatus
from catalog.models import OneThing
from regions.models import Region

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
START, END = dt.date(2026, 10, 26), dt.date(2026, 11, 20)


@dataclass
class Scenario:
    a: Case
    b: Case
    c: Case
    county: Region


def restaurant() -> OneThing:
    return OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED)


def build_scenario() -> Scenario:
    enterprise, window = user("enterprise"), user("xinxiang_window")
    market, fire_dept = user("xinxiang_rev_market"), user("xinxiang_rev_fire_rescue")
    with at("2026-10-30 09:00"):
        draft = make_ready_draft(enterprise, restaurant(), answers=RESTAURANT_ALL, leave_out=())
        c = file_again(draft, "sup-c")
    with at("2026-10-30 15:00"):
        do_request_correction(
            c, [{"kind": "field", "key": "enterprise.name", "reason": "与营业执照不一致"}], acting_user=window
        )
    with at("2026-10-30 16:00"):
        do_withdraw_case(c, "不开了", acting_user=enterprise)
    with at("2026-11-02 09:00"):
        draft = make_ready_draft(enterprise, restaurant(), answers=RESTAURANT_ALL, leave_out=(DEFERRED_MATERIAL,))
        a = file_again(draft, "sup-a")
    with at("2026-11-02 09:30"):
        draft = make_ready_draft(enterprise, restaurant(), answers=RESTAURANT_ALL, leave_out=())
        b = file_again(draft, "sup-b")  # at the window: A is open
        do_receive_case(b, acting_user=window)
    with at("2026-11-02 10:00"):
        do_receive_case(a, deferrals={DEFERRED_MATERIAL: dt.date(2026, 11, 9)}, acting_user=window)
    with at("2026-11-02 14:00"):
        approvals.do_accept_item(item_of(a, LICENCE), acting_user=market)
        approvals.do_accept_item(item_of(a, FOOD), acting_user=market)
        approvals.do_accept_item(item_of(a, FIRE), acting_user=fire_dept)
        approvals.do_refuse_item(item_of(a, SIGN), "禁设区域", acting_user=user("xinxiang_rev_housing_construction"))
    with at("2026-11-03 10:00"):
        approvals.do_approve_item(item_of(a, LICENCE), result_number="91410721MA44XJ2R3B", acting_user=market)
    with at("2026-11-03 11:00"):
        approvals.do_request_supplement(item_of(a, FIRE), "疏散通道示意图", acting_user=fire_dept)
    with at("2026-11-04 09:00"):
        approvals.do_accept_item(item_of(b, LICENCE), acting_user=market)
    with at("2026-11-04 10:00"):
        do_withdraw_case(b, "改期再办", acting_user=enterprise)
    with at("2026-11-05 09:00"):
        approvals.do_resume_item(item_of(a, FIRE), acting_user=fire_dept)
    with at("2026-11-12 10:00"):
        approvals.do_approve_item(
            item_of(a, FOOD), result_number="JY14107210009999", confirm_reason="材料已现场核验", acting_user=market
        )
    return Scenario(a=a, b=b, c=c, county=Region.objects.get(code="410721"))


@pytest.fixture
def scenario(db, media_root) -> Scenario:
    return build_scenario()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
