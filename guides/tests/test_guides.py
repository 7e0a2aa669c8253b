"""Service guides through their real pages, services and command: elements, completeness, snapshots, PDFs."""

from __future__ import annotations

import io
import re
from html import unescape

import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog import services as catalog_services
from catalog.choices import OneThingStatus, Specification
from catalog.models import OneThing
from core.errors import UserFacingError
from guides.elements import ELEMENTS, elements_for, missing_elements
from guides.models import GuideSnapshot

pytestmark = pytest.mark.django_db

NEWBORN = "410721-01-009"


def full_codes() -> list[str]:
    return list(
        OneThing.objects.filter(status=OneThingStatus.PUBLISHED, specification=Specification.FULL)
        .order_by("code")
        .values_list("code", flat=True)
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def pdf_text(content: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_every_fully_specified_seed_one_thing_has_a_complete_published_guide():
    codes = full_codes()
    assert len(codes) >= 12
    for code in codes:
        snapshot = GuideSnapshot.objects.get(one_thing__code=code, one_thing__status=OneThingStatus.PUBLISHED)
        assert snapshot.complete, (code, snapshot.missing)


def test_full_guide_shows_every_element_of_the_standard_with_its_content():
    ot = OneThing.objects.get(code=NEWBORN, status=OneThingStatus.PUBLISHED)
    response = Client().get(reverse("guides:full", args=[NEWBORN]))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    for element in elements_for("full"):
        assert zh(element.label) in text, element.key
        assert f'id="{element.key}"' in html
    item = ot.items.select_related("service_item").first().service_item
    material = item.materials.first()
    expected = {
        "name": [ot.name, ot.code],
        "items": [item.name, item.code],
        "lead": [ot.lead_department.name],
        "departments": [item.department.name],
        "service_object": [ot.service_object[:20]],
        "legal_basis": [ot.legal_basis[0]],
        "level": ["县级"],
        "conditions": [ot.conditions.splitlines()[0][:20]],
        "materials": [material.name, material.standard[:10], "容缺受理情况", "书面承诺告知情况"],
        "intermediary": [ot.intermediary_services],
        "method": [ot.address[:15], ot.hours[:10]],
        "process": [ot.special_steps[:15]],
        "results": [item.result_name, item.result_sample[:15]],
        "time_limit": ["工作日"],
        "fees": ["不收费"],
        "delivery": ["窗口领取"],
        "remedies": ["行政复议", "行政诉讼"],
        "consultation": [ot.phone],
        "complaints": [ot.complaint_phone, "12345"],
        "enquiry": [ot.enquiry.splitlines()[0][:15]],
        "special_notes": ["是否须预约办理", ot.photo_note[:15]],
        "application_form": ["新生儿", "必填"],
        "commitment": ["承诺"],
        "flowchart": ["<svg"],
        "common_mistakes": [ot.common_mistakes[0]["wrong"], ot.common_mistakes[0]["right"]],
        "faq": [ot.faqs.first().question],
    }
    sections = dict(re.findall(r'<section id="(\w+)"[^>]*>(.*?)</section>', html, re.S))
    assert set(expected) == {e.key for e in elements_for("full")}
    for key, needles in expected.items():
        body = sections[key] if key == "flowchart" else text_of(sections[key])
        for needle in needles:
            assert needle in body, (key, needle)


def test_full_guide_pdf_carries_every_label_and_the_content():
    ot = OneThing.objects.get(code=NEWBORN, status=OneThingStatus.PUBLISHED)
    response = Client().get(reverse("guides:full_pdf", args=[NEWBORN]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert len(reader.pages) > 2
    for element in elements_for("full"):
        assert re.sub(r"\s+", "", zh(element.label)) in text, element.key
    for needle in [ot.name, ot.code, ot.intermediary_services, ot.common_mistakes[0]["wrong"], "行政复议", "第1页"]:
        assert re.sub(r"\s+", "", needle) in text, needle
    assert Client().get(reverse("guides:full", args=[NEWBORN]) + "?format=pdf").content[:5] == b"%PDF-"


def test_simple_guide_has_its_elements_the_qr_and_the_download_address():
    response = Client().get(reverse("guides:simple", args=[NEWBORN]))
    html = response.content.decode()
    text = text_of(html)
    for element in elements_for("simple"):
        assert zh(element.label_for("simple")) in text, element.key
    for element in set(ELEMENTS) - set(elements_for("simple")):
        assert f'id="{element.key}"' not in html
    assert "<svg" in html.split('class="qr"')[1][:200]  # the QR code to the full guide
    assert "/guides/410721-01-009/v1/full.pdf" in text


def test_simple_pdf_of_every_fully_specified_one_thing_fits_one_sheet():
    for code in full_codes():
        reader, text = pdf_text(Client().get(reverse("guides:simple_pdf", args=[code])).content)
        assert len(reader.pages) <= 2, code
        assert "扫码查阅完整版" in text, code


def test_pdfs_embed_every_font_and_have_chinese_headings():
    for name in ("guides:full_pdf", "guides:simple_pdf"):
        reader, text = pdf_text(Client().get(reverse(name, args=[NEWBORN])).content)
        assert "新生儿出生" in text and "办事指南" in text
        fonts = 0
        for page in reader.pages:
            resources = page.get("/Resources") or {}
            for font in (resources.get("/Font") or {}).values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                for f in [d.get_object() for d in descendants] if descendants else [font]:
                    descriptor = f.get("/FontDescriptor")
                    assert descriptor is not None, f.get("/BaseFont")
                    descriptor = descriptor.get_object()
                    assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f.get("/BaseFont")
                    fonts += 1
        assert fonts


def test_completeness_lists_what_an_incomplete_one_thing_lacks(user_named, client_for):
    admin = user_named("xinxiang_catalog_admin")
    v2 = catalog_services.do_create_one_thing_version(
        OneThing.objects.get(code=NEWBORN, version=1), acting_user=admin, reason="调整"
    )
    v2 = catalog_services.do_update_one_thing(
        v2, {"remedies": "", "common_mistakes": [], "in_person_required": None}, acting_user=admin, reason="测试"
    )
    with translation.override("zh-hans"):
        missing = missing_elements(v2)
    assert missing == ["行政救济途径与方式", "特殊注意事项", "常见错误示例"]
    page = client_for("xinxiang_catalog_admin").get(reverse("catalog:manage_detail", args=[v2.pk]))
    section = page.content.decode().split('id="guide-completeness"')[1].split("</div>")[0]
    for label in missing:
        assert label in section
    with pytest.raises(UserFacingError) as exc:
        catalog_services.do_publish_one_thing(v2, acting_user=admin, reason="发布")
    for label in missing:
        assert label in exc.value.message
    v2.refresh_from_db()
    assert v2.status == OneThingStatus.DRAFT
    assert not GuideSnapshot.objects.filter(one_thing=v2).exists()
    response = client_for("xinxiang_catalog_admin").post(
        reverse("catalog:manage_action", args=[v2.pk, "publish"]), {"reason": "发布"}, follow=True
    )
    assert "行政救济途径与方式" in response.content.decode()


def test_a_listed_only_one_thing_lacks_most_elements():
    listed = OneThing.objects.filter(status=OneThingStatus.PUBLISHED, specification=Specification.ITEMS).first()
    with translation.override("zh-hans"):
        missing = missing_elements(listed)
    assert {"申请材料", "中介服务", "行政救济途径与方式"} <= set(missing)
    snapshot = GuideSnapshot.objects.get(one_thing=listed)
    assert not snapshot.complete
    page = Client().get(reverse("guides:full", args=[listed.code])).content.decode()
    assert "申请材料" in page.split("guide-missing")[1].split("</div>")[0]


def test_published_guide_is_frozen_and_versions_keep_their_own(user_named):
    admin = user_named("xinxiang_catalog_admin")
    v1 = OneThing.objects.get(code=NEWBORN, version=1)
    url_current = reverse("guides:full", args=[NEWBORN])
    url_v1 = reverse("guides:version", args=[NEWBORN, 1])
    before = Client().get(url_current).content
    snapshot = GuideSnapshot.objects.get(one_thing=v1)
    hash_before = snapshot.content_hash
    # a published item edited in place (the catalog shares service items between versions)
    item = v1.items.select_related("service_item").first().service_item
    old_result = item.result_name
    item.result_name = "改动后的结果名称"
    item.save()
    assert Client().get(url_current).content == before
    assert "改动后的结果名称" not in Client().get(url_v1).content.decode()
    # a new version, published: a new guide; the old one stays at its address
    v2 = catalog_services.do_create_one_thing_version(v1, acting_user=admin, reason="调整")
    v2 = catalog_services.do_update_one_thing(
        v2, {"intermediary_services": "无（第二版）"}, acting_user=admin, reason="r"
    )
    catalog_services.do_publish_one_thing(v2, acting_user=admin, reason="发布第二版")
    current = Client().get(url_current).content.decode()
    assert "无（第二版）" in current and "改动后的结果名称" in current
    old = Client().get(url_v1).content.decode()
    assert "无（第二版）" not in old and old_result in old
    assert "v1" in old
    snapshot.refresh_from_db()
    assert snapshot.content_hash == hash_before
    assert GuideSnapshot.objects.get(one_thing=v2).content["version"] == 2
    assert Client().get(reverse("guides:version_simple", args=[NEWBORN, 1])).status_code == 200
    assert Client().get(reverse("guides:version", args=[NEWBORN, 9])).status_code == 404


def test_guide_links_on_catalog_and_guidance_pages():
    link = reverse("guides:version", args=[NEWBORN, 1])
    assert link in Client().get(reverse("catalog:detail", args=[NEWBORN])).content.decode()
    assert link in Client().get(reverse("guidance:guide", args=[NEWBORN])).content.decode()


def test_unknown_or_unpublished_guides_are_404():
    assert Client().get(reverse("guides:full", args=["NO-SUCH"])).status_code == 404
    listed = OneThing.objects.filter(status=OneThingStatus.LISTED).first()
    assert Client().get(reverse("guides:full", args=[listed.code])).status_code == 404


def test_render_guide_command(tmp_path):
    out = tmp_path / "g.pdf"
    call_command("render_guide", NEWBORN, "--variant", "simple", "--format", "pdf", "-o", str(out))
    assert len(pypdf.PdfReader(out).pages) <= 2
    html = tmp_path / "g.html"
    call_command("render_guide", NEWBORN, "--variant", "full", "--format", "html", "-o", str(html))
    assert "常见问题解答" in html.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="NO-SUCH"):
        call_command("render_guide", "NO-SUCH", "-o", str(out))


def test_a_case_links_to_the_guide_of_the_version_it_was_filed_under(settings, tmp_path, user_named, client_for):
    from cases.services import do_submit_case
    from cases.tests.conftest import RESTAURANT_CODE, make_ready_draft

    settings.MEDIA_ROOT = tmp_path / "media"
    enterprise = user_named("enterprise")
    v1 = OneThing.objects.get(code=RESTAURANT_CODE, status=OneThingStatus.PUBLISHED)
    case = do_submit_case(make_ready_draft(enterprise, v1), "guide-link", acting_user=enterprise, ip="127.0.0.1")
    admin = user_named("xinxiang_catalog_admin")
    v2 = catalog_services.do_create_one_thing_version(v1, acting_user=admin, reason="调整")
    v2 = catalog_services.do_update_one_thing(v2, {"special_notes": "第二版说明"}, acting_user=admin, reason="r")
    catalog_services.do_publish_one_thing(v2, acting_user=admin, reason="发布第二版")
    page = client_for("enterprise").get(reverse("cases:detail", args=[case.number])).content.decode()
    link = reverse("guides:version", args=[RESTAURANT_CODE, v1.version])
    assert link in page and "办事指南（申请时版本）" in page
    old = Client().get(link).content.decode()
    assert "第二版说明" not in old and "已不是现行版本" in old
    assert "第二版说明" in Client().get(reverse("guides:full", args=[RESTAURANT_CODE])).content.decode()


def test_guide_pages_read_only_the_snapshot(django_assert_max_num_queries):
    client = Client()
    client.get(reverse("guides:full", args=[NEWBORN]))  # warm caches (content types, translations)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("guides:full", args=[NEWBORN])).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(reverse("guides:version_simple", args=[NEWBORN, 1])).status_code == 200
