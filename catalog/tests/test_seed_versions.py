"""A changed seed makes a new version through the catalog services; the version a case was filed under, and its guide,
stay as they were (issue 12, point 5). And the loader and the Excel import make service items, and their codes, one way.
"""

import contextlib
import io

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from cases.models import Case, CaseItem
from cases.services import do_submit_case
from cases.tests.conftest import RESTAURANT_CODE, make_ready_draft
from catalog import services
from catalog.choices import OneThingStatus
from catalog.excel import import_one_thing_list, workbook_bytes
from catalog.loading import load_catalog
from catalog.models import CatalogChange, OneThing, ServiceItem
from catalog.tests.test_excel import county_workbook
from catalog.tests.test_loading import counts, edit_yaml, problems_of
from guides.models import GuideSnapshot
from regions.models import Department, Region

pytestmark = pytest.mark.django_db

RESTAURANT_SPEC = "xinxiang_restaurant.yaml"
NEW_SUMMARY = "开办餐饮店（种子数据修订后的说明）：营业执照信息核验、食品经营许可、招牌设置与消防检查一次办。"
HUALONG_FIRST = "410902-01-001"  # the first entry of lists/002_hualong.yaml


def file_restaurant_case() -> Case:
    enterprise = User.objects.get(username="enterprise")
    one_thing = OneThing.objects.get(code=RESTAURANT_CODE, status=OneThingStatus.PUBLISHED)
    draft = make_ready_draft(enterprise, one_thing)
    return do_submit_case(draft, "seed-version-test", acting_user=enterprise, ip="127.0.0.1")


def revise_restaurant_summary(data_dir) -> None:
    def revise(doc):
        doc["summary"] = NEW_SUMMARY

    edit_yaml(data_dir / "specs" / RESTAURANT_SPEC, revise)


class Undone(Exception):
    """Rolls an atomic block back."""


def test_a_changed_seed_of_a_one_thing_with_a_case_is_published_as_a_new_version(data_dir, client):
    case = file_restaurant_case()
    v1 = case.one_thing
    assert v1.version == 1 and v1.status == OneThingStatus.PUBLISHED
    old_guide = GuideSnapshot.objects.get(one_thing=v1)
    old_guide_content, old_summary = old_guide.content, v1.summary
    v1_items = sorted(v1.items.values_list("pk", flat=True))
    case_items = sorted(CaseItem.objects.filter(case=case).values_list("one_thing_item_id", flat=True))
    assert set(case_items) <= set(v1_items)
    revise_restaurant_summary(data_dir)
    last_change = CatalogChange.objects.order_by("pk").last().pk

    result = load_catalog(data_dir)

    assert (result.one_things_written, result.one_things_new_versions) == (1, 1)
    v2 = OneThing.objects.get(code=RESTAURANT_CODE, status=OneThingStatus.PUBLISHED)
    assert v2.version == 2 and v2.summary == NEW_SUMMARY and v2.published_at is not None
    assert v2.source_hash and v2.source_hash != v1.source_hash
    v1.refresh_from_db()
    assert v1.status == OneThingStatus.SUPERSEDED
    assert (v1.summary, sorted(v1.items.values_list("pk", flat=True))) == (old_summary, v1_items)
    case.refresh_from_db()
    assert case.one_thing_id == v1.pk
    assert sorted(CaseItem.objects.filter(case=case).values_list("one_thing_item_id", flat=True)) == case_items
    old_guide.refresh_from_db()
    assert old_guide.content == old_guide_content, "the guide the case was filed under is frozen"
    assert GuideSnapshot.objects.get(one_thing=v2).content != old_guide_content

    # the public guide is the new version's; the old one stays at its version's address
    current = client.get(reverse("guides:full", args=[RESTAURANT_CODE])).content.decode()
    filed = client.get(reverse("guides:version", args=[RESTAURANT_CODE, 1])).content.decode()
    assert NEW_SUMMARY in current and old_summary not in current
    assert old_summary in filed and NEW_SUMMARY not in filed

    # the change log: a new version from the seed, its content, the old version superseded, the new one published
    changes = list(CatalogChange.objects.filter(pk__gt=last_change).order_by("pk"))
    assert [(c.action, c.version) for c in changes] == [
        ("new_version", 2),
        ("load", 2),
        ("supersede", 1),
        ("publish", 2),
    ]
    assert all(c.actor is None and c.actor_label == "system" and v1.source_document in c.reason for c in changes)
    load = changes[1]
    assert (load.before["version"], load.after["version"]) == (1, 2)

    # loading the same files again writes nothing
    before = counts()
    again = load_catalog(data_dir)
    assert (again.one_things_written, again.one_things_new_versions) == (0, 0)
    assert counts() == before


