"""The formal-review clock scan (cases.tasks.scan_review_clocks): 预警 and 超期 recorded once per review round."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from accounts.models import User
from cases import services
from cases.choices import CaseAction, CaseStatus, PointKind
from cases.models import CaseEvent
from cases.tasks import review_candidates, scan_review_clocks, scan_review_clocks_now
from cases.tests.conftest import make_ready_draft, pdf
from catalog.models import MaterialType

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str):
    return time_machine.travel(dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI), tick=False)


def clock_events(case) -> list[str]:
    return list(case.events.filter(item__isnull=True, action__startswith="clock").values_list("action", flat=True))


def test_the_review_clock_turns_warning_then_overdue_once_per_round(restaurant_one_thing):
    enterprise = User.objects.get(username="enterprise")
    window = User.objects.get(username="xinxiang_window")
    with at("2026-11-25 10:00"):  # a Wednesday; 新乡县: 2 working hours, due 12:00
        case = services.do_submit_case(make_ready_draft(enterprise, restaurant_one_thing), "k1", acting_user=enterprise)
    assert case.review_due_at == dt.datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)

    with at("2026-11-25 11:00"):
        assert scan_review_clocks_now() == {"warning": 0, "overdue": 0}
    with at("2026-11-25 11:40"):
        assert scan_review_clocks_now() == {"warning": 1, "overdue": 0}
        assert scan_review_clocks_now() == {"warning": 0, "overdue": 0}  # once
    with at("2026-11-25 13:30"):
        assert scan_review_clocks.enqueue().return_value == {"warning": 0, "overdue": 1}  # as the worker runs it
        assert scan_review_clocks_now() == {"warning": 0, "overdue": 0}
    assert clock_events(case) == [CaseAction.CLOCK_WARNING, CaseAction.CLOCK_OVERDUE]
    overdue = case.events.get(action=CaseAction.CLOCK_OVERDUE)
    assert (overdue.from_status, overdue.to_status, overdue.actor, overdue.summary) == (
        CaseStatus.SUBMITTED, CaseStatus.SUBMITTED, None, ""  # staff only: no text for the applicant
    )  # fmt: skip
    assert overdue.internal_note.startswith("形式审查")
    assert overdue.detail == {"clock": "review", "due": "2026-11-25T12:00:00+08:00"}

    with at("2026-11-25 14:00"):  # a correction stops the clock; the resubmission starts a new round
        services.do_request_correction(
            case, [{"kind": PointKind.MATERIAL, "key": "premises_layout", "reason": "未标注面积"}], acting_user=window
        )
        assert scan_review_clocks_now() == {"warning": 0, "overdue": 0}
    with at("2026-11-26 09:00"):
        services.do_replace_case_material(
            case, MaterialType.objects.get(key="premises_layout"), pdf(), acting_user=enterprise
        )
        services.do_resubmit_case(case, acting_user=enterprise)
    with at("2026-11-26 12:00"):  # due 11:00
        assert scan_review_clocks_now() == {"warning": 0, "overdue": 1}
    assert clock_events(case) == [CaseAction.CLOCK_WARNING, CaseAction.CLOCK_OVERDUE, CaseAction.CLOCK_OVERDUE]

    with at("2026-11-26 13:00"):
        services.do_receive_case(case, deferrals={"food_safety_rules": dt.date(2026, 12, 3)}, acting_user=window)
    with at("2026-11-30 10:00"):
        assert scan_review_clocks_now() == {"warning": 0, "overdue": 0}  # received: no review clock
    assert CaseEvent.objects.filter(action__startswith="clock", item__isnull=True).count() == 3


def test_only_cases_whose_clock_needs_an_event_are_selected(restaurant_one_thing):
    """The SQL selection (review_candidates): due within the warning horizon and without this round's event for the
    state the clock is in — a case already recorded is not read, let alone locked, at every run."""
    from workcalendar.services import WorkingCalendar

    enterprise = User.objects.get(username="enterprise")
    with at("2026-11-25 10:00"):  # due 12:00
        case = services.do_submit_case(make_ready_draft(enterprise, restaurant_one_thing), "k2", acting_user=enterprise)

    def selected(text: str) -> list[int]:
        now = dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
        return [c.pk for c in review_candidates(now, WorkingCalendar())]

    assert selected("2026-11-25 11:29") == []  # 31 working minutes left
    assert selected("2026-11-25 11:30") == [case.pk]
    with at("2026-11-25 11:30"):
        assert scan_review_clocks_now() == {"warning": 1, "overdue": 0}
    assert selected("2026-11-25 11:45") == []
    assert selected("2026-11-25 12:00") == []  # due now: still 预警, recorded
    assert selected("2026-11-25 12:01") == [case.pk]
    with at("2026-11-25 13:30"):
        assert scan_review_clocks_now() == {"warning": 0, "overdue": 1}
    assert selected("2026-11-26 09:00") == []


@pytest.mark.tasks
def test_the_review_clock_scan_runs_on_the_queue_and_its_worker(restaurant_one_thing, task_queue):
    """The task as deployed: enqueued on the configured backend (the database, or Redis with
    YIJIAN_TASKS_BACKEND=rq), run by its worker, its result read back from the backend."""
    from django_tasks import TaskResultStatus

    enterprise = User.objects.get(username="enterprise")
    with at("2026-11-25 10:00"):
        case = services.do_submit_case(make_ready_draft(enterprise, restaurant_one_thing), "k1", acting_user=enterprise)
    with at("2026-11-25 11:40"):
        scan_review_clocks.enqueue()
        assert clock_events(case) == []  # waiting for the worker
        [waiting] = task_queue.waiting()
        assert waiting.task.module_path == "cases.tasks.scan_review_clocks"
        task_queue.run()
    [done] = task_queue.results()
    assert (done.status, done.return_value) == (TaskResultStatus.SUCCESSFUL, {"warning": 1, "overdue": 0})
    assert clock_events(case) == [CaseAction.CLOCK_WARNING]
