"""Shared fixtures of the approvals tests: a temporary MEDIA_ROOT and received 开办餐饮店 cases of 新乡县.

The restaurant with every item (RESTAURANT_ALL): 企业营业执照信息核验 and 食品经营许可 (市场监管局, also the
one-thing's lead department), 户外招牌设施设置规范管理 (住房建设和城市管理局) and the fire safety check
(消防救援大队). The demo accounts (accounts/demo.py) decide them: xinxiang_rev_market, xinxiang_lead (MARKET lead),
xinxiang_rev_fire_rescue, xinxiang_rev_housing_construction; xinxiang_supervisor and xinxiang_window see them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
import time_machine

from accounts.models import User
from cases.models import Case, CaseItem
from cases.services import do_receive_case
from cases.tests.conftest import file_again, make_ready_draft
from catalog.choices import OneThingStatus
from catalog.models import OneThing
from oneform.services import do_save_draft

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
RESTAURANT_ALL = {"q": {"dine_in": "dining_commitment", "signboard": "install"}, "skip": [], "lic": []}
LICENCE = "企业营业执照信息核验"  # MARKET, no prerequisite
FOOD = "食品经营许可"  # MARKET, after LICENCE
SIGN = "户外招牌设施设置规范管理"  # HOUSING_CONSTRUCTION, after LICENCE
FIRE = "公众聚集场所投入使用、营业前消防安全检查"  # FIRE_RESCUE, after LICENCE
_keys = itertools.count()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def at(text: str):
    """Travel to a moment in Beijing time (the clock stands still there)."""
    return time_machine.travel(dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI), tick=False)


def user(username: str) -> User:
    return User.objects.get(username=username)


def restaurant_case(values: dict | None = None, username: str = "enterprise") -> Case:
    """A restaurant case filed online and received at the window: its items are in the departments' queues."""
    applicant = user(username)
    one_thing = OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED)
    draft = make_ready_draft(applicant, one_thing, answers=RESTAURANT_ALL, leave_out=())
    if values:
        draft = do_save_draft(applicant, one_thing, RESTAURANT_ALL, values, acting_user=applicant)
    case = file_again(draft, f"approvals-test-{next(_keys)}")
    return do_receive_case(case, acting_user=user("xinxiang_window"))


def item_of(case: Case, name: str) -> CaseItem:
    return case.items.get(name=name)
