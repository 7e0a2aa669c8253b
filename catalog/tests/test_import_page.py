"""The Excel import page: problems listed with rows, nothing written; only catalog staff of the region."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Batch, OneThing, OneThingItem

pytestmark = pytest.mark.django_db

HEADER = ["序号", "一件事名称", "个人/法人", "牵头单位", "联办事项", "联办单位", "层级", "完成时限"]


def workbook(rows: list[list]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("清单.xlsx", buffer.getvalue())


def post(client, upload, region="411323", batch=9):
    return client.post(
        reverse("catalog:manage_import"),
        {"region": region, "batch_number": batch, "batch_name": "第九批", "file": upload},
    )


def test_bad_rows_are_listed_and_nothing_is_written(client_for):
    before = (OneThing.objects.count(), OneThingItem.objects.count(), Batch.objects.count())
    upload = workbook(
        [
            [1, "我要开书店", "法人", "市场监督管理局", "出版物零售单位设立", "不存在的局", "县级", "2026年底前"],
            [2, "我要开花店", "机器人", "市场监督管理局", "公司登记", "市场监督管理局", "县级", ""],
        ]
    )
    response = post(client_for("xixia_catalog_admin"), upload)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert {(p.row, p.column) for p in problems} >= {(2, "联办单位"), (3, "个人/法人")}
    body = response.content.decode()
    assert "不存在的局" in body and "未导入任何内容" in body
    assert (OneThing.objects.count(), OneThingItem.objects.count(), Batch.objects.count()) == before


def test_good_sheet_is_imported_as_drafts(client_for):
    upload = workbook([[1, "我要开书店", "法人", "市场监督管理局", "公共场所卫生许可", "卫健委", "县级", "2026年底前"]])
    response = post(client_for("xixia_catalog_admin"), upload)
    assert response.status_code == 302
    created = OneThing.objects.get(region__code="411323", name="我要开书店")
    assert created.status == "draft" and created.items.count() == 1


def test_staff_of_another_region_cannot_import_here(client_for):
    upload = workbook([[1, "我要开书店", "法人", "市场监督管理局", "公共场所卫生许可", "卫健委", "县级", ""]])
    response = post(client_for("minquan_catalog_admin"), upload)
    assert response.status_code == 200  # the form refuses a region outside the user's scope
    assert "region" in response.context["form"].errors
    assert not OneThing.objects.filter(name="我要开书店").exists()


@pytest.mark.parametrize("username", ["xixia_window", "xixia_supervisor", "citizen"])
def test_import_page_is_closed_to_other_roles(client_for, username):
    assert client_for(username).get(reverse("catalog:manage_import")).status_code == 404
