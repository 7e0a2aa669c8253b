"""Excel import and export of one-thing lists (catalog/excel.py and the export_list / import_list commands)."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.choices import ItemLevel, OneThingStatus, Specification, Subject
from catalog.excel import COLUMNS, SHEET_TITLE, export_one_things, import_one_thing_list, workbook_bytes
from catalog.models import Batch, CatalogChange, OneThing, OneThingItem, ServiceItem
from core.errors import ValidationReport
from regions.models import Region

HUALONG = "410902"


@pytest.fixture
def hualong(db):
    return Region.objects.get(code=HUALONG)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("excel_importer", display_name="清单导入员")


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (OneThing, OneThingItem, ServiceItem, Batch, CatalogChange)
    }


def item_rows(one_thing: OneThing) -> list[tuple[str, str, list[str], str]]:
    return [
        (
            it.service_item.name,
            it.department.name,
            sorted(d.name for d in it.supporting_departments.all()),
            it.level,
        )
        for it in one_thing.items.select_related("service_item", "department").order_by("order")
    ]


def merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def county_workbook(rows: list[list], *, header: list[str] | None = None, title_rows: int = 2) -> openpyxl.Workbook:
    """A sheet as county staff make it: title rows, then the header, then `rows` (None for an empty cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.cell(row=1, column=1, value="华龙区“一件事一次办”事项清单（测试批）")
    ws.merge_cells("A1:H1")
    if title_rows > 1:
        ws.cell(row=2, column=1, value="填报单位：区政务服务和大数据管理局")
    header_row = title_rows + 1
    for col, text in enumerate(header or COLUMNS, 1):
        ws.cell(row=header_row, column=col, value=text)
    for r, values in enumerate(rows, header_row + 1):
        for col, value in enumerate(values, 1):
            if value is not None:
                ws.cell(row=r, column=col, value=value)
    return wb


def merge_one_thing(ws, first: int, last: int) -> None:
    """Merge 序号, 一件事名称, 个人/法人, 牵头单位 and 完成时限 over rows first..last, as staff do."""
    for col in "ABCDH":
        ws.merge_cells(f"{col}{first}:{col}{last}")


# ---------------------------------------------------------------------------------------------------- export


@pytest.mark.django_db
def test_export_writes_one_row_per_item_and_merges_the_one_thing_cells(hualong):
    one_things = list(OneThing.objects.filter(region=hualong).current().order_by("seq"))
    listed = OneThing.objects.filter(status=OneThingStatus.LISTED, items__isnull=True).first()
    assert listed is not None, "the seed catalog has name-only one-things"

    ws = export_one_things([*one_things, listed])[SHEET_TITLE]

    assert [c.value for c in ws[2]] == COLUMNS
    assert ws["A2"].font.b and ws["A2"].alignment.wrap_text
    assert ws.column_dimensions["E"].width >= 30
    first = one_things[0]
    n = first.items.count()
    assert n > 1
    assert {f"{col}3:{col}{2 + n}" for col in "ABCDH"} <= merged(ws)
    assert not any(r.startswith(("E3", "F3", "G3")) for r in merged(ws)), "item cells are never merged"
    assert "A1:H1" in merged(ws)
    assert (ws["A3"].value, ws["B3"].value, ws["C3"].value) == (first.seq, first.name, "法人")
    assert [ws.cell(row=3 + i, column=5).value for i in range(n)] == [name for name, *_ in item_rows(first)]
    assert ws["G3"].value == "县级"

    total_items = sum(ot.items.count() for ot in one_things)
    last_row = 2 + total_items + 1
    assert ws.max_row == last_row
    # The name-only one-thing gets one row of its own, item cells empty, nothing merged.
    assert ws.cell(row=last_row, column=2).value == listed.name
    assert [ws.cell(row=last_row, column=c).value for c in (5, 6, 7)] == [None, None, None]
    merged_rows = [r for r in ws.merged_cells.ranges if r.min_row <= last_row <= r.max_row]
    assert merged_rows == []


@pytest.mark.django_db
def test_export_joins_supporting_departments_and_avoids_n_plus_one(hualong, django_assert_max_num_queries):
    ot = OneThing.objects.filter(region=hualong).current().order_by("seq").first()
    item = ot.items.order_by("order").first()
    disabled = hualong.departments.get(short_name="残联")
    item.supporting_departments.add(disabled)

    with django_assert_max_num_queries(8):
        wb = export_one_things(OneThing.objects.current())
    ws = wb[SHEET_TITLE]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=2).value == ot.name)
    assert ws.cell(row=row, column=5).value == item.service_item.name
    assert ws.cell(row=row, column=6).value == f"{item.department.name}、{disabled.name}"
    assert ws.max_row == 2 + sum(max(1, o.items.count()) for o in OneThing.objects.current())


