"""Excel import and export of one-thing lists (一件事清单) in the shape county staff keep them.

One sheet, a title row, a header row (序号, 一件事名称, 个人/法人, 牵头单位, 联办事项, 联办单位, 层级, 完成时限) and one
row per co-handling item; the one-thing's own cells are merged vertically over its rows.

Import reads that shape back. Merged cells are filled from their top-left cell, and a row whose 序号 and 一件事名称
are empty continues the one-thing above (the other style staff use instead of merging). Everything is validated
first and every problem collected (file, Excel row, column, reason); only when there is none is anything written,
in one transaction.

The workbook is opened read-only and read once, within limits (ImportLimits: settings EXCEL_IMPORT_MAX_ROWS,
_COLUMNS, _CELLS and _SECONDS, by default 5000 rows, 60 columns, 200 000 non-empty cells and 20 seconds; and at most
MAX_UNPACKED_BYTES unzipped): past one the file is refused whole, with a message naming the limit and the row (and
column) where it was passed. The sheet's stated dimensions are not trusted; merged ranges are read from the sheet's
XML and count against the cell limit as they are filled.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from accounts.models import User
from core.errors import Problem, ValidationReport
from regions.models import Department, Region
from regions.services import DepartmentDirectory, normalise_spelling, resolve_cell

from . import services
from .choices import ItemLevel, OneThingStatus, Subject
from .models import Batch, OneThing, OneThingItem, ServiceItem
from .plans import OneThingPlan, PlannedItem

SHEET_TITLE = "一件事清单"

SEQ = "序号"
NAME = "一件事名称"
SUBJECT = "个人/法人"
LEAD = "牵头单位"
ITEM = "联办事项"
DEPARTMENT = "联办单位"
LEVEL = "层级"
DEADLINE = "完成时限"

COLUMNS = [SEQ, NAME, SUBJECT, LEAD, ITEM, DEPARTMENT, LEVEL, DEADLINE]
# Columns that belong to the one-thing, not to an item: merged over its rows, and "same as above" when left empty.
ONE_THING_COLUMNS = [SEQ, NAME, SUBJECT, LEAD, DEADLINE]
COLUMN_WIDTHS = {SEQ: 6, NAME: 26, SUBJECT: 10, LEAD: 24, ITEM: 40, DEPARTMENT: 30, LEVEL: 8, DEADLINE: 16}

SUBJECT_LABELS = {Subject.NATURAL: "个人", Subject.LEGAL: "法人"}
SUBJECT_SPELLINGS = {"个人": Subject.NATURAL, "自然人": Subject.NATURAL, "法人": Subject.LEGAL, "企业": Subject.LEGAL}

LEVEL_LABELS = {
    ItemLevel.PROVINCE: "省级",
    ItemLevel.CITY: "市级",
    ItemLevel.COUNTY: "县级",
    ItemLevel.TOWNSHIP: "乡级",
}
LEVEL_SPELLINGS = {
    **{label: value for value, label in LEVEL_LABELS.items()},
    "省": ItemLevel.PROVINCE,
    "市": ItemLevel.CITY,
    "县": ItemLevel.COUNTY,
    "乡": ItemLevel.TOWNSHIP,
}

# Lengths of the model fields the cells end up in, so that a long cell is reported instead of failing the write.
MAX_NAME = OneThing._meta.get_field("name").max_length
MAX_ITEM_NAME = ServiceItem._meta.get_field("name").max_length
MAX_DEADLINE = OneThing._meta.get_field("deadline_text").max_length
MAX_SOURCE = OneThing._meta.get_field("source_document").max_length
MAX_BATCH_NAME = Batch._meta.get_field("name").max_length

# The header row is looked for this far (title rows and notes above it are allowed).
HEADER_SEARCH_ROWS = 30
HEADER_SEARCH_COLUMNS = 40

# What an import reads at most (settings EXCEL_IMPORT_MAX_*; see ImportLimits): past it the file is refused whole.
DEFAULT_MAX_ROWS = 5000
DEFAULT_MAX_COLUMNS = 60
DEFAULT_MAX_CELLS = 200_000
DEFAULT_MAX_SECONDS = 20
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # the .xlsx's parts together, unzipped (a zip bomb is refused unread)

# Statuses of versions that no longer count when looking for a one-thing of the same name.
GONE_STATUSES = [OneThingStatus.RETIRED, OneThingStatus.SUPERSEDED]


# ====================================================================== export


def export_one_things(one_things: Iterable[OneThing], *, title: str | None = None) -> openpyxl.Workbook:
    """A workbook listing the one-things, one row per co-handling item, the one-thing's cells merged."""
    one_things = list(one_things)
    prefetch_related_objects(
        one_things,
        "region",
        "lead_department",
        Prefetch(
            "items",
            queryset=OneThingItem.objects.select_related("service_item", "department")
            .prefetch_related("supporting_departments")
            .order_by("order", "pk"),
            to_attr="excel_items",
        ),
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE

    if title is None:
        regions = {ot.region.name for ot in one_things}
        title = f"{regions.pop()}“一件事”清单" if len(regions) == 1 else "“一件事”清单"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = 28

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row = 2
    for col, header in enumerate(COLUMNS, 1):
        cell = ws.cell(row=header_row, column=col, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = COLUMN_WIDTHS[header]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)

    # The list's own 序号 when they number the exported one-things uniquely; else 1, 2, 3… as a list printed today.
    seqs = [ot.seq for ot in one_things]
    use_own_seq = None not in seqs and len(set(seqs)) == len(seqs)

    column_of = {header: i for i, header in enumerate(COLUMNS, 1)}
    wrap = Alignment(vertical="center", wrap_text=True)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = header_row + 1
    for number, ot in enumerate(one_things, 1):
        items = ot.excel_items
        span = max(1, len(items))
        own = {
            SEQ: ot.seq if use_own_seq else number,
            NAME: ot.name,
            SUBJECT: SUBJECT_LABELS.get(ot.subject, ""),
            LEAD: ot.lead_department.name if ot.lead_department else None,
            DEADLINE: ot.deadline_text or None,
        }
        for offset in range(span):
            values: dict[str, Any] = dict(own) if offset == 0 else {}
            if items:
                it = items[offset]
                departments = [it.department, *(d for d in it.supporting_departments.all() if d != it.department)]
                values[ITEM] = it.service_item.name
                values[DEPARTMENT] = "、".join(d.name for d in departments)
                values[LEVEL] = LEVEL_LABELS.get(it.level) or None
            for header, col in column_of.items():
                cell = ws.cell(row=row + offset, column=col, value=values.get(header))
                cell.alignment = centred if header in (SEQ, SUBJECT, LEVEL) else wrap
                cell.border = border
        if span > 1:
            for header in ONE_THING_COLUMNS:
                col = column_of[header]
                ws.merge_cells(start_row=row, start_column=col, end_row=row + span - 1, end_column=col)
        row += span
    return wb


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_one_things_bytes(one_things: Iterable[OneThing], *, title: str | None = None) -> bytes:
    """The .xlsx file content of export_one_things (for downloads)."""
    return workbook_bytes(export_one_things(one_things, title=title))


# ====================================================================== import


@dataclass
class ImportResult:
    one_things: int
    items: int
    batch: Batch
    service_items_created: int = 0
    codes: list[str] = field(default_factory=list)


@dataclass
class _Cell:
    value: str  # text of the cell, or of the merged range it lies in
    own: bool  # the cell holds the value itself (not empty, not the lower part of a merged range)


@dataclass
class _ItemRow:
    row: int
    name: str
    department_text: str
    level_text: str
    departments: list[Department] = field(default_factory=list)
    level: str = ""


@dataclass
class _OneThingRows:
    row: int  # first Excel row
    seq_text: str
    name: str
    subject_text: str
    lead_text: str
    deadline: str
    items: list[_ItemRow] = field(default_factory=list)
    seq: int | None = None
    subject: str = ""
    lead: Department | None = None
    lead_count: int = 0
    code: str = ""


def _text(value: Any) -> str:
    """A cell value as the text staff typed: line breaks inside a cell are layout and dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return re.sub(r"\s*\n\s*", "", str(value)).strip()


def _header_key(value: Any) -> str:
    return normalise_spelling(_text(value)).replace("／", "/").replace("\\", "/")


def _positive_int(text: str) -> int | None:
    try:
        number = int(text)
    except ValueError:
        return None
    return number if number > 0 else None


class ImportLimits:
    """How much of a workbook an import reads (settings EXCEL_IMPORT_MAX_ROWS, _COLUMNS, _CELLS, _SECONDS)."""

    def __init__(self) -> None:
        self.rows = int(getattr(settings, "EXCEL_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))
        self.columns = int(getattr(settings, "EXCEL_IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS))
        self.cells = int(getattr(settings, "EXCEL_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS))
        self.seconds = float(getattr(settings, "EXCEL_IMPORT_MAX_SECONDS", DEFAULT_MAX_SECONDS))
        self.deadline = time.monotonic() + self.seconds

    def check_time(self, where: str) -> None:
        if time.monotonic() > self.deadline:
            reason = f"读取超过 {self.seconds:g} 秒的上限，表格过大或过于复杂；请删去无关的工作表、行和格式后再导入"
            raise ValidationReport([Problem(where, None, None, reason)])


def _too_many(where: str, row: int | None, column: str | None, reason: str) -> ValidationReport:
    return ValidationReport([Problem(where, row, column, reason + "；请拆分成几个文件或删去无关内容后再导入")])


def _sheet_values(ws: Any, where: str, limits: ImportLimits) -> tuple[dict[tuple[int, int], Any], int, int]:
    """The non-empty cell values of a read-only worksheet by (row, column), and the last row and column holding one;
    ValidationReport as soon as a limit is passed (nothing more is read)."""
    ws.reset_dimensions()  # the dimensions a file states are not trusted: every row it holds is read
    values: dict[tuple[int, int], Any] = {}
    max_row = max_column = 0
    for r, row in enumerate(ws.iter_rows(values_only=True), 1):
        limits.check_time(where)
        last = 0
        for c, value in enumerate(row, 1):
            if value is not None and value != "":
                values[(r, c)] = value
                last = c
        if not last:
            continue
        if r > limits.rows:
            raise _too_many(where, r, None, f"表格超过 {limits.rows} 行的上限")
        if last > limits.columns:
            raise _too_many(where, r, f"{get_column_letter(last)}列", f"表格超过 {limits.columns} 列的上限")
        if len(values) > limits.cells:
            raise _too_many(where, r, None, f"表格有内容的单元格超过 {limits.cells} 个的上限")
        max_row, max_column = r, max(max_column, last)
    return values, max_row, max_column


def _merged_ranges(ws: Any, where: str, limits: ImportLimits) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only worksheet as (min_row, max_row, min_col, max_col), read from its XML
    (read-only worksheets do not parse them)."""
    ranges = []
    with ws._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag == f"{{{SHEET_MAIN_NS}}}mergeCell" and element.get("ref"):
                limits.check_time(where)
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                except (TypeError, ValueError):
                    continue
                if None not in (min_col, min_row, max_col, max_row):
                    ranges.append((min_row, max_row, min_col, max_col))
            element.clear()
    return ranges


class _Sheet:
    """The cells of a worksheet (read once, within ImportLimits) with merged ranges filled from their top-left cell."""

    def __init__(self, ws: Any, where: str, limits: ImportLimits) -> None:
        self.values, self.max_row, self.max_column = _sheet_values(ws, where, limits)
        self._merged: dict[tuple[int, int], tuple[Any, bool]] = {}
        self._wide: list[tuple[int, int, int, int]] = []  # merged ranges as (min_row, max_row, min_col, max_col)
        budget = limits.cells  # merged ranges are filled cell by cell: as many cells as the sheet may hold
        for min_row, max_row, min_col, max_col in _merged_ranges(ws, where, limits):
            self._wide.append((min_row, max_row, min_col, max_col))
            top_left = self.values.get((min_row, min_col))
            for r in range(min_row, min(max_row, self.max_row) + 1):
                for c in range(min_col, min(max_col, self.max_column) + 1):
                    self._merged[(r, c)] = (top_left, r == min_row and c == min_col)
                    budget -= 1
                if budget < 0:
                    raise _too_many(where, min_row, None, f"合并单元格展开后超过 {limits.cells} 个单元格的上限")
            limits.check_time(where)

    def cell(self, row: int, column: int) -> _Cell:
        if (row, column) in self._merged:
            value, is_top_left = self._merged[(row, column)]
            text = _text(value)
            return _Cell(text, is_top_left and bool(text))
        text = _text(self.values.get((row, column)))
        return _Cell(text, bool(text))

    def is_note_row(self, row: int, columns: Iterable[int]) -> bool:
        """A row merged into one cell across the whole table: a title, a sub-heading or a “注：…” note."""
        columns = list(columns)
        first, last = min(columns), max(columns)
        return any(r0 <= row <= r1 and c0 <= first and last <= c1 for r0, r1, c0, c1 in self._wide)

    def find_header(self) -> tuple[int, dict[str, int]] | None:
        """The first row naming at least three of the columns, and where each column it names is."""
        wanted = {_header_key(h): h for h in COLUMNS}
        for r in range(1, min(self.max_row, HEADER_SEARCH_ROWS) + 1):
            found: dict[str, int] = {}
            for c in range(1, min(self.max_column, HEADER_SEARCH_COLUMNS) + 1):
                header = wanted.get(_header_key(self.values.get((r, c))))
                if header is not None and header not in found:
                    found[header] = c
            if len(found) >= 3:
                return r, found
        return None


def _file_name(file: Any, file_name: str | None) -> str:
    if file_name:
        return file_name
    if isinstance(file, str | Path):
        return Path(file).name
    name = getattr(file, "name", None)
    if isinstance(name, str) and name:
        return Path(name).name
    return "上传的文件"


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return data.encode() if isinstance(data, str) else data


def _open_workbook(file: Any, where: str) -> openpyxl.Workbook:
    try:
        data = _read_bytes(file)
    except OSError as exc:
        raise ValidationReport([Problem(where, None, None, f"无法读取文件：{exc.strerror or exc}")]) from None
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        reason = "这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入"
        raise ValidationReport([Problem(where, None, None, reason)])
    unreadable = ValidationReport(
        [Problem(where, None, None, "无法读取：不是有效的 Excel 工作簿（.xlsx），或文件已损坏")]
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    if unpacked > MAX_UNPACKED_BYTES:
        reason = (
            f"文件解压后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，表格过大；请删去无关的工作表、图片和格式后再导入"
        )
        raise ValidationReport([Problem(where, None, None, reason)])
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zip, XML and key errors alike for a damaged or foreign file
        raise unreadable from None


def _resolve_departments(
    directory: DepartmentDirectory, region: Region, spelling: str
) -> tuple[list[Department], list[str]]:
    """The departments a cell names, resolved like the catalog loader does, and the parts it could not resolve."""
    return resolve_cell(spelling, lambda text: directory.find(region, text))


class _ListReader:
    def __init__(self, where: str, region: Region) -> None:
        self.where = where
        self.region = region
        self.problems: list[Problem] = []

    def problem(self, row: int | None, column: str | None, reason: str) -> None:
        self.problems.append(Problem(self.where, row, column, reason))

    # ---------------------------------------------------------------- reading the sheet (no database)
    def read(self, wb: openpyxl.Workbook) -> list[_OneThingRows]:
        """The one-things of the first sheet with a header row; limits (ImportLimits) hold for the whole workbook's
        reading time and for each sheet read."""
        limits = ImportLimits()
        candidates = [wb[SHEET_TITLE]] if SHEET_TITLE in wb.sheetnames else []
        candidates += [wb.active] + list(wb.worksheets)
        for ws in dict.fromkeys(c for c in candidates if isinstance(c, ReadOnlyWorksheet)):
            sheet = _Sheet(ws, self.where, limits)
            header = sheet.find_header()
            if header is not None:
                return self._read_rows(sheet, *header)
        self.problem(None, None, f"找不到表头行：应有一行写明 {'、'.join(COLUMNS)}")
        return []

    def _read_rows(self, sheet: _Sheet, header_row: int, columns: dict[str, int]) -> list[_OneThingRows]:
        missing = [h for h in COLUMNS if h not in columns]
        if missing:
            self.problem(header_row, "、".join(missing), f"表头缺少列：{'、'.join(missing)}")

        def cell(row: int, header: str) -> _Cell:
            return sheet.cell(row, columns[header]) if header in columns else _Cell("", False)

        groups: list[_OneThingRows] = []
        for r in range(header_row + 1, sheet.max_row + 1):
            cells = {h: cell(r, h) for h in COLUMNS}
            if not any(c.value for c in cells.values()) or sheet.is_note_row(r, columns.values()):
                continue  # blank row, or a note such as “注：…” written across the table
            seq, name = cells[SEQ], cells[NAME]
            current = groups[-1] if groups else None
            continues = current is not None and (
                (not seq.own and not name.own)  # merged over, or left empty meaning "same as above"
                or (seq.value == current.seq_text and name.value == current.name and bool(name.value))
            )
            if not continues:
                current = _OneThingRows(
                    row=r,
                    seq_text=seq.value,
                    name=name.value,
                    subject_text=cells[SUBJECT].value,
                    lead_text=cells[LEAD].value,
                    deadline=cells[DEADLINE].value,
                )
                groups.append(current)
            else:
                assert current is not None
                for header, value in (
                    (SUBJECT, current.subject_text),
                    (LEAD, current.lead_text),
                    (DEADLINE, current.deadline),
                ):
                    if cells[header].value and cells[header].value != value:
                        self.problem(
                            r,
                            header,
                            f"“{cells[header].value}”与第{current.row}行同一件事的“{value or '（空）'}”不一致",
                        )
            item, department, level = cells[ITEM].value, cells[DEPARTMENT].value, cells[LEVEL].value
            if item or department or level:
                current.items.append(_ItemRow(r, item, department, level))
        return groups

    # ---------------------------------------------------------------- checking (reads the database)
    def check(self, groups: list[_OneThingRows], batch_number: int) -> None:
        region = self.region
        directory = DepartmentDirectory()
        existing_names: dict[str, OneThing] = {}
        for ot in OneThing.objects.filter(region=region).exclude(status__in=GONE_STATUSES).order_by("code", "version"):
            existing_names.setdefault(normalise_spelling(ot.name), ot)
        seqs: dict[int, int] = {}
        names: dict[str, int] = {}
        for g in groups:
            self._check_one_thing(g, directory, batch_number, seqs, names, existing_names)
            seen_items: dict[tuple[Any, str], int] = {}
            for it in g.items:
                self._check_item(it, directory, seen_items)
        codes = {g.code: g for g in groups if g.code}
        taken = OneThing.objects.filter(code__in=codes).select_related("batch").order_by("code", "version")
        reported: set[str] = set()
        for ot in taken:
            if ot.code not in reported:
                reported.add(ot.code)
                self.problem(codes[ot.code].row, SEQ, f"编码“{ot.code}”已被“{ot.name}”使用，请换一个批次号或序号")

    def _check_one_thing(
        self,
        g: _OneThingRows,
        directory: DepartmentDirectory,
        batch_number: int,
        seqs: dict[int, int],
        names: dict[str, int],
        existing_names: dict[str, OneThing],
    ) -> None:
        g.seq = _positive_int(g.seq_text)
        if g.seq is None:
            shown = f"“{g.seq_text}”无效" if g.seq_text else "为空"
            self.problem(g.row, SEQ, f"序号{shown}，应为正整数")
        elif g.seq in seqs:
            self.problem(g.row, SEQ, f"序号 {g.seq} 与第{seqs[g.seq]}行重复")
        else:
            seqs[g.seq] = g.row
            if batch_number > 0:
                g.code = f"{self.region.code}-{batch_number:02d}-{g.seq:03d}"

        if not g.name:
            self.problem(g.row, NAME, "一件事名称为空")
        else:
            key = normalise_spelling(g.name)
            if len(g.name) > MAX_NAME:
                self.problem(g.row, NAME, f"一件事名称超过 {MAX_NAME} 个字")
            if key in names:
                self.problem(g.row, NAME, f"“{g.name}”与第{names[key]}行重复")
            else:
                names[key] = g.row
            if key in existing_names:
                ot = existing_names[key]
                self.problem(
                    g.row,
                    NAME,
                    f"{self.region.name}已有一件事“{ot.name}”（编码 {ot.code}，{ot.get_status_display()}），不能重复导入",
                )

        subject = SUBJECT_SPELLINGS.get(normalise_spelling(g.subject_text))
        if subject is None:
            shown = f"“{g.subject_text}”无效" if g.subject_text else "为空"
            self.problem(g.row, SUBJECT, f"个人/法人{shown}，应填 个人、自然人、法人 或 企业")
        else:
            g.subject = subject

        if g.lead_text:
            found, unknown = _resolve_departments(directory, self.region, g.lead_text)
            if unknown or not found:
                self.problem(g.row, LEAD, self._unknown_department("牵头单位", g.lead_text, unknown))
            else:
                g.lead, g.lead_count = found[0], len(found)

        if len(g.deadline) > MAX_DEADLINE:
            self.problem(g.row, DEADLINE, f"完成时限超过 {MAX_DEADLINE} 个字")

    def _check_item(self, it: _ItemRow, directory: DepartmentDirectory, seen: dict[tuple[Any, str], int]) -> None:
        if not it.name:
            self.problem(it.row, ITEM, "联办事项为空，但本行填写了联办单位或层级")
        elif len(it.name) > MAX_ITEM_NAME:
            self.problem(it.row, ITEM, f"联办事项名称超过 {MAX_ITEM_NAME} 个字")

        if not it.department_text:
            if it.name:
                self.problem(it.row, DEPARTMENT, f"联办事项“{it.name}”没有填写联办单位")
        else:
            found, unknown = _resolve_departments(directory, self.region, it.department_text)
            if unknown or not found:
                self.problem(it.row, DEPARTMENT, self._unknown_department("联办单位", it.department_text, unknown))
            else:
                it.departments = found

        level = LEVEL_SPELLINGS.get(normalise_spelling(it.level_text)) if it.level_text else ""
        if level is None:
            self.problem(
                it.row, LEVEL, f"层级“{it.level_text}”无效，应为 省级、市级、县级、乡级（或 省、市、县、乡），或留空"
            )
        else:
            it.level = level

        if it.name:
            dept_key: Any = it.departments[0].pk if it.departments else normalise_spelling(it.department_text)
            key = (dept_key, normalise_spelling(it.name))
            if key in seen:
                self.problem(it.row, ITEM, f"联办事项“{it.name}”（{it.department_text}）与第{seen[key]}行重复")
            else:
                seen[key] = it.row

    def _unknown_department(self, label: str, spelling: str, unknown: list[str]) -> str:
        reason = f"{self.region.name}及其上级区划没有{label}“{spelling}”"
        if unknown and unknown != [normalise_spelling(spelling)]:
            reason += f"（无法识别：{'、'.join(unknown)}）"
        return reason


def import_one_thing_list(
    file: Any,
    region: Region,
    *,
    acting_user: User | None,
    batch_number: int,
    batch_name: str,
    file_name: str | None = None,
) -> ImportResult:
    """Import a one-thing list from an .xlsx file (path, bytes or file object) into `region`, batch `batch_number`.

    Raises ValidationReport with every problem found, having written nothing; otherwise writes everything in one
    transaction, through the catalog services the seed loader writes with too (services.ServiceItems,
    services.create_one_thing): the batch (if new), service items not yet in the region, the one-things (version 1,
    draft; listed when without items), their items, and one CatalogChange per one-thing.
    """
    where = _file_name(file, file_name)
    wb = _open_workbook(file, where)
    reader = _ListReader(where, region)
    try:
        groups = reader.read(wb)
    finally:
        wb.close()  # a read-only workbook keeps its file open until closed
    batch_name = (batch_name or "").strip()

    with transaction.atomic():
        # Serialise imports into one region, so that two of them cannot both pass the duplicate checks.
        region = Region.objects.select_for_update().get(pk=region.pk)
        reader.region = region
        if not isinstance(batch_number, int) or batch_number < 1:
            reader.problem(None, None, f"批次号“{batch_number}”应为正整数")
            batch_number = 0
        batch = Batch.objects.filter(region=region, number=batch_number).first() if batch_number else None
        if batch is None and batch_number and not batch_name:
            reader.problem(None, None, f"{region.name}还没有第{batch_number}批，请给出新批次的名称")
        if len(batch_name) > MAX_BATCH_NAME:
            reader.problem(None, None, f"批次名称超过 {MAX_BATCH_NAME} 个字")
        if groups:
            reader.check(groups, batch_number)
        elif not reader.problems:
            reader.problem(None, None, "表中没有一件事")
        if reader.problems:
            raise ValidationReport(sorted(reader.problems, key=lambda p: p.row or 0))
        return _write(groups, region, where, acting_user, batch, batch_number, batch_name)


def _write(
    groups: list[_OneThingRows],
    region: Region,
    where: str,
    acting_user: User | None,
    batch: Batch | None,
    batch_number: int,
    batch_name: str,
) -> ImportResult:
    source = where[:MAX_SOURCE]
    if batch is None:
        batch = Batch.objects.create(region=region, number=batch_number, name=batch_name, source_document=source)
    service_items = services.ServiceItems()
    created_items = 0
    item_count = 0
    codes = []
    for g in groups:
        assert g.seq is not None and g.subject
        items = []
        for it in g.items:
            department, *supporting = it.departments
            service_item, created = service_items.obtain(region, department, it.name, level=it.level)
            created_items += created
            items.append(
                PlannedItem(
                    name=it.name,
                    service_item=service_item,
                    department=department,
                    supporting=supporting,
                    level=it.level,
                )
            )
        # OneThing has one lead department: the first one a cell names; the cell is kept when it names more.
        plan = OneThingPlan(
            code=g.code,
            region=region,
            fields={
                "name": g.name,
                "subject": g.subject,
                "lead_department": g.lead,
                "batch": batch,
                "seq": g.seq,
                "deadline_text": g.deadline,
                "note": f"牵头单位原文：{g.lead_text}" if g.lead_count > 1 else "",
                "source_document": source,
            },
            items=items,
            source=source,
        )
        one_thing = services.create_one_thing(plan, status=OneThingStatus.DRAFT)
        item_count += len(items)
        services.record_change(
            one_thing,
            "import",
            acting_user=acting_user,
            reason=f"Excel导入 {where}（第{batch.number}批第{g.seq}号）",
            after=services.snapshot(one_thing),
        )
        codes.append(one_thing.code)
    return ImportResult(
        one_things=len(groups), items=item_count, batch=batch, service_items_created=created_items, codes=codes
    )
