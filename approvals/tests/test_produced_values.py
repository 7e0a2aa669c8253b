"""Issue 10 part 2: the form asks only what the applicant can know. A value produced by another item of the same
case (the 出生医学证明编号 of 《出生医学证明》办理, the newborn's 公民身份号码 of 户口登记) is not asked; the department
enters it when it approves the producing item, and the items that use it read it from the case."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cases.choices import CaseAction, ItemStatus
from cases.models import CaseItem
from catalog.choices import OneThingStatus, Specification
from catalog.models import OneThing, ServiceItem
from guidance.metrics import fullest_answers
from guidance.services import build_notice
from oneform.services import merge_form

from .conftest import at
from .test_scenarios import item, one_thing, received_case

pytestmark = pytest.mark.django_db

CERTIFICATE = "《出生医学证明》办理（首签）"
HUKOU = "户口登记（申报出生登记）1岁以下婚内生育"


def situations(ot: OneThing):
    """The fullest situation and, for each question, each of its options on top of it."""
    fullest = fullest_answers(ot)
    yield fullest
    for question in ot.questions.all():
        for option in question.options.all():
            yield {**fullest, question.key: option.key}


def fully_specified():
    return OneThing.objects.filter(
        status=OneThingStatus.PUBLISHED, is_template=False, specification=Specification.FULL
    ).order_by("code")


def test_no_fully_specified_form_asks_for_a_value_its_own_case_produces():
    checked = 0
    for ot in fully_specified():
        for answers in situations(ot):
            selected = build_notice(ot, answers).selected_items
            produced = {
                key
                for si in ServiceItem.objects.filter(one_thing_items__in=[line.pk for line in selected])
                for key in si.result_produces
            }
            form = merge_form(ot, selected)
            assert not set(form.keys) & produced, (ot.name, answers)
            used = {f.key for f in form.produced}
            assert used <= produced
            checked += 1
    assert checked > 12  # every measured one-thing, several situations each


def test_the_newborn_form_page_does_not_ask_the_two_numbers_and_says_why(client_for):
    newborn = one_thing("新生儿出生")
    query = urlencode({f"q.{k}": v for k, v in fullest_answers(newborn).items()})
    page = client_for("citizen_spouse").get(f"/apply/{newborn.code}/?{query}")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="newborn.birth_certificate_number"' not in body
    assert 'name="newborn.id_number"' not in body
    assert 'name="newborn.name"' in body  # the page is the form, with the fields the applicant can know
    assert "出生医学证明编号" in body and CERTIFICATE in body  # listed as produced, with the item producing it


def test_an_adopted_one_thing_keeps_what_its_results_produce():
    county = OneThing.objects.get(name="身后一件事", region__code="411421", status=OneThingStatus.PUBLISHED)
    first = county.items.get(service_item__name__startswith="居民死亡医学证明").service_item
    assert first.template is not None
    assert first.result_produces == ["deceased.death_certificate_number"] == first.template.result_produces


def test_the_department_enters_the_produced_value_when_it_approves(client_for, media_root):
    newborn = one_thing("新生儿出生")
    with at("2026-11-24 09:00"):
        case = received_case("新生儿出生", "citizen", {"q": fullest_answers(newborn), "skip": [], "lic": []})
    certificate = item(case, CERTIFICATE)
    health = client_for("xinxiang_rev_health")
    with at("2026-11-24 10:00"):
        assert health.post(reverse("approvals:act", args=[certificate.pk, "accept"])).status_code == 302
        page = health.get(reverse("approvals:task", args=[certificate.pk])).content.decode()
        assert "出生医学证明编号" in page  # asked on the approve form
        url = reverse("approvals:act", args=[certificate.pk, "approve"])
        missing = health.post(url, {"result_number": "Q410000123"})
        assert missing.status_code == 400
        assert "此项为必填项" in missing.content.decode()
        assert CaseItem.objects.get(pk=certificate.pk).status == ItemStatus.ACCEPTED  # nothing written
        too_long = health.post(url, {"result_number": "Q1", "produced__newborn__birth_certificate_number": "Q" * 30})
        assert too_long.status_code == 400
        done = health.post(
            url, {"result_number": "Q410000123", "produced__newborn__birth_certificate_number": "Q410000123"}
        )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.values["newborn.birth_certificate_number"] == "Q410000123"
    event = case.events.get(action=CaseAction.APPROVE_ITEM, item=certificate)
    assert event.detail["produced"] == ["newborn.birth_certificate_number"]
    assert "出生医学证明编号" in event.summary and HUKOU in event.summary  # who uses it
    police = client_for("xinxiang_rev_public_security")
    hukou_page = police.get(reverse("approvals:task", args=[item(case, HUKOU).pk])).content.decode()
    assert "Q410000123" in hukou_page  # the item that needs it reads it
