"""The demo data's 差评 (cases/management/commands/demo_cases.py): the three plans that rate poorly leave one
rectification awaiting verification, one rectified awaiting the call back, one called back and re-rated (closed) —
each step written by the services, on the case's timeline."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest
import time_machine

from cases.management.commands import demo_cases
from evaluation.models import Rectification

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.datetime(2026, 11, 25, 15, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def test_the_demo_plans_leave_poor_ratings_at_each_stage_of_their_rectification(media_root):
    with time_machine.travel(WEDNESDAY, tick=True):
        demo = demo_cases.Demo(random.Random(3))
        demo_cases.ensure_extra_applicants()
        cases = {
            "after_death": demo_cases.p_completed_after_death(demo, "demo_songtao", demo.workday(before=20)),
            "transport": demo_cases.p_completed_transport(demo, "demo_transport", demo.workday(before=20)),
            "retirement": demo_cases.p_partial_denied_retirement(demo, "retiree", demo.workday(before=25)),
        }
    status = {name: Rectification.objects.get(case=case).status for name, case in cases.items()}
    assert status == {"after_death": "open", "transport": "answered", "retirement": "closed"}
    steps = [e.detail.get("step") for e in cases["retirement"].events.filter(action="rectification")]
    assert steps == ["open", "verify", "explain", "call_back", "rerate"]
    r = Rectification.objects.get(case=cases["retirement"])
    assert (r.rating.level, r.rerating.level, r.rating.current) == (2, 3, False)
    assert Rectification.objects.get(case=cases["after_death"]).department.code == "ADMIN_APPROVAL"