# ---------------------------------------------------------------------------------------------------- import


@pytest.mark.django_db
def test_exported_list_renamed_imports_back_into_the_same_region(hualong, staff):
    originals = list(OneThing.objects.filter(region=hualong).current().order_by("seq"))
    wb = export_one_things(originals)
    ws = wb[SHEET_TITLE]
    for row in range(3, ws.max_row + 1):
        cell = ws.cell(row=row, column=2)
        if cell.value:  # only the top-left cell of a merged range holds the name
            cell.value = f"{cell.value}（复制）"
    before = counts()

    result = import_one_thing_list(
        io.BytesIO(workbook_bytes(wb)),
        hualong,
        acting_user=staff,
        batch_number=42,
        batch_name="华龙区测试批",
        file_name="华龙区清单.xlsx",
    )

    total_items = sum(ot.items.count() for ot in originals)
    assert (result.one_things, result.items) == (len(originals), total_items)
    assert result.batch.number == 42 and result.batch.name == "华龙区测试批"
    assert result.service_items_created == 0, "every item already exists for its department"
    after = counts()
    assert after["OneThing"] == before["OneThing"] + len(originals)
    assert after["OneThingItem"] == before["OneThingItem"] + total_items
    assert after["ServiceItem"] == before["ServiceItem"]
    assert after["Batch"] == before["Batch"] + 1
    assert after["CatalogChange"] == before["CatalogChange"] + len(originals)
    for original in originals:
        copy = OneThing.objects.get(region=hualong, name=f"{original.name}（复制）")
        assert copy.code == f"{HUALONG}-42-{original.seq:03d}"
        assert (copy.version, copy.status, copy.seq, copy.batch) == (
            1,
            OneThingStatus.DRAFT,
            original.seq,
            result.batch,
        )
        assert copy.subject == original.subject
        assert copy.specification == Specification.ITEMS
        assert item_rows(copy) == item_rows(original), copy.name
        change = copy.changes.get()
        assert (change.action, change.actor, change.version) == ("import", staff, 1)
        assert [i["name"] for i in change.after["items"]] == [name for name, *_ in item_rows(original)]


