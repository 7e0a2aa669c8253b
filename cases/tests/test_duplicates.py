"""Issue 11 part 10: one open case per applicant and one-thing. A second filing is refused with a link to the open
case; the window may file again with a reason, which the trail records; once the first case is withdrawn (or
ended), filing again is ordinary."""

from __future__ import annotations

import uuid

import pytest

from accounts.models import User
from cases import services
from cases.choices import CaseAction, CaseStatus
from cases.models import Case

from .conftest import make_ready_draft
from .test_services import ready_draft, submit, window

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def test_a_second_online_filing_is_refused_with_a_link_to_the_open_case(restaurant_one_thing, client_for):
    first = submit(ready_draft(restaurant_one_thing))
    second = ready_draft(restaurant_one_thing)  # a new draft of the same one-thing, ready to go
    with pytest.raises(services.DuplicateOpenCase) as refused:
        submit(second)
    assert refused.value.existing == first and first.number in refused.value.message
    assert Case.objects.count() == 1

    client = client_for("enterprise")
    page = client.get(f"/cases/submit/{restaurant_one_thing.code}/").content.decode()
    assert f'href="/cases/{first.number}/"' in page and "您已有一件尚未办结的申请" in page
    assert "submission_key" not in page  # no submit form to send
    response = client.post(
        f"/cases/submit/{restaurant_one_thing.code}/",
        {"submission_key": uuid.uuid4().hex, "delivery-mode": "unified", "delivery-method": "window"},
    )
    assert response.status_code == 200 and Case.objects.count() == 1
    assert f'href="/cases/{first.number}/"' in response.content.decode()

    services.do_withdraw_case(first, "填错了", acting_user=User.objects.get(username="enterprise"))
    assert submit(second).status == CaseStatus.SUBMITTED  # nothing open any more: an ordinary filing
    assert Case.objects.count() == 2


def test_the_window_may_file_again_only_with_a_reason_which_is_recorded(restaurant_one_thing):
    first = submit(ready_draft(restaurant_one_thing))
    online = ready_draft(restaurant_one_thing)
    with pytest.raises(services.DuplicateOpenCase):  # the applicant cannot give a reason for themselves
        services.do_submit_case(online, uuid.uuid4().hex, acting_user=online.user, duplicate_reason="我想再办一件")
    draft = make_ready_draft(online.user, restaurant_one_thing, acting_user=window())  # the window's own draft
    with pytest.raises(services.DuplicateOpenCase):
        services.do_submit_case(draft, uuid.uuid4().hex, acting_user=window(), duplicate_reason="   ")
    second = services.do_submit_case(
        draft, uuid.uuid4().hex, acting_user=window(), duplicate_reason="第二家门店，另行申请"
    )
    event = second.events.get(action=CaseAction.FILE_WALK_IN)
    assert event.detail["duplicate_of"] == first.number
    assert event.detail["duplicate_reason"] == "第二家门店，另行申请"
    assert first.number in event.internal_note and event.actor == window()
