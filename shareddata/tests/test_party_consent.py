"""共同申请 (issue 10 part 2): the other party to a marriage is nobody's registered relative yet, so only they can let
the applicant's form use their data — from their own account, for that applicant and that one-thing, revocably."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.models import User
from catalog.models import OneThing
from guidance.metrics import fullest_answers
from shareddata.choices import ConsentScope, EventAction, PrefillSource
from shareddata.models import PartyConsent, SharedDataEvent
from shareddata.services import do_grant_consent, do_grant_party_consent, prefill_for

pytestmark = pytest.mark.django_db

SPOUSE_KEYS = ["spouse.name", "spouse.id_number", "spouse.mobile", "spouse.hukou_address", "spouse.marital_status"]


def marriage() -> OneThing:
    return OneThing.objects.get(name="结婚登记一件事", region__code="411421", status="published")


def form_url(ot: OneThing) -> str:
    return f"/apply/{ot.code}/?" + urlencode({f"q.{k}": v for k, v in fullest_answers(ot).items()})


def input_value(page: str, key: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{re.escape(key)}"[^>]*value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def test_the_other_party_consents_from_their_own_account_and_the_form_fills_their_part(client_for):
    ot = marriage()
    groom = client_for("engaged")
    before = groom.get(form_url(ot)).content.decode()
    assert input_value(before, "spouse.name") in ("", None)
    assert "我的授权" in before  # the form says how the other person can fill in their part

    bride = client_for("engaged_partner")
    page = bride.get(reverse("shareddata:consents")).content.decode()
    assert 'id="party"' in page and ot.code in page
    url = reverse("shareddata:grant_party")
    wrong = bride.post(
        url, {"one_thing": ot.code, "applicant_name": "吴九九", "applicant_id_number": "411421199801060014"}
    )
    assert wrong.status_code == 400 and "请核对" in wrong.content.decode()
    unknown = bride.post(
        url, {"one_thing": ot.code, "applicant_name": "吴九", "applicant_id_number": "110101199003070011"}
    )
    assert unknown.content.decode().count("请核对") == wrong.content.decode().count("请核对")  # the same answer
    assert not PartyConsent.objects.exists()
    done = bride.post(
        url, {"one_thing": ot.code, "applicant_name": "吴九", "applicant_id_number": "411421199801060014"}
    )
    assert done.status_code == 302
    consent = PartyConsent.objects.get()
    assert (consent.grantor.username, consent.grantee.username) == ("engaged_partner", "engaged")
    event = SharedDataEvent.objects.get(action=EventAction.GRANT_PARTY_CONSENT)
    assert event.subject == consent.grantor and event.actor == consent.grantor  # her data, her act

    after = groom.get(form_url(ot)).content.decode()
    assert input_value(after, "spouse.name") == "郑十"
    assert input_value(after, "spouse.id_number") == "411421199809020025"
    assert input_value(after, "spouse.hukou_address") == "河南省商丘市民权县北关镇演示街21号"
    assert "未婚" in after.split('name="spouse.marital_status"', 1)[1][:600]  # the selected option
    values = prefill_for(consent.grantee, SPOUSE_KEYS, one_thing_code=ot.code)
    assert {v.source for v in values.values()} == {PrefillSource.PARTY}
    assert values["spouse.name"].authoritative and not values["spouse.mobile"].authoritative


def test_the_consent_is_for_that_applicant_and_that_one_thing_only():
    ot = marriage()
    bride, groom, other = (User.objects.get(username=u) for u in ("engaged_partner", "engaged", "citizen"))
    do_grant_party_consent(
        bride, applicant_name="吴九", applicant_id_number=groom.id_number, one_thing_code=ot.code, acting_user=bride
    )
    assert prefill_for(groom, SPOUSE_KEYS, one_thing_code=ot.code)
    assert not prefill_for(other, SPOUSE_KEYS, one_thing_code=ot.code)  # not 张三's form
    assert not prefill_for(groom, SPOUSE_KEYS, one_thing_code="410721-01-009")  # not another one-thing
    assert not prefill_for(groom, SPOUSE_KEYS)  # not without saying which one-thing


def test_nobody_can_consent_for_someone_else_or_to_their_own_application():
    from core.errors import UserFacingError

    ot = marriage()
    bride, groom = User.objects.get(username="engaged_partner"), User.objects.get(username="engaged")
    with pytest.raises(UserFacingError):
        do_grant_party_consent(
            bride, applicant_name="吴九", applicant_id_number=groom.id_number, one_thing_code=ot.code, acting_user=groom
        )
    with pytest.raises(UserFacingError):
        do_grant_party_consent(
            bride, applicant_name="郑十", applicant_id_number=bride.id_number, one_thing_code=ot.code, acting_user=bride
        )
    assert not PartyConsent.objects.exists()


def test_withdrawing_stops_the_filling_and_only_the_grantor_may_withdraw(client_for):
    ot = marriage()
    bride, groom = User.objects.get(username="engaged_partner"), User.objects.get(username="engaged")
    consent = do_grant_party_consent(
        bride, applicant_name="吴九", applicant_id_number=groom.id_number, one_thing_code=ot.code, acting_user=bride
    )
    url = reverse("shareddata:withdraw_party", args=[consent.pk])
    assert client_for("engaged").post(url).status_code == 404  # the applicant cannot withdraw her consent
    assert client_for("engaged_partner").post(url).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not prefill_for(groom, SPOUSE_KEYS, one_thing_code=ot.code)
    assert SharedDataEvent.objects.filter(action=EventAction.WITHDRAW_PARTY_CONSENT, subject=bride).count() == 1


def test_the_couples_children_come_from_the_registry_with_consent():
    father = User.objects.get(username="citizen")  # 张三: 张子涵 in the registry (the newborn is not registered yet)
    assert "childbearing.existing_children" not in prefill_for(father, ["childbearing.existing_children"])
    do_grant_consent(father, ConsentScope.POPULATION, acting_user=father, purpose="测试")
    assert prefill_for(father, ["childbearing.existing_children"])["childbearing.existing_children"].value == "1"
    groom = User.objects.get(username="engaged")
    do_grant_consent(groom, ConsentScope.POPULATION, acting_user=groom, purpose="测试")
    assert prefill_for(groom, ["childbearing.existing_children"])["childbearing.existing_children"].value == "0"
