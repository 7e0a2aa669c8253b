"""Issue 10 part 4: a department's request for a supplement (补充材料) reaches the applicant's case page with its
reason, once; the applicant answers there with a reply and/or a file; the answer resumes the clock, is recorded on
the timeline, is told to the department and shown on its task page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from approvals import services as approvals
from cases.choices import CaseAction, ItemStatus
from cases.models import SupplementAnswer
from cases.tests.conftest import pdf
from notifications.models import Message
from results.tests.scenario import CHECK, at, item, restaurant_case, reviewer

pytestmark = pytest.mark.django_db

REASON = "请补充经营场所租赁合同的第2页（签字页）"


def test_the_applicant_answers_a_supplement_request_on_the_case_page_and_the_clock_resumes(client_for):
    case = restaurant_case()
    check = item(case, CHECK)
    with at("2026-11-23 10:00"):
        approvals.do_accept_item(check, acting_user=reviewer(check))
    with at("2026-11-24 10:00"):
        approvals.do_request_supplement(check, REASON, acting_user=reviewer(check))
    applicant = client_for("enterprise")
    page = applicant.get(f"/cases/{case.number}/").content.decode()
    assert page.count(REASON) >= 1 and 'id="supplements"' in page
    action = reverse("cases:answer_supplement", args=[case.number, check.pk])
    assert f'action="{action}"' in page

    empty = applicant.post(action, {"reply": "  "})
    assert empty.status_code == 400 and "请填写答复或选择文件" in empty.content.decode()
    check.refresh_from_db()
    assert check.status == ItemStatus.SUPPLEMENT and not SupplementAnswer.objects.exists()

    assert client_for("citizen").post(action, {"reply": "不是我的办件"}).status_code == 404
    with at("2026-11-26 10:00"):
        done = applicant.post(action, {"reply": "已补充签字页", "file": pdf("lease-page-2.pdf")})
    assert done.status_code == 302 and done["Location"].endswith("#supplements")
    check.refresh_from_db()
    assert check.status == ItemStatus.ACCEPTED and check.paused_workdays == 2  # Wed and Thu, paused
    answer = SupplementAnswer.objects.get(item=check)
    assert (answer.reply, answer.request_reason, answer.has_file) == ("已补充签字页", REASON, True)
    event = case.events.filter(action=CaseAction.RESUME_ITEM).get()
    assert (event.actor.username, event.channel) == ("enterprise", "online")
    assert Message.objects.filter(kind="task.supplement_answered", recipient__isnull=False).exists()

    department = client_for(reviewer(check).username)
    task = department.get(reverse("approvals:task", args=[check.pk])).content.decode()
    file_url = reverse("cases:supplement_file", args=[case.number, answer.pk])
    assert "已补充签字页" in task and file_url in task
    assert department.get(file_url).status_code == 200
    assert department.get(file_url)["Cache-Control"] == "private, no-store"
    assert client_for("xinxiang_rev_fire_rescue").get(file_url).status_code == 404  # not its item
    assert applicant.get(file_url).status_code == 200
    again = applicant.post(action, {"reply": "再来一次"})
    assert again.status_code == 409  # nothing is asked any more


def test_approving_before_a_booked_inspection_or_an_outstanding_deferred_material_asks_for_a_reason(client_for):
    """Issue 10 part 8: approving now would skip what the item waits for; the reviewer confirms with a reason,
    which the timeline records."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from approvals.services import ApprovalNeedsConfirmation

    case = restaurant_case()
    check = item(case, CHECK)
    with at("2026-11-23 10:00"):
        approvals.do_accept_item(check, acting_user=reviewer(check))
        approvals.do_book_inspection(
            case,
            [check],
            dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),  # a Wednesday, in office hours
            "经营场所",
            acting_user=User.objects.get(username="xinxiang_lead"),
        )
    with at("2026-11-23 11:00"), pytest.raises(ApprovalNeedsConfirmation) as asked:
        approvals.do_approve_item(check, acting_user=reviewer(check))
    assert "联合勘验" in asked.value.message
    department = client_for(reviewer(check).username)
    page = department.get(reverse("approvals:task", args=[check.pk])).content.decode()
    assert "尚未进行" in page  # told before pressing the button
    with at("2026-11-23 11:00"):
        refused = department.post(reverse("approvals:act", args=[check.pk, "approve"]), {})
    assert refused.status_code == 400
    check.refresh_from_db()
    assert check.status == ItemStatus.ACCEPTED
    with at("2026-11-23 11:05"):
        done = department.post(
            reverse("approvals:act", args=[check.pk, "approve"]), {"confirm_reason": "已通过视频方式核实经营场所"}
        )
    assert done.status_code == 302
    check.refresh_from_db()
    assert check.status == ItemStatus.APPROVED
    event = case.events.get(action=CaseAction.APPROVE_ITEM, item=check)
    assert event.detail["confirm_reason"] == "已通过视频方式核实经营场所" and event.detail["confirmed_despite"]