@pytest.mark.django_db
def test_county_style_workbook_with_merged_and_blank_cells_imports(hualong, staff):
    rows = [
        # 1: merged over three rows; a “、”-joined cell and a province department
        [
            1,
            "残疾人两项补贴申领",
            "个人",
            "区民政局",
            "困难残疾人生活补贴申领",
            "区民政局、残联",
            "县级",
            "2024年6月底前",
        ],
        [None, None, None, None, "重度残疾人护理补贴申领", "华龙区民政局", "县", None],
        [None, None, None, None, "残疾人证核发", "省公安厅", "省级", None],
        # 2: the other style: the one-thing's cells left empty below, meaning "same as above"
        [2, "小餐饮店开办测试", "企业", "市场监管局", "小餐饮店登记测试事项", "区市场监管局", "", None],
        [None, None, None, None, "公共场所卫生许可", "区卫健委", "县级", None],
        # 3: a name only, no items
        [3, "个体工商户歇业测试", "法人", None, None, None, None, None],
        # 4: every row repeats the one-thing's cells
        [4, "新生儿落户测试", "自然人", "公安分局", "新生儿户口登记测试", "公安分局", "乡", None],
        [4, "新生儿落户测试", "自然人", "公安分局", "新生儿医保参保测试", "医保局", "市级", None],
    ]
    wb = county_workbook(rows)
    ws = wb.active
    merge_one_thing(ws, 4, 6)  # header on row 3, so one-thing 1 is rows 4-6
    ws.cell(row=ws.max_row + 1, column=1, value="注：本清单中“层级”为空的事项由牵头单位确定。")
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=8)  # a note, not a row
    ws["C3"] = "个人／法人"  # full-width slash
    ws["D3"] = "牵头\n单位"  # a wrapped header still names its column
    civil = hualong.departments.get(short_name="民政局")
    prefix = f"{HUALONG}-{civil.code}-"
    highest = max(
        int(code.rsplit("-", 1)[1])
        for code in ServiceItem.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    )
    hygiene = ServiceItem.objects.get(region=hualong, department__short_name="卫健委", name="公共场所卫生许可")
    before = counts()

    result = import_one_thing_list(
        io.BytesIO(workbook_bytes(wb)), hualong, acting_user=staff, batch_number=77, batch_name="县区样式测试"
    )

    assert (result.one_things, result.items) == (4, 7)
    assert result.service_items_created == 6, "公共场所卫生许可 of the health commission already exists"
    after = counts()
    assert after["OneThing"] == before["OneThing"] + 4
    assert after["ServiceItem"] == before["ServiceItem"] + 6
    subsidy = OneThing.objects.get(region=hualong, name="残疾人两项补贴申领")
    assert subsidy.code == f"{HUALONG}-77-001"
    assert subsidy.subject == Subject.NATURAL
    assert subsidy.lead_department == civil
    assert subsidy.deadline_text == "2024年6月底前"
    assert item_rows(subsidy) == [
        ("困难残疾人生活补贴申领", civil.name, ["濮阳市华龙区残疾人联合会"], ItemLevel.COUNTY),
        ("重度残疾人护理补贴申领", civil.name, [], ItemLevel.COUNTY),
        ("残疾人证核发", "河南省公安厅", [], ItemLevel.PROVINCE),
    ]
    new_item = ServiceItem.objects.get(region=hualong, department=civil, name="困难残疾人生活补贴申领")
    assert new_item.code == f"{prefix}{highest + 1:03d}"
    assert ServiceItem.objects.get(region=hualong, department=civil, name="重度残疾人护理补贴申领").code == (
        f"{prefix}{highest + 2:03d}"
    )

    restaurant = OneThing.objects.get(region=hualong, name="小餐饮店开办测试")
    assert (restaurant.subject, restaurant.lead_department.short_name) == (Subject.LEGAL, "市场监管局")
    assert [(name, level) for name, _, _, level in item_rows(restaurant)] == [
        ("小餐饮店登记测试事项", ""),
        ("公共场所卫生许可", ItemLevel.COUNTY),
    ]
    assert restaurant.items.get(service_item__name="公共场所卫生许可").service_item == hygiene

    name_only = OneThing.objects.get(region=hualong, name="个体工商户歇业测试")
    assert (name_only.status, name_only.specification, name_only.lead_department) == (
        OneThingStatus.LISTED,
        Specification.NAME_ONLY,
        None,
    )
    assert not name_only.items.exists()

    newborn = OneThing.objects.get(region=hualong, name="新生儿落户测试")
    assert [(name, level) for name, _, _, level in item_rows(newborn)] == [
        ("新生儿户口登记测试", ItemLevel.TOWNSHIP),
        ("新生儿医保参保测试", ItemLevel.CITY),
    ]
    assert CatalogChange.objects.filter(action="import", one_thing__batch=result.batch).count() == 4


