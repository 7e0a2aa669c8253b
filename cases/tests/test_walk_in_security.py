"""Issue 11 part 2: what window staff reach of an applicant through a walk-in. They work on a draft of the window's
own, never on the applicant's online draft (not shown, not changed, not filed); they see no profile values (一人一档)
of the account; and opening a walk-in is recorded (who, when, which one-thing, why) where the applicant sees it."""

from __future__ import annotations

import pytest

from accounts.models import User
from cases import services
from catalog.models import MaterialType
from core.errors import UserFacingError
from materials.services import do_upload_material
from oneform.models import ApplicationDraft
from oneform.services import do_save_draft
from shareddata.choices import ConsentScope
from shareddata.models import SharedDataEvent
from shareddata.services import do_grant_consent, do_remember_values

from .conftest import RESTAURANT_ANSWERS, pdf
from .test_window_views import RESTAURANT_QUERY, WINDOW, intake_url, legal_person

pytestmark = [pytest.mark.django_db, pytest.mark.security]

AREA = "premises.area"  # 经营场所面积: typed by the applicant


def test_staff_never_see_or_change_the_applicants_online_draft(client_for, restaurant_one_thing):
    enterprise = User.objects.get(username="enterprise")
    online = do_save_draft(enterprise, restaurant_one_thing, RESTAURANT_ANSWERS, {AREA: "4321"}, acting_user=enterprise)
    staff = client_for(WINDOW)
    url = intake_url(staff)
    page = staff.get(url).content.decode()
    assert 'value="4321"' not in page  # the applicant's own draft is not read

    staff.post(url, {"action": "save", AREA: "99", **dict(p.split("=") for p in RESTAURANT_QUERY.split("&"))})
    online.refresh_from_db()
    assert online.values[AREA] == "4321"  # not changed
    window_drafts = ApplicationDraft.objects.filter(user=enterprise, channel=ApplicationDraft.WINDOW)
    assert window_drafts.count() == 1 and window_drafts.get().pk != online.pk

    staff_user = User.objects.get(username=WINDOW)
    with pytest.raises(UserFacingError):
        do_upload_material(online, MaterialType.objects.first(), pdf("x.pdf"), acting_user=staff_user)
    with pytest.raises(UserFacingError):
        services.do_submit_case(online, "staff-files-online-draft", acting_user=staff_user)
    assert not online.uploads.exists()


def test_staff_see_no_profile_values_of_the_account(client_for, restaurant_one_thing):
    enterprise = User.objects.get(username="enterprise")
    do_grant_consent(enterprise, ConsentScope.PROFILE, acting_user=enterprise, purpose="一人一档")
    do_remember_values(enterprise, {AREA: "5678"}, acting_user=enterprise)
    own = client_for("enterprise").get(f"/apply/{restaurant_one_thing.code}/?{RESTAURANT_QUERY}").content.decode()
    assert 'value="5678"' in own  # the applicant's own form offers it
    staff = client_for(WINDOW)
    assert 'value="5678"' not in staff.get(intake_url(staff)).content.decode()


def test_opening_a_walk_in_records_who_when_which_and_why(client_for, restaurant_one_thing):
    staff = client_for(WINDOW)
    intake_url(staff, data=legal_person(reason="elderly_or_disabled"))
    event = SharedDataEvent.objects.get(subject__username="enterprise", action="open_walk_in")
    assert event.actor.username == WINDOW and event.at is not None
    assert event.after["one_thing"] == restaurant_one_thing.code and "优先帮办" in event.after["reason"]
    consents = client_for("enterprise").get("/shared-data/consents/").content.decode()
    assert "窗口帮办代办" in consents and restaurant_one_thing.name in consents
