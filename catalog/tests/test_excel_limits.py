"""Excel imports read within limits (catalog.excel.ImportLimits, settings EXCEL_IMPORT_MAX_*): a workbook past one
is refused whole, with a message naming the limit and where it was passed; nothing is written."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from catalog import excel
from catalog.excel import import_one_thing_list, workbook_bytes
from core.errors import ValidationReport

from .test_excel import counts, county_workbook

pytestmark = [pytest.mark.security, pytest.mark.django_db]

ROW = [1, "残疾人两项补贴申领", "个人", "区民政局", "困难残疾人生活补贴申领", "区民政局、残联", "县级", None]


@pytest.fixture
def hualong(db):
    from regions.models import Region

    return Region.objects.get(code="410902")


def rows(n: int) -> list[list]:
    """n one-things of one item each, numbered 1..n."""
    return [
        [i, f"测试一件事{i}", "个人", "区民政局", f"测试事项{i}", "区民政局", "县级", None] for i in range(1, n + 1)
    ]


def rewrite_sheet(content: bytes, pattern: bytes, replacement: bytes) -> bytes:
    """The .xlsx with `pattern` replaced once in its worksheet's XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(pattern, replacement, data)
                assert n == 1, data
            zout.writestr(info, data)
    return out.getvalue()


def refused(content: bytes, region) -> list:
    before = counts()
    with pytest.raises(ValidationReport) as exc:
        import_one_thing_list(
            io.BytesIO(content), region, acting_user=None, batch_number=93, batch_name="限额批", file_name="大表.xlsx"
        )
    assert counts() == before
    return exc.value.problems


def test_a_workbook_over_the_row_limit_is_refused_naming_the_limit(settings, hualong):
    settings.EXCEL_IMPORT_MAX_ROWS = 20
    [problem] = refused(workbook_bytes(county_workbook(rows(30))), hualong)
    assert problem.row == 21 and "超过 20 行的上限" in problem.reason
    assert str(problem).startswith("大表.xlsx，第21行：表格超过 20 行的上限")


def test_a_workbook_at_the_row_limit_imports(settings, hualong):
    settings.EXCEL_IMPORT_MAX_ROWS = 3 + 5  # two title rows, the header and five one-things
    result = import_one_thing_list(
        io.BytesIO(workbook_bytes(county_workbook(rows(5)))),
        hualong,
        acting_user=None,
        batch_number=94,
        batch_name="限",
    )
    assert result.one_things == 5


def test_a_workbook_over_the_column_limit_is_refused_naming_the_column(settings, hualong):
    settings.EXCEL_IMPORT_MAX_COLUMNS = 10
    wb = county_workbook([ROW])
    wb.active.cell(row=4, column=12, value="多余")
    [problem] = refused(workbook_bytes(wb), hualong)
    assert (problem.row, problem.column) == (4, "L列") and "超过 10 列的上限" in problem.reason


def test_a_workbook_over_the_cell_limit_is_refused(settings, hualong):
    settings.EXCEL_IMPORT_MAX_CELLS = 100
    [problem] = refused(workbook_bytes(county_workbook(rows(20))), hualong)
    assert "单元格超过 100 个的上限" in problem.reason


def test_merged_ranges_count_against_the_cell_limit(settings, hualong):
    """Ranges are filled cell by cell: many overlapping ones over the table cannot multiply the work unbounded."""
    settings.EXCEL_IMPORT_MAX_CELLS = 200  # the sheet holds about 150 values
    content = rewrite_sheet(
        workbook_bytes(county_workbook(rows(20))),
        rb'<mergeCells count="1"><mergeCell ref="A1:H1" ?/></mergeCells>',
        b'<mergeCells count="5">' + b'<mergeCell ref="A1:H23"/>' * 5 + b"</mergeCells>",
    )
    [problem] = refused(content, hualong)
    assert "合并单元格展开后超过 200 个单元格的上限" in problem.reason


def test_a_workbook_taking_longer_than_the_time_limit_is_refused(settings, hualong):
    settings.EXCEL_IMPORT_MAX_SECONDS = 0
    [problem] = refused(workbook_bytes(county_workbook(rows(3))), hualong)
    assert "读取超过 0 秒的上限" in problem.reason


def test_the_dimensions_a_file_states_are_not_trusted(settings, hualong):
    """A sheet claiming to be A1:A1 is still read to its end, so rows past a limit are not skipped unseen."""
    settings.EXCEL_IMPORT_MAX_ROWS = 20
    content = rewrite_sheet(
        workbook_bytes(county_workbook(rows(30))), rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"'
    )
    [problem] = refused(content, hualong)
    assert problem.row == 21


def test_a_zip_bomb_is_refused_unread(monkeypatch, hualong):
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 1024)
    [problem] = refused(workbook_bytes(county_workbook(rows(3))), hualong)
    assert "解压后超过" in problem.reason