# ---------------------------------------------------------------------------------------------------- problems

BAD_ROWS = [
    # header on row 3 without 完成时限; data from row 4
    [1, "测试一件事甲", "个人", "区民政局", "测试事项A", "区火星局", "县级"],  # 4: unknown department
    [None, None, "法人", None, "测试事项B", "区民政局", "镇级"],  # 5: bad level; 法人 contradicts 个人 above
    [2, "测试一件事乙", "居民", "区民政局", "测试事项C", "区民政局", "县级"],  # 6: bad 个人/法人
    [3, None, "法人", None, "测试事项D", "区市场监管局", None],  # 7: empty name
    [3, "测试一件事丙", "法人", None, "测试事项D", "区市场监管局", None],  # 8: 序号 3 again
    ["四", "开办诊所", "法人", "区卫健委", "测试事项E", "区卫健委", "县级"],  # 9: 序号 not a number; name exists
    [5, "测试一件事丁", "法人", None, "测试事项F", "区住建局", None],  # 10
    [None, None, None, None, "测试事项F", "住建局", None],  # 11: the same item twice
    [6, "测试一件事戊", "个人", "区民政局、区火星局", None, None, None],  # 12: unknown lead department
]
BAD_PROBLEMS = {
    (3, "完成时限"),
    (4, "联办单位"),
    (5, "个人/法人"),
    (5, "层级"),
    (6, "个人/法人"),
    (7, "一件事名称"),
    (8, "序号"),
    (9, "序号"),
    (9, "一件事名称"),
    (11, "联办事项"),
    (12, "牵头单位"),
}


def bad_workbook() -> openpyxl.Workbook:
    return county_workbook(BAD_ROWS, header=COLUMNS[:-1])


@pytest.mark.django_db
def test_bad_workbook_reports_every_problem_and_writes_nothing(hualong, staff):
    before = counts()

    with pytest.raises(ValidationReport) as exc:
        import_one_thing_list(
            io.BytesIO(workbook_bytes(bad_workbook())),
            hualong,
            acting_user=staff,
            batch_number=91,
            batch_name="坏批次",
            file_name="坏清单.xlsx",
        )

    problems = exc.value.problems
    assert {(p.row, p.column) for p in problems} == BAD_PROBLEMS
    assert len(problems) == len(BAD_PROBLEMS)
    assert all(p.where == "坏清单.xlsx" for p in problems)
    reasons = {(p.row, p.column): p.reason for p in problems}
    assert "完成时限" in reasons[(3, "完成时限")]
    assert "区火星局" in reasons[(4, "联办单位")]
    assert "镇级" in reasons[(5, "层级")]
    assert "第4行" in reasons[(5, "个人/法人")]
    assert "居民" in reasons[(6, "个人/法人")]
    assert "为空" in reasons[(7, "一件事名称")]
    assert "第7行" in reasons[(8, "序号")]
    assert "正整数" in reasons[(9, "序号")]
    assert "开办诊所" in reasons[(9, "一件事名称")] and "410902-01-007" in reasons[(9, "一件事名称")]
    assert "第10行" in reasons[(11, "联办事项")]
    assert "无法识别：区火星局" in reasons[(12, "牵头单位")]
    assert str(problems[1]) == f"坏清单.xlsx，第4行，“联办单位”：{reasons[(4, '联办单位')]}"
    assert counts() == before
    assert not Batch.objects.filter(region=hualong, number=91).exists()


