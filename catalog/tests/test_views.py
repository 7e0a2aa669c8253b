"""Pages through real HTTP endpoints, per role × action, with pinned query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.choices import OneThingStatus
from catalog.models import CatalogChange, OneThing

pytestmark = pytest.mark.django_db

XINXIANG_CODE = "410721-01-001"  # 企业信息变更, 新乡县


def xinxiang_v1() -> OneThing:
    return OneThing.objects.get(code=XINXIANG_CODE, version=1)


def test_public_catalog_lists_and_filters(client):
    response = client.get(reverse("catalog:index"))
    assert response.status_code == 200
    assert (
        response.context["total"]
        == OneThing.objects.filter(status__in=[OneThingStatus.PUBLISHED, OneThingStatus.LISTED]).count()
    )
    response = client.get(reverse("catalog:index"), {"region": "411323"})
    assert response.context["total"] == 58
    response = client.get(reverse("catalog:index"), {"region": "411323", "subject": "natural"})
    names = [ot.name for ot in response.context["page"]]
    assert names and all(
        OneThing.objects.get(code=ot.code, version=ot.version).subject == "natural" for ot in response.context["page"]
    )


def test_search_by_item_name_finds_one_things_holding_it(client):
    response = client.get(reverse("catalog:index"), {"q": "食品（含保健食品）经营许可", "region": "410902"})
    names = {ot.name for ot in response.context["page"]}
    assert "开办餐馆、饭店" in names and "开办美容美发店" not in names


def test_filter_by_department_and_stage(client):
    response = client.get(reverse("catalog:index"), {"department": "供电公司", "region": "411323"})
    assert response.context["total"] > 0
    for ot in response.context["page"]:
        assert ot.items.filter(department__aliases__icontains="供电公司").exists() or "供电" in str(
            [d.name for d in [i.department for i in ot.items.all()]]
        )
    response = client.get(reverse("catalog:index"), {"stage": "school"})
    assert all(ot.stage == "school" for ot in response.context["page"])


def test_htmx_request_gets_only_the_results(client):
    response = client.get(reverse("catalog:index"), {"q": "火锅"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "火锅" in body


def test_catalog_page_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(reverse("catalog:index"))


def test_detail_page_shows_items_departments_and_origin(client):
    response = client.get(reverse("catalog:detail", args=[XINXIANG_CODE]))
    assert response.status_code == 200
    body = response.content.decode()
    one_thing = xinxiang_v1()
    for item in one_thing.items.select_related("service_item", "department"):
        assert item.service_item.name in body
        assert item.department.name in body


def test_detail_query_count_does_not_grow_with_items(client):
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("catalog:detail", args=["410902-01-003"]))  # few items
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("catalog:detail", args=["410721-01-006"]))  # 18 items
    assert len(large.captured_queries) <= len(small.captured_queries) + 2


def test_unknown_one_thing_is_404(client):
    assert client.get(reverse("catalog:detail", args=["no-such-code"])).status_code == 404


def test_drafts_are_not_public(client, user_named):
    from catalog import services

    draft = services.do_create_one_thing_version(xinxiang_v1(), acting_user=user_named("admin"), reason="x")
    assert client.get(reverse("catalog:detail", args=[XINXIANG_CODE]), {"v": draft.version}).status_code == 404


# role × action: expected outcome for a 新乡县 one-thing
ROLES = {
    None: "login",
    "citizen": 404,
    "xinxiang_window": 404,
    "xinxiang_reviewer": 404,
    "xinxiang_supervisor": 200,
    "xinxiang_catalog_admin": 200,
    "minquan_catalog_admin": 404,
    "henan_catalog_admin": 200,
    "admin": 200,
}
MAY_CHANGE = {"xinxiang_catalog_admin", "henan_catalog_admin", "admin"}


@pytest.mark.parametrize("username", list(ROLES))
def test_manage_detail_per_role(client_for, username):
    response = client_for(username).get(reverse("catalog:manage_detail", args=[xinxiang_v1().pk]))
    expected = ROLES[username]
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("username", [u for u in ROLES if u])
def test_new_version_per_role(client_for, username):
    one_thing = xinxiang_v1()
    response = client_for(username).post(
        reverse("catalog:manage_action", args=[one_thing.pk, "new_version"]), {"reason": "调整联办单位"}
    )
    created = OneThing.objects.filter(code=XINXIANG_CODE, version=2).first()
    if username in MAY_CHANGE:
        assert response.status_code == 302
        assert created is not None and created.status == OneThingStatus.DRAFT
        change = CatalogChange.objects.get(one_thing=created, action="new_version")
        assert change.actor.username == username and change.reason == "调整联办单位"
    else:
        assert response.status_code == 404
        assert created is None


@pytest.mark.parametrize("username", [u for u in ROLES if u])
def test_manage_index_shows_only_own_region(client_for, username):
    response = client_for(username).get(reverse("catalog:manage_index"), {"q": "", "status": ""})
    if ROLES[username] == 404 and username != "minquan_catalog_admin":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    regions = {ot.region.code for ot in response.context["page"]}
    if username == "minquan_catalog_admin":
        assert regions == {"411421"}
    elif username.startswith("xinxiang"):
        assert regions == {"410721"}


def test_conflicting_action_gets_a_message_not_an_error(client_for):
    client = client_for("xinxiang_catalog_admin")
    one_thing = xinxiang_v1()
    url = reverse("catalog:manage_action", args=[one_thing.pk, "publish"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(one_thing.name in m for m in messages)
    one_thing.refresh_from_db()
    assert one_thing.status == OneThingStatus.PUBLISHED


def test_retire_without_reason_is_refused_with_a_message(client_for):
    one_thing = xinxiang_v1()
    response = client_for("admin").post(
        reverse("catalog:manage_action", args=[one_thing.pk, "retire"]), {"reason": " "}, follow=True
    )
    assert response.status_code == 200
    one_thing.refresh_from_db()
    assert one_thing.status == OneThingStatus.PUBLISHED
    assert [str(m) for m in response.context["messages"]]


def test_ui_is_chinese_even_when_the_browser_asks_for_english(client):
    body = client.get(reverse("catalog:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "按名称或事项查询" in body and "Search by name or item" not in body


def test_one_set_of_materials_lists_a_shared_material_once(client):
    response = client.get(reverse("catalog:detail", args=["410721-01-009"]))  # 新生儿出生
    materials = response.context["materials"]
    type_keys = [m["type"].key for m in materials]
    assert len(type_keys) == len(set(type_keys))
    shared = [m for m in materials if len(set(m["items"])) >= 2]
    assert shared, "a birth one-thing shares at least one material between its items"
    one_thing = OneThing.objects.get(code="410721-01-009", version=1)
    for m in shared:
        users = {
            it.service_item.name
            for it in one_thing.items.select_related("service_item")
            if it.service_item.materials.filter(material_type=m["type"]).exists()
        }
        assert set(m["items"]) == users


def test_detail_links_to_the_guide_only_when_published_with_items(client):
    body = client.get(reverse("catalog:detail", args=["410721-01-003"])).content.decode()  # 开办餐饮店
    assert reverse("guidance:guide", args=["410721-01-003"]) in body
    listed = OneThing.objects.filter(status=OneThingStatus.LISTED).first()
    body = client.get(reverse("catalog:detail", args=[listed.code])).content.decode()
    assert "/guide/" not in body
