"""The catalog's change log in Chinese (issue 10, part 9): actions, fields and values by their names and labels on
the management page, never a raw key, `true`/`false` or JSON."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from catalog import changelog, services
from catalog.choices import DeliveryMethod, OneThingStatus
from catalog.models import CatalogChange, OneThing
from regions.models import Department

pytestmark = pytest.mark.django_db

CODE = "410721-01-001"  # 企业信息变更, 新乡县


@pytest.fixture
def admin(user_named):
    return user_named("xinxiang_catalog_admin")


@pytest.fixture
def draft(admin) -> OneThing:
    v1 = OneThing.objects.get(code=CODE, version=1)
    return services.do_create_one_thing_version(v1, acting_user=admin, reason="年度调整")


def lines_of(change: CatalogChange) -> dict[str, tuple[str, str]]:
    return {line.label: (line.before, line.after) for line in changelog.describe(change)}


def test_an_edit_reads_field_names_and_values_in_chinese(admin, draft):
    draft.appointment_required = draft.in_person_required = None
    draft.save()
    services.do_update_one_thing(
        draft,
        {
            "appointment_required": True,
            "in_person_required": False,
            "delivery_methods": [DeliveryMethod.WINDOW, DeliveryMethod.POST],
            "common_mistakes": [{"wrong": "漏签字", "right": "每页签字"}],
            "address": "新乡县政务服务中心二楼",
        },
        acting_user=admin,
        reason="更新办理须知",
    )
    change = CatalogChange.objects.filter(one_thing=draft, action="edit").latest("id")
    lines = lines_of(change)
    assert lines["须预约办理"] == ("—", "是")
    assert lines["须本人亲自办理"] == ("—", "否")
    assert lines["送达方式"][1] == "窗口领取、邮寄送达"
    assert lines["常见错误示例"][1] == "漏签字（正确：每页签字）"
    assert lines["办理地点"][1] == "新乡县政务服务中心二楼"
    assert changelog.action_label(change.action) == "编辑"


def test_publish_and_new_version_read_statuses_versions_and_items(admin, draft):
    new_version = CatalogChange.objects.get(one_thing=draft, action="new_version")
    lines = lines_of(new_version)
    assert lines["版本"] == ("v1", "v2")
    assert lines["所含事项"][1].startswith(f"共{draft.items.count()}项：")
    services.do_publish_one_thing(draft, acting_user=admin)
    publish = CatalogChange.objects.filter(one_thing=draft, action="publish").latest("id")
    assert lines_of(publish)["状态"] == (str(OneThingStatus.DRAFT.label), str(OneThingStatus.PUBLISHED.label))
    supersede = CatalogChange.objects.filter(one_thing_code=CODE, version=1, action="supersede").latest("id")
    assert lines_of(supersede)["状态"][1] == str(OneThingStatus.SUPERSEDED.label)


def test_an_item_adjustment_reads_as_the_item_and_its_new_department(admin, draft):
    item = draft.items.select_related("service_item", "department").first()
    was = item.department.name
    other = Department.objects.filter(region=draft.region).exclude(pk=item.department_id).first()
    services.do_override_one_thing_item(item, acting_user=admin, reason="换联办单位", department=other)
    change = CatalogChange.objects.filter(one_thing=draft, action="override_item").latest("id")
    lines = lines_of(change)
    assert lines[f"{item.service_item.name} · 部门"] == (was, other.name)
    assert changelog.action_label(change.action) == "本地调整事项"


def test_the_management_page_shows_the_log_in_words(client_for, admin, draft):
    services.do_update_one_thing(draft, {"appointment_required": True}, acting_user=admin, reason="须预约")
    html = client_for("xinxiang_catalog_admin").get(reverse("catalog:manage_detail", args=[draft.pk])).content
    html = html.decode()
    log = html[html.index('id="change-history"') :]
    assert "须预约办理：— → 是" in log or "须预约办理：否 → 是" in log
    assert "生成新版本" in log and "编辑" in log
    assert "系统" in log  # the seed load, by the system
    text = re.sub(r"<[^>]+>", " ", log)
    for raw in ("new_version", "edit ", "system", "true", "false", "{", "None"):
        assert raw not in text, raw
