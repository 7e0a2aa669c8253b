"""Issue 10 part 5: the applicant chooses how to receive the results when filing (统一/分别领取; window, post with an
address, download), and may change it on the case page until delivery starts. A choice the one-thing cannot honour
is refused beside its field, and nothing is filed."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cases.choices import CaseAction
from cases.models import Case
from results.choices import DeliveryMode

pytestmark = pytest.mark.django_db


def submit(client, one_thing, **delivery):
    url = reverse("cases:submit", args=[one_thing.code])
    return client.post(url, {"submission_key": uuid.uuid4().hex, **{f"delivery-{k}": v for k, v in delivery.items()}})


def test_the_submit_page_asks_how_to_receive_the_results(client_for, restaurant_one_thing, restaurant_draft_ready):
    page = client_for("enterprise").get(reverse("cases:submit", args=[restaurant_one_thing.code]))
    body = page.content.decode()
    assert 'name="delivery-mode"' in body and 'name="delivery-method"' in body
    assert 'value="unified"' in body and "checked" in body.split('name="delivery-mode"', 1)[1][:200]  # a default


def test_post_one_by_one_is_refused_and_nothing_is_filed(client_for, restaurant_one_thing, restaurant_draft_ready):
    client = client_for("enterprise")
    refused = submit(client, restaurant_one_thing, mode="separate", method="post", address="新乡县人民路1号",
                     recipient="王五", phone="13800000000")  # fmt: skip
    assert refused.status_code == 400
    assert "邮寄" in refused.content.decode()  # why, beside the field
    assert not Case.objects.exists()
    no_address = submit(client, restaurant_one_thing, mode="unified", method="post")
    assert no_address.status_code == 400 and not Case.objects.exists()


def test_the_choice_is_filed_with_the_case_and_can_be_changed_later(
    client_for, restaurant_one_thing, restaurant_draft_ready
):
    client = client_for("enterprise")
    filed = submit(client, restaurant_one_thing, mode="unified", method="post", address="新乡县人民路1号",
                   recipient="王五", phone="138 0000 0000")  # fmt: skip
    assert filed.status_code == 302
    case = Case.objects.get()
    choice = case.delivery_choice
    assert (choice.mode, choice.method, choice.address, choice.phone) == (
        DeliveryMode.UNIFIED,
        "post",
        "新乡县人民路1号",
        "13800000000",
    )
    assert case.events.filter(action=CaseAction.CHOOSE_DELIVERY, actor__username="enterprise").count() == 1
    page = client.get(reverse("results:delivery", args=[case.number])).content.decode()
    assert "新乡县人民路1号" in page  # shown where it can be changed
    changed = client.post(reverse("results:delivery", args=[case.number]), {"mode": "separate", "method": "download"})
    assert changed.status_code == 302
    case.delivery_choice.refresh_from_db()
    assert case.delivery_choice.method == "download"


def test_a_way_the_one_thing_does_not_offer_is_refused(client_for):
    from catalog.models import OneThing

    school = OneThing.objects.get(name="教育入学", region__code="410721", status="published")
    assert "post" not in school.delivery_methods
    from accounts.models import User
    from cases.tests.conftest import make_ready_draft
    from guidance.metrics import fullest_answers

    citizen = User.objects.get(username="citizen")
    make_ready_draft(citizen, school, answers={"q": fullest_answers(school), "skip": [], "lic": []}, leave_out=())
    refused = submit(client_for("citizen"), school, mode="unified", method="post", address="x", recipient="y",
                     phone="13800000000")  # fmt: skip
    assert refused.status_code == 400 and not Case.objects.exists()
