"""Catalog state changes: versions, publishing, retiring, prerequisites, adoption, and their records."""

import pytest

from catalog import services
from catalog.choices import ItemOrigin, OneThingStatus
from catalog.models import CatalogChange, OneThing, OneThingItem
from core.errors import ConflictError, UserFacingError
from regions.models import Department, Region

pytestmark = pytest.mark.django_db

ACTIONS = {
    "publish": lambda ot, user: services.do_publish_one_thing(ot, acting_user=user, reason="r"),
    "retire": lambda ot, user: services.do_retire_one_thing(ot, acting_user=user, reason="r"),
    "new_version": lambda ot, user: services.do_create_one_thing_version(ot, acting_user=user, reason="r"),
    "edit": lambda ot, user: services.do_update_one_thing(ot, {"note": "x"}, acting_user=user, reason="r"),
    "delete_draft": lambda ot, user: services.do_delete_draft(ot, acting_user=user, reason="r"),
}


def published(code="410721-01-001") -> OneThing:
    return OneThing.objects.get(code=code, version=1)


@pytest.mark.parametrize("status", [s.value for s in OneThingStatus])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_transition_not_in_the_table_is_refused(status, action, user_named):
    """One table of allowed transitions; each disallowed (state, action) pair raises ConflictError."""
    one_thing = published()
    OneThing.objects.filter(pk=one_thing.pk).update(status=status)
    one_thing.refresh_from_db()
    changes_before = CatalogChange.objects.count()
    admin = user_named("xinxiang_catalog_admin")
    if action in services.ALLOWED_ACTIONS[status]:
        ACTIONS[action](one_thing, admin)
        assert CatalogChange.objects.count() > changes_before
    else:
        with pytest.raises(ConflictError) as exc:
            ACTIONS[action](one_thing, admin)
        assert one_thing.name in exc.value.message
        assert CatalogChange.objects.count() == changes_before
        one_thing.refresh_from_db()
        assert one_thing.status == status


def test_new_version_keeps_the_published_one_and_publishing_supersedes_it(user_named):
    admin = user_named("xinxiang_catalog_admin")
    v1 = published()
    v2 = services.do_create_one_thing_version(v1, acting_user=admin, reason="部门调整")
    assert (v2.code, v2.version, v2.status) == (v1.code, 2, OneThingStatus.DRAFT)
    assert v2.items.count() == v1.items.count()
    v1.refresh_from_db()
    assert v1.status == OneThingStatus.PUBLISHED  # a case filed now still sees v1
    services.do_update_one_thing(v2, {"note": "新增说明"}, acting_user=admin, reason="补充说明")
    services.do_publish_one_thing(v2, acting_user=admin, reason="发布新版")
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (OneThingStatus.SUPERSEDED, OneThingStatus.PUBLISHED)
    assert v1.note == ""
    actions = list(
        CatalogChange.objects.filter(one_thing_code=v1.code, actor=admin)
        .order_by("id")
        .values_list("action", "version")
    )
    assert actions == [("new_version", 2), ("edit", 2), ("supersede", 1), ("publish", 2)]
    edit = CatalogChange.objects.get(one_thing_code=v1.code, action="edit")
    assert (edit.before, edit.after, edit.reason) == ({"note": ""}, {"note": "新增说明"}, "补充说明")


def test_a_second_draft_is_refused(user_named):
    admin = user_named("xinxiang_catalog_admin")
    services.do_create_one_thing_version(published(), acting_user=admin, reason="a")
    with pytest.raises(ConflictError, match="草稿|draft"):
        services.do_create_one_thing_version(published(), acting_user=admin, reason="b")


def test_a_new_version_needs_a_reason(user_named):
    with pytest.raises(UserFacingError):
        services.do_create_one_thing_version(published(), acting_user=user_named("admin"), reason="  ")
    assert OneThing.objects.filter(code="410721-01-001").count() == 1