def test_a_changed_seed_without_cases_no_longer_rewrites_the_published_guide(data_dir):
    v1 = OneThing.objects.get(code=HUALONG_FIRST, version=1)
    guide = GuideSnapshot.objects.get(one_thing=v1)
    content, note = guide.content, v1.items.order_by("order").first().note

    def annotate(doc):
        doc["one_things"][0]["items"][0]["note"] = "本地备注"

    edit_yaml(data_dir / "lists" / "002_hualong.yaml", annotate)
    result = load_catalog(data_dir)

    assert (result.one_things_written, result.one_things_new_versions) == (1, 1)
    v2 = OneThing.objects.get(code=HUALONG_FIRST, version=2)
    assert v2.status == OneThingStatus.PUBLISHED
    assert v2.items.order_by("order").first().note == "本地备注"
    v1.refresh_from_db()
    assert v1.status == OneThingStatus.SUPERSEDED and v1.items.order_by("order").first().note == note
    guide.refresh_from_db()
    assert guide.content == content
    load = CatalogChange.objects.get(one_thing=v2, action="load")
    assert load.before["items"][0]["name"] == load.after["items"][0]["name"]


def test_a_template_change_reaches_its_adoptions_as_new_versions(data_dir):
    template = OneThing.objects.get(region__code="410000", name="身后一件事", status=OneThingStatus.PUBLISHED)
    adopted = OneThing.objects.get(adopted_from=template, status=OneThingStatus.PUBLISHED)

    def revise(doc):
        doc["summary"] = "省级模板修订后的说明"

    edit_yaml(data_dir / "specs" / "henan_after_death.yaml", revise)
    result = load_catalog(data_dir)

    new_template = OneThing.objects.get(code=template.code, status=OneThingStatus.PUBLISHED)
    new_adopted = OneThing.objects.get(code=adopted.code, status=OneThingStatus.PUBLISHED)
    assert (new_template.version, new_adopted.version) == (template.version + 1, adopted.version + 1)
    assert new_adopted.adopted_from == new_template and new_adopted.summary == "省级模板修订后的说明"
    adopted.refresh_from_db()
    assert adopted.status == OneThingStatus.SUPERSEDED and adopted.adopted_from == template
    assert result.one_things_new_versions == OneThing.objects.filter(adopted_from=template).count() + 1


def test_a_retired_one_thing_stays_retired_when_its_seed_changes(data_dir):
    v1 = OneThing.objects.get(code=RESTAURANT_CODE, version=1)
    services.do_retire_one_thing(v1, acting_user=None, reason="停止办理")
    revise_restaurant_summary(data_dir)
    before = counts()

    result = load_catalog(data_dir)

    assert (result.one_things_kept_retired, result.one_things_written) == (1, 0)
    assert counts() == before
    v1.refresh_from_db()
    assert v1.status == OneThingStatus.RETIRED and v1.summary != NEW_SUMMARY


def test_a_changed_seed_is_refused_while_someone_edits_a_draft(data_dir, user_named):
    v1 = OneThing.objects.get(code=RESTAURANT_CODE, version=1)
    draft = services.do_create_one_thing_version(v1, acting_user=user_named("xinxiang_catalog_admin"), reason="调整")
    revise_restaurant_summary(data_dir)

    problems = problems_of(data_dir)

    assert any(RESTAURANT_SPEC in p and RESTAURANT_CODE in p and "草稿" in p for p in problems), problems
    draft.refresh_from_db()
    assert draft.status == OneThingStatus.DRAFT and draft.summary != NEW_SUMMARY