@pytest.mark.django_db
def test_reimporting_an_unchanged_export_reports_taken_codes_and_names(hualong, staff):
    originals = list(OneThing.objects.filter(region=hualong).current().order_by("seq"))
    data = workbook_bytes(export_one_things(originals))
    before = counts()

    with pytest.raises(ValidationReport) as exc:
        import_one_thing_list(data, hualong, acting_user=staff, batch_number=1, batch_name="")

    problems = exc.value.problems
    assert len(problems) == 2 * len(originals)
    by_column = {}
    for p in problems:
        by_column.setdefault(p.column, []).append(p)
    assert sorted(by_column) == ["一件事名称", "序号"]
    assert {re.search(r"编码“([^”]+)”", p.reason).group(1) for p in by_column["序号"]} == {o.code for o in originals}
    assert all("不能重复导入" in p.reason for p in by_column["一件事名称"])
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a spreadsheet", "不是有效的 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, ".xls"),
        (b"PK\x05\x06" + b"\0" * 18, "不是有效的 Excel"),  # an empty zip archive
    ],
)
def test_a_file_that_is_not_xlsx_gives_one_clear_problem(hualong, staff, content, expected):
    before = counts()

    with pytest.raises(ValidationReport) as exc:
        import_one_thing_list(
            io.BytesIO(content), hualong, acting_user=staff, batch_number=92, batch_name="x", file_name="清单.xlsx"
        )

    assert len(exc.value.problems) == 1
    problem = exc.value.problems[0]
    assert (problem.where, problem.row, problem.column) == ("清单.xlsx", None, None)
    assert expected in problem.reason
    assert counts() == before


@pytest.mark.django_db
def test_a_sheet_without_header_row_is_one_problem(hualong, staff):
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "部门"])
    wb.active.append(["开办测试店", "区市场监管局"])

    with pytest.raises(ValidationReport) as exc:
        import_one_thing_list(workbook_bytes(wb), hualong, acting_user=staff, batch_number=92, batch_name="x")

    assert len(exc.value.problems) == 1
    assert "找不到表头行" in exc.value.problems[0].reason
    assert not Batch.objects.filter(region=hualong, number=92).exists()


# ---------------------------------------------------------------------------------------------------- commands


@pytest.mark.django_db
def test_import_list_command_fails_on_a_bad_file_and_prints_the_rows(hualong, tmp_path):
    path = tmp_path / "bad.xlsx"
    bad_workbook().save(path)
    before = counts()
    err = io.StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("import_list", HUALONG, str(path), "--batch", "93", "--batch-name", "坏批次", stderr=err)

    assert exc.value.returncode != 0  # what `manage.py import_list` exits with
    assert f"{len(BAD_PROBLEMS)} 处问题，未写入任何内容" in str(exc.value)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == len(BAD_PROBLEMS)
    for row in (3, 4, 5, 6, 7, 8, 9, 11, 12):
        assert any(line.startswith(f"bad.xlsx，第{row}行") for line in lines), row
    assert counts() == before


@pytest.mark.django_db
def test_export_list_then_import_list_commands_round_trip(hualong, staff, tmp_path):
    path = tmp_path / "hualong.xlsx"
    out = io.StringIO()
    call_command("export_list", HUALONG, "-o", str(path), stdout=out)
    originals = OneThing.objects.filter(region=hualong).current()
    assert f"{originals.count()} 件" in out.getvalue()
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_TITLE]
    assert ws["A1"].value == "华龙区“一件事”清单"
    for row in range(3, ws.max_row + 1):
        if ws.cell(row=row, column=2).value:
            ws.cell(row=row, column=2).value += "（二）"
    wb.save(path)
    out = io.StringIO()

    call_command(
        "import_list",
        HUALONG,
        str(path),
        "--batch",
        "94",
        "--batch-name",
        "第二批",
        "--user",
        staff.username,
        stdout=out,
    )

    batch = Batch.objects.get(region=hualong, number=94)
    assert batch.name == "第二批"
    assert batch.one_things.count() == originals.count()
    assert f"一件事 {originals.count()} 件" in out.getvalue()
    assert CatalogChange.objects.filter(one_thing__batch=batch, action="import", actor=staff).count() == (
        originals.count()
    )