def test_prerequisite_cycle_is_refused_and_named(user_named):
    admin = user_named("xinxiang_catalog_admin")
    draft = services.do_create_one_thing_version(published(), acting_user=admin, reason="调整前后置")
    a, b, c = list(draft.items.order_by("order"))[:3]
    services.do_set_prerequisites(b, [a], acting_user=admin)
    services.do_set_prerequisites(c, [b], acting_user=admin)
    with pytest.raises(UserFacingError) as exc:
        services.do_set_prerequisites(a, [c], acting_user=admin)
    message = exc.value.message
    for item in (a, b, c):
        assert item.service_item.name in message
    assert "→" in message
    assert list(a.prerequisites.all()) == []


def test_combined_time_limit_is_the_critical_path_not_the_sum(user_named):
    admin = user_named("xinxiang_catalog_admin")
    draft = services.do_create_one_thing_version(published(), acting_user=admin, reason="时限")
    items = list(draft.items.order_by("order"))
    for i, it in enumerate(items):
        it.promised_days = [3, 2, 4, 1, 1, 1, 1, 1][i]
        it.save()
        services.do_set_prerequisites(it, [], acting_user=admin)
    services.do_set_prerequisites(items[1], [items[0]], acting_user=admin)  # 3 + 2 = 5
    assert services.combined_promised_days(draft) == 5  # not the sum of all


def test_adoption_maps_items_to_the_county_departments_by_function(user_named):
    admin = user_named("admin")
    template = OneThing.objects.filter(is_template=True, status=OneThingStatus.PUBLISHED).first()
    if template is None:
        pytest.skip("no provincial template in the seed catalog")
    region = Region.objects.get(code="410902")  # 华龙区 has not adopted it
    adopted = services.do_adopt_one_thing(template, region, acting_user=admin, reason="承接省定事项")
    assert adopted.region == region and adopted.status == OneThingStatus.DRAFT
    assert adopted.adopted_from == template
    pairs = {
        (it.service_item.name, it.department.code) for it in adopted.items.select_related("service_item", "department")
    }
    expected = {
        (it.service_item.name, it.department.code) for it in template.items.select_related("service_item", "department")
    }
    assert pairs == expected
    assert all(it.department.region == region for it in adopted.items.all())
    assert set(adopted.items.values_list("origin", flat=True)) == {ItemOrigin.INHERITED}
    with pytest.raises(ConflictError):
        services.do_adopt_one_thing(template, region, acting_user=admin, reason="again")


def test_local_override_is_marked_and_bounded_by_the_legal_limit(user_named):
    admin = user_named("admin")
    template = OneThing.objects.filter(is_template=True, status=OneThingStatus.PUBLISHED).first()
    if template is None:
        pytest.skip("no provincial template in the seed catalog")
    adopted = services.do_adopt_one_thing(template, Region.objects.get(code="410902"), acting_user=admin, reason="承接")
    item = adopted.items.select_related("service_item").filter(service_item__legal_days__isnull=False).first()
    with pytest.raises(UserFacingError):
        services.do_override_one_thing_item(
            item, acting_user=admin, reason="x", promised_days=item.service_item.legal_days + 1
        )
    services.do_override_one_thing_item(item, acting_user=admin, reason="本地承诺提速", promised_days=1)
    item.refresh_from_db()
    assert (item.origin, item.effective_promised_days) == (ItemOrigin.OVERRIDDEN, 1)
    other_region_dept = Department.objects.exclude(region=adopted.region).first()
    with pytest.raises(UserFacingError):
        services.do_override_one_thing_item(item, acting_user=admin, reason="x", department=other_region_dept)


def test_publishing_without_items_is_refused(user_named):
    listed = OneThing.objects.filter(status=OneThingStatus.LISTED).first()
    with pytest.raises(UserFacingError):
        services.do_publish_one_thing(listed, acting_user=user_named("admin"))
    listed.refresh_from_db()
    assert listed.status == OneThingStatus.LISTED


def test_prerequisite_from_another_one_thing_is_refused(user_named):
    admin = user_named("admin")
    draft = services.do_create_one_thing_version(published(), acting_user=admin, reason="x")
    other = OneThingItem.objects.exclude(one_thing=draft).first()
    with pytest.raises(UserFacingError):
        services.do_set_prerequisites(draft.items.first(), [other], acting_user=admin)
