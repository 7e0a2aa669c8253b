"""Issue 11 part 3: the lead department (牵头部门) sees only the cases of the one-things it leads, and within them
only what its role needs: the progress of every item, the data and files of its own department's items only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from catalog.models import OneThing
from results.tests.scenario import FIRE, item, restaurant_case

pytestmark = [pytest.mark.django_db, pytest.mark.security]

LEAD = "xinxiang_lead"  # 新乡县市场监督管理局, lead department of 开办餐饮店


def lead_department_id() -> int:
    return User.objects.get(username=LEAD).roles.get(role="lead").department_id


def test_within_its_one_things_the_lead_reads_only_its_own_departments_data(client_for):
    case = restaurant_case()
    assert case.one_thing.lead_department_id == lead_department_id()
    own = {i.name for i in case.items.all() if i.department_id == lead_department_id()}
    others = [m for m in case.materials.exclude(file="") if m.items and not own & set(m.items)]
    mine = [m for m in case.materials.exclude(file="") if own & set(m.items or [])]
    assert others and mine
    lead, window = client_for(LEAD), client_for("xinxiang_window")
    for material in others:  # e.g. the fire safety files: the fire brigade's and the window's, not the lead's
        path = reverse("cases:material_file", args=[case.number, material.material_type.key])
        assert lead.get(path).status_code == 404
        assert window.get(path).status_code == 200
    for material in mine:
        assert (
            lead.get(reverse("cases:material_file", args=[case.number, material.material_type.key])).status_code == 200
        )

    fire = item(case, FIRE)
    page = lead.get(reverse("approvals:task", args=[fire.pk]))
    assert page.status_code == 200  # it follows the fire check's progress
    text = page.content.decode()
    assert "由办理该事项的部门查看" in text and "/materials/" not in text
    assert 'id="materials"' in window_page(window, fire.pk)


def window_page(client, pk: int) -> str:
    return client.get(reverse("approvals:task", args=[pk])).content.decode()


def test_the_lead_does_not_see_cases_of_one_things_it_does_not_lead(client_for):
    case = restaurant_case()
    lead = client_for(LEAD)
    receipt = reverse("documents:receipt", args=[case.number])
    assert lead.get(receipt).status_code == 200  # its own one-thing's case
    fire_department = item(case, FIRE).department
    OneThing.objects.filter(pk=case.one_thing_id).update(lead_department=fire_department)
    assert lead.get(receipt).status_code == 404  # now another department leads it: the same 404 as "no such case"
    assert client_for("xinxiang_window").get(receipt).status_code == 200
