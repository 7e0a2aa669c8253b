"""No crash on bad input (issue 11, part 5): the four 500s found by probing, each answered calmly now.

`next=123` on the batch accept and on a document's revocation was taken by `redirect()` for a URL name
(NoReverseMatch, 500); an id above 2**63 in a multiple choice reached the database (`pk__in`, OverflowError on
SQLite, DataError on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from approvals.tests.conftest import FIRE, FOOD, at, item_of, restaurant_case, user
from catalog import services as catalog_services
from catalog.models import OneThing

pytestmark = [pytest.mark.django_db, pytest.mark.security]

HUGE = str(2**70)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def client_of(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user(username))
    return client


@pytest.mark.parametrize(
    "back", ["123", "approvals:index", "//evil.example/", "/\\evil.example", "https://evil.example/"]
)
def test_batch_accept_with_an_odd_next_goes_back_to_the_queue(back):
    with at("2026-11-24 10:00"):
        food = item_of(restaurant_case(), FOOD)
        response = client_of("xinxiang_rev_market").post(
            reverse("approvals:batch_accept"), {"items": [food.pk, HUGE, "-1", "x"], "next": back}
        )
    assert response.status_code == 302 and response["Location"] == reverse("approvals:index")


def test_document_revoke_with_an_odd_next_goes_back_to_the_case():
    with at("2026-11-24 10:00"):
        case = restaurant_case()
    applicant = client_of("enterprise")
    assert applicant.get(f"/documents/case/{case.number}/receipt.pdf").status_code == 200
    response = client_of("xinxiang_window").post(
        f"/documents/case/{case.number}/receipt/revoke/", {"reason": "", "next": "123"}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/#documents"


def test_inspection_with_an_oversized_item_id_is_a_field_error():
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        fire = item_of(case, FIRE)
        response = client_of("xinxiang_lead").post(
            reverse("approvals:book_inspection", args=[fire.pk]),
            {"items": [fire.pk, HUGE], "scheduled_at": "2026-11-26T10:00", "place": "现场"},
        )
    assert response.status_code == 400
    errors = response.context["book_form"].errors["items"]
    assert errors and "不是一个有效的值" in errors[0]


def test_prerequisites_with_an_oversized_id_is_a_field_error():
    v1 = OneThing.objects.get(code="410721-01-001", version=1)
    draft = catalog_services.do_create_one_thing_version(
        v1, acting_user=user("xinxiang_catalog_admin"), reason="年度调整"
    )
    first = draft.items.order_by("order").first()
    response = client_of("xinxiang_catalog_admin").post(
        reverse("catalog:manage_edit_item", args=[draft.pk, first.pk]),
        {"department": first.department_id, "promised_days": "", "prerequisites": [HUGE], "reason": "试"},
    )
    assert response.status_code == 200
    assert "不是一个有效的值" in response.content.decode()


def test_parse_id_and_is_safe_next():
    from core.fields import MAX_ID, parse_id
    from core.http import is_safe_next

    assert [parse_id(v) for v in ["1", " 42 ", str(MAX_ID), str(MAX_ID + 1), "0", "-3", "x", "１", "", None]] == [
        1,
        42,
        MAX_ID,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]

    class Request:
        def get_host(self):
            return "testserver"

        def is_secure(self):
            return False

    request = Request()
    assert is_safe_next("/tasks/?state=queued", request)
    for bad in ["123", "tasks", "//evil.example", "/\\evil", "http://evil.example/", "/a\nb", "/" + "a" * 3000, ""]:
        assert not is_safe_next(bad, request), bad
