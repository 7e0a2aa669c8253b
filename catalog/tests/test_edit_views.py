"""Catalog staff edit drafts through pages; every change goes through a service and is recorded."""

import pytest
from django.urls import reverse

from catalog import services
from catalog.forms import GUIDE_EDIT_FIELDS, MistakesField
from catalog.models import CatalogChange, OneThing

pytestmark = pytest.mark.django_db

CODE = "410721-01-001"  # 企业信息变更, 新乡县


@pytest.fixture
def draft(user_named) -> OneThing:
    v1 = OneThing.objects.get(code=CODE, version=1)
    return services.do_create_one_thing_version(v1, acting_user=user_named("xinxiang_catalog_admin"), reason="年度调整")


def form_data(one_thing: OneThing, **changes) -> dict:
    data = {
        "name": one_thing.name,
        "lead_department": one_thing.lead_department_id or "",
        "summary": one_thing.summary,
        "service_object": one_thing.service_object,
        "conditions": one_thing.conditions,
        "address": one_thing.address,
        "hours": one_thing.hours,
        "phone": one_thing.phone,
        "deadline_text": one_thing.deadline_text,
        "note": one_thing.note,
        # the service guide fields, as the browser posts them (NullBooleanSelect: "unknown"/"true"/"false")
        **{
            f: {None: "unknown", True: "true", False: "false"}.get(v, v)
            for f in GUIDE_EDIT_FIELDS
            if f != "common_mistakes"
            for v in [getattr(one_thing, f)]
        },
        "common_mistakes": MistakesField.as_text(one_thing.common_mistakes),
        "reason": "更新办理地点",
    }
    data.update(changes)
    return data


def test_catalog_admin_edits_a_draft_and_the_change_is_recorded(client_for, draft):
    url = reverse("catalog:manage_edit", args=[draft.pk])
    response = client_for("xinxiang_catalog_admin").post(url, form_data(draft, address="新乡县政务服务中心二楼"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.address == "新乡县政务服务中心二楼"
    change = CatalogChange.objects.filter(one_thing=draft, action="edit").latest("id")
    assert change.after == {"address": "新乡县政务服务中心二楼"} and change.reason == "更新办理地点"
    assert change.actor.username == "xinxiang_catalog_admin"


def test_editing_a_published_version_is_refused_with_a_message(client_for):
    v1 = OneThing.objects.get(code=CODE, version=1)
    url = reverse("catalog:manage_edit", args=[v1.pk])
    response = client_for("xinxiang_catalog_admin").post(url, form_data(v1, address="改地址"))
    assert response.status_code == 200
    assert "不能编辑" in response.content.decode()
    v1.refresh_from_db()
    assert v1.address != "改地址"


def test_missing_reason_keeps_what_was_typed(client_for, draft):
    url = reverse("catalog:manage_edit", args=[draft.pk])
    response = client_for("xinxiang_catalog_admin").post(url, form_data(draft, address="新地址", reason=""))
    assert response.status_code == 200
    assert "新地址" in response.content.decode()
    assert response.context["form"].errors["reason"]
    draft.refresh_from_db()
    assert draft.address != "新地址"


@pytest.mark.parametrize("username", ["minquan_catalog_admin", "xinxiang_supervisor", "xinxiang_window", "citizen"])
def test_others_cannot_edit(client_for, draft, username):
    url = reverse("catalog:manage_edit", args=[draft.pk])
    assert client_for(username).post(url, form_data(draft, address="x")).status_code == 404
    draft.refresh_from_db()
    assert draft.address != "x"


def test_item_cycle_through_the_page_is_refused_with_the_cycle_named(client_for, draft):
    client = client_for("xinxiang_catalog_admin")
    items = list(draft.items.select_related("service_item", "department").order_by("order"))
    first, second = items[0], items[1]
    assert first in second.prerequisites.all()  # 企业变更登记 comes before the others
    url = reverse("catalog:manage_edit_item", args=[draft.pk, first.pk])
    response = client.post(
        url, {"department": first.department_id, "promised_days": "", "prerequisites": [second.pk], "reason": "试"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "循环" in body and first.service_item.name in body and second.service_item.name in body
    assert list(first.prerequisites.all()) == []


def test_item_promised_limit_is_adjusted_and_recorded(client_for, draft):
    client = client_for("xinxiang_catalog_admin")
    item = draft.items.select_related("service_item").order_by("order").first()
    url = reverse("catalog:manage_edit_item", args=[draft.pk, item.pk])
    prereqs = [p.pk for p in item.prerequisites.all()]
    response = client.post(
        url, {"department": item.department_id, "promised_days": 1, "prerequisites": prereqs, "reason": "提速"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.promised_days == 1
    assert CatalogChange.objects.filter(one_thing=draft, action="override_item", reason="提速").exists()


def test_common_mistakes_are_edited_one_per_line_and_bad_lines_are_named(client_for, draft):
    url = reverse("catalog:manage_edit", args=[draft.pk])
    admin = client_for("xinxiang_catalog_admin")
    lines = "未带身份证原件 → 携带本人居民身份证原件\n\n照片为自拍 -> 使用近期免冠证件照"
    bad = admin.post(url, form_data(draft, common_mistakes=lines + "\n只写了错误没有正确做法"))
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "第4行" in page and "只写了错误没有正确做法" in page  # the line is named, what was typed is kept
    draft.refresh_from_db()
    assert draft.common_mistakes != [{"wrong": "未带身份证原件", "right": "携带本人居民身份证原件"}]
    assert admin.post(url, form_data(draft, common_mistakes=lines)).status_code == 302
    draft.refresh_from_db()
    assert draft.common_mistakes == [
        {"wrong": "未带身份证原件", "right": "携带本人居民身份证原件"},
        {"wrong": "照片为自拍", "right": "使用近期免冠证件照"},
    ]
    change = CatalogChange.objects.filter(one_thing=draft, action="edit").latest("id")
    assert "common_mistakes" in change.after
    assert "未带身份证原件 → 携带本人居民身份证原件" in admin.get(url).content.decode()  # shown as typed