def test_a_listed_name_given_items_by_the_seed_is_published_in_place(data_dir):
    minquan = Region.objects.get(code="411421")
    listed = OneThing.objects.filter(region=minquan, status=OneThingStatus.LISTED, provincial=False).first()
    assert listed is not None and listed.version == 1
    civil = Department.objects.get(region=minquan, code="CIVIL_AFFAIRS")

    def give_items(doc):
        entry = next(e for e in doc["one_things"] if e["name"] == listed.name)
        entry["items"] = [{"name": "清单补列事项", "department": civil.name, "level": None}]

    edit_yaml(data_dir / "lists" / "000_minquan.yaml", give_items)
    load_catalog(data_dir)

    listed.refresh_from_db()
    assert (listed.version, listed.status) == (1, OneThingStatus.PUBLISHED)
    assert list(listed.items.values_list("service_item__name", flat=True)) == ["清单补列事项"]
    assert not OneThing.objects.filter(code=listed.code, version=2).exists()
    assert GuideSnapshot.objects.filter(one_thing=listed).exists()
    assert [c.action for c in CatalogChange.objects.filter(one_thing=listed).order_by("pk")][-2:] == ["load", "publish"]


def highest_number(region: Region, department: Department) -> int:
    prefix = f"{region.code}-{department.code}-"
    tails = [
        c[len(prefix) :] for c in ServiceItem.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    ]
    return max((int(t) for t in tails if t.isdigit()), default=0)


def test_the_loader_and_the_excel_import_code_new_items_alike(data_dir, django_user_model):
    """The same new items of the same departments get the same codes from either writer. 民权县's 人社局 already has
    items adopted from the province (codes 411421-410000-HR_SOCIAL-…): they do not count in its own sequence."""
    minquan = Region.objects.get(code="411421")
    hr = Department.objects.get(region=minquan, code="HR_SOCIAL")
    health = Department.objects.get(region=minquan, code="HEALTH")
    assert ServiceItem.objects.filter(region=minquan, department=hr, template__isnull=False).exists()
    new_items = [("编码测试社保事项甲", hr), ("编码测试卫健事项", health), ("编码测试社保事项乙", hr)]
    # each department's own sequence continues after the highest number used with its prefix
    hr_next, health_next = highest_number(minquan, hr) + 1, highest_number(minquan, health) + 1
    expected = [
        f"411421-HR_SOCIAL-{hr_next:03d}",
        f"411421-HEALTH-{health_next:03d}",
        f"411421-HR_SOCIAL-{hr_next + 1:03d}",
    ]

    def add_entry(doc):
        doc["one_things"].append(
            {
                "seq": 901,
                "name": "编码测试一件事",
                "subject": "natural",
                "items": [{"name": name, "department": dept.name, "level": None} for name, dept in new_items],
            }
        )

    edit_yaml(data_dir / "lists" / "000_minquan.yaml", add_entry)

    def codes() -> list[str]:
        return [ServiceItem.objects.get(region=minquan, department=d, name=n).code for n, d in new_items]

    by_loader: list[str] = []
    with contextlib.suppress(Undone), transaction.atomic():  # undone as the code undoes: an atomic block
        load_catalog(data_dir)
        by_loader = codes()
        raise Undone
    assert not ServiceItem.objects.filter(name__in=[n for n, _ in new_items]).exists()

    rows = [[1, "编码测试一件事", "个人", None, new_items[0][0], hr.name, None, None]]
    rows += [[None, None, None, None, name, dept.name, None, None] for name, dept in new_items[1:]]
    staff = django_user_model.objects.create_user("code_importer", display_name="清单导入员")
    import_one_thing_list(
        io.BytesIO(workbook_bytes(county_workbook(rows))),
        minquan,
        acting_user=staff,
        batch_number=77,
        batch_name="编码",
    )
    by_import = codes()

    assert by_loader == by_import == expected
