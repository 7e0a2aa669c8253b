"""Uploaded material files as served and as replaced on a case: the same checks as a draft's upload
(materials.services.check_file), served never cached and never sniffed, under a safe name."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from accounts.models import User
from cases import services
from cases.choices import PointKind
from cases.models import CaseMaterial
from catalog.models import MaterialType
from core.errors import UserFacingError

from .conftest import pdf

pytestmark = [pytest.mark.security, pytest.mark.django_db]


def javascript_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_material_downloads_are_private_not_cached_and_not_sniffed(client_for, submitted_restaurant_case):
    case = submitted_restaurant_case
    material = case.materials.exclude(file="").first()
    response = client_for("enterprise").get(
        reverse("cases:material_file", args=[case.number, material.material_type.key])
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_an_older_unsafe_stored_name_is_served_safe_with_the_extension_of_its_type(
    client_for, submitted_restaurant_case
):
    case = submitted_restaurant_case
    material = case.materials.exclude(file="").first()
    CaseMaterial.objects.filter(pk=material.pk).update(original_name="..\\报告\r\n.exe")
    response = client_for("enterprise").get(
        reverse("cases:material_file", args=[case.number, material.material_type.key])
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and "\r" not in disposition and "\n" not in disposition
    assert "filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf" in disposition  # 报告.pdf


def test_a_case_material_replaced_with_a_javascript_pdf_is_refused_and_nothing_changes(submitted_restaurant_case):
    case = submitted_restaurant_case
    layout = MaterialType.objects.get(key="premises_layout")
    services.do_request_correction(
        case,
        [{"kind": PointKind.MATERIAL, "key": layout.key, "reason": "平面图未标注面积"}],
        acting_user=User.objects.get(username="xinxiang_window"),
    )
    material = case.materials.get(material_type=layout)
    before = (material.file.name, material.sha256, material.original_name)
    with pytest.raises(UserFacingError) as exc:
        services.do_replace_case_material(case, layout, pdf("平面图.pdf", javascript_pdf()), acting_user=case.applicant)
    assert "含有脚本" in exc.value.message
    material.refresh_from_db()
    assert (material.file.name, material.sha256, material.original_name) == before
    replaced = services.do_replace_case_material(case, layout, pdf("平面图v2.exe"), acting_user=case.applicant)
    assert replaced.original_name == "平面图v2.pdf"
