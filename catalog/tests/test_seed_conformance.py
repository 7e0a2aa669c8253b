"""The loaded catalog conforms to the seed documents.

An independent check of the transcription: every test reads a seed text file itself (shared/seeds beside the
repository), parses what it can of it, and compares with what `load_catalog` put in the database (through the
ORM) — never with data/lists/*.yaml. The session fixture in conftest.py loads the catalog once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from catalog.choices import OneThingStatus, Specification, Subject
from catalog.models import Batch, OneThing
from regions.choices import DepartmentKind
from regions.models import Department, Region

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"

SEED_000 = "000_40015fd922df0519.txt"  # 民权县 411421, 附件2: 50 one-things (names only)
SEED_001 = "001_80826fd005de5a3c.txt"  # 红旗区 410702, operating rules, no list
SEED_002 = "002_7847ebedea2ec7e4.txt"  # 华龙区 410902, 13 one-things with items
SEED_003 = "003_b54ff86717da37de.txt"  # 西峡县 411323, 5th batch, 58 one-things (PDF table)
SEED_004 = "004_6bf863b8414105de.txt"  # 新乡县 410721, 附件1: 21 one-things, 143 items

pytestmark = pytest.mark.django_db

_SPACE = re.compile(r"\s+")


def squash(text: str | None) -> str:
    """Remove every whitespace character (PDF extraction scatters spaces and line breaks through names)."""
    return _SPACE.sub("", text or "")


def seed_text(name: str) -> str:
    """The seed document's text; the test is skipped when shared/seeds is not beside the repository."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}: the repository must be cloned with shared/ beside it")
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"seed document {path} not found")
    return path.read_text(encoding="utf-8")


def spellings(dept: Department) -> set[str]:
    return {squash(s) for s in dept.spellings()}


def spelled_as(dept: Department, spelling: str) -> bool:
    return squash(spelling) in spellings(dept)


def seed_one_things(region: str, batch: int, source: str) -> list[OneThing]:
    """The one-things a seed list put in the database, in list order, with their items."""
    b = Batch.objects.get(region__code=region, number=batch)
    assert b.source_document == source, f"batch {batch} of {region} should come from {source}"
    rows = list(
        OneThing.objects.filter(batch=b)
        .select_related("lead_department")
        .prefetch_related("items__service_item", "items__department", "items__supporting_departments")
        .order_by("seq", "version")
    )
    seqs = [ot.seq for ot in rows]
    assert len(seqs) == len(set(seqs)), f"duplicate 序号 in {region} batch {batch}: {seqs}"
    return rows


def region_codes(code: str) -> set[str]:
    region = Region.objects.get(code=code)
    return {code, *(r.code for r in region.ancestors())}


def department_index(region: str) -> dict[str, Department]:
    """Spelling → department over a region and its parents (the region's own spelling wins)."""
    chain = [region, *(r.code for r in Region.objects.get(code=region).ancestors())]
    index: dict[str, Department] = {}
    for code in reversed(chain):
        for dept in Department.objects.filter(region__code=code):
            for s in spellings(dept):
                index[s] = dept
    return index


# ---------------------------------------------------------------------------------------------- 000 民权县


def parse_minquan(text: str) -> list[tuple[int, str, str]]:
    """附件2: lines “N<TAB>name<TAB>备注” → (seq, name, 备注)."""
    start = re.search(r"(?m)^附件[ \t]*2[ \t]*$", text)
    assert start, "seed 000 has no 附件 2"
    rows = []
    for line in text[start.end() :].splitlines():
        cells = line.split("\t")
        if len(cells) >= 2 and cells[0].strip().isdigit():
            rows.append((int(cells[0]), squash(cells[1]), squash(cells[2]) if len(cells) > 2 else ""))
    return rows


def test_minquan_list_000():
    seed = parse_minquan(seed_text(SEED_000))
    assert [seq for seq, _, _ in seed] == list(range(1, 51)), "parser: 附件2 should number 1..50"

    rows = seed_one_things("411421", 1, SEED_000)
    assert len(rows) == 50
    assert [(ot.seq, squash(ot.name)) for ot in rows] == [(seq, name) for seq, name, _ in seed]
    provincial_in_seed = [seq for seq, _, note in seed if note == "省定事项"]
    assert len(provincial_in_seed) == 14
    assert [ot.seq for ot in rows if ot.provincial] == provincial_in_seed

    for ot in rows:
        items = list(ot.items.all())
        if items:
            # the seed gives names only: items can only come from a full specification or an adopted template
            assert ot.specification in (Specification.ITEMS, Specification.FULL), ot.name
            assert ot.status == OneThingStatus.PUBLISHED, ot.name
        else:
            assert ot.status == OneThingStatus.LISTED, f"{ot.name}: a name-only one-thing is listed, not {ot.status}"
            assert ot.specification == Specification.NAME_ONLY, ot.name


# ---------------------------------------------------------------------------------------------- 001 红旗区


def test_hongqi_departments_named_in_seed_001():
    text = seed_text(SEED_001)
    bodies = set(re.findall(r"[区市省][\u4e00-\u9fff]{1,12}?(?:局|委员会|委|中心|办公室)", text))
    district = {b for b in bodies if b.startswith("区")}
    assert "区政务服务和大数据管理局" in district, "the seed names the district's 政务服务和大数据管理局"
    assert "实体政务大厅管理机构" in text

    hongqi = list(Department.objects.filter(region__code="410702"))
    assert hongqi, "no departments for 红旗区 (410702)"

    def find(spelling: str) -> list[Department]:
        return [d for d in hongqi if spelled_as(d, spelling)]

    for body in sorted(district):
        assert len(find(body)) == 1, f"seed 001 names “{body}”: exactly one 410702 department should be spelled so"
    admin = find("区政务服务和大数据管理局")[0]
    assert admin.kind == DepartmentKind.GOVERNMENT
    # 第十一条: window staff are supervised by the 实体政务大厅管理机构; 第十九条(四)(五): the district bureau sets up
    # the hall's windows and supervises their staff — the same body.
    assert find("实体政务大厅管理机构") == [admin]
    # 第十九条(三): the city bureau (市政务服务和大数据管理局) is a different, city-level body
    for body in sorted(b for b in bodies if b.startswith("市")):
        assert not find(body), f"“{body}” is a city body and must not be spelled as a 红旗区 department"


# ---------------------------------------------------------------------------------------------- 002 华龙区

LEVELS = {"省级": "province", "市级": "city", "县级": "county", "乡级": "township"}


@dataclass
class SeedOneThing:
    seq: int
    name: str
    lead: str = ""
    deadline: str = ""
    items: list[dict] = field(default_factory=list)


def parse_hualong(text: str) -> list[SeedOneThing]:
    """附件 table: “序号 名称 行使层级 事项 受理部门”, tab-separated; a line with no 行使层级 continues the item above."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("序号\t"))
    rows: list[SeedOneThing] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        cells = line.split("\t")
        assert len(cells) == 5, f"parser: unexpected table line {line!r}"
        seq, name, level, item, dept = cells
        if not level.strip():  # wrapped line (row 7): the item name and department continue
            assert seq.strip() in ("", str(rows[-1].seq)), line
            rows[-1].items[-1]["name"] += item
            rows[-1].items[-1]["department"] += dept
            continue
        if seq.strip() and int(seq) != (rows[-1].seq if rows else None):
            rows.append(SeedOneThing(int(seq), squash(name)))
        rows[-1].items.append({"name": item, "department": dept, "level": LEVELS[level.strip()]})
    for row in rows:
        for it in row.items:
            it["name"], it["department"] = squash(it["name"]), squash(it["department"])
    return rows


def test_hualong_list_002():
    seed = parse_hualong(seed_text(SEED_002))
    assert [r.seq for r in seed] == list(range(1, 14)), "parser: the table numbers 1..13"
    clinic = seed[6].items
    assert {
        "name": "建设项目环境影响后评价报告的备案(非辐射类)",
        "department": "濮阳市生态环境局华龙区分局",
        "level": "county",
    } in clinic

    rows = seed_one_things("410902", 1, SEED_002)
    assert len(rows) == 13
    assert [(ot.seq, squash(ot.name)) for ot in rows] == [(r.seq, r.name) for r in seed]

    problems = []
    for row, ot in zip(seed, rows, strict=True):
        wanted = []  # the seed repeats no item within a row, but a repeat would be stored once
        for it in row.items:
            if it not in wanted:
                wanted.append(it)
        unmatched = list(ot.items.all())
        for it in wanted:
            hit = next(
                (
                    db
                    for db in unmatched
                    if squash(db.service_item.name) == it["name"]
                    and spelled_as(db.department, it["department"])
                    and db.level == it["level"]
                    and not db.supporting_departments.all()
                ),
                None,
            )
            if hit is None:
                problems.append(f"{row.seq} {row.name}: seed item “{it['name']}” / {it['department']} not in the DB")
            else:
                unmatched.remove(hit)
        problems += [f"{row.seq} {row.name}: DB item “{db.service_item.name}” not in the seed" for db in unmatched]
    assert not problems, "\n".join(problems)
    assert sum(ot.items.count() for ot in rows) == sum(len(r.items) for r in seed) == 62


# ---------------------------------------------------------------------------------------------- 003 西峡县

DEADLINE_003 = "2023年年底前"


def xixia_table(text: str) -> str:
    start, end = text.index("附件 1："), text.index("备注：带*")
    return text[start:end]


def test_xixia_list_003():
    text = seed_text(SEED_003)
    table = xixia_table(text)
    flat = squash(table)
    rows = seed_one_things("411323", 5, SEED_003)
    assert len(rows) == 58
    assert [ot.seq for ot in rows] == list(range(1, 59))
    assert sum(ot.items.count() for ot in rows) == flat.count(DEADLINE_003) == 182, "one 完成时限 per item"

    starred = [int(n) for n in re.findall(r"(?<!\d)(\d{1,2})\*", flat)]
    assert starred == list(range(47, 59)), "parser: rows 47–58 carry the * of 省定事项"
    assert [ot.seq for ot in rows if ot.provincial] == starred

    # Locate every row in the whitespace-free table: “序号 [*] 名称 个人|法人 牵头单位 …”, in order.
    starts = []
    pos = 0
    for ot in rows:
        head = f"{ot.seq}{'*' if ot.provincial else ''}{squash(ot.name)}"
        m = re.compile(rf"(?<!\d){re.escape(head)}").search(flat, pos)
        assert m, f"row {ot.seq} “{ot.name}” (provincial={ot.provincial}) not found in the seed table after {pos}"
        starts.append((m.start(), len(head)))
        pos = m.end()
    bounds = [*(s for s, _ in starts[1:]), len(flat)]

    subjects = {"个人": Subject.NATURAL, "法人": Subject.LEGAL}
    problems = []
    for ot, (start, head_len), end in zip(rows, starts, bounds, strict=True):
        segment = flat[start:end]
        where = f"row {ot.seq} {ot.name}"
        word = segment[head_len : head_len + 2]
        if subjects.get(word) != ot.subject:
            problems.append(f"{where}: seed subject {word}, DB {ot.subject}")
        items = list(ot.items.all())
        if segment.count(DEADLINE_003) != len(items):
            problems.append(f"{where}: {segment.count(DEADLINE_003)} items in the seed, {len(items)} in the DB")
        if squash(ot.deadline_text) != DEADLINE_003:
            problems.append(f"{where}: deadline {ot.deadline_text!r}")
        for it in items:
            name = squash(it.service_item.name)
            if name not in segment:
                problems.append(f"{where}: item “{it.service_item.name}” not in the seed row")
            elif not any(name + s in segment for s in spellings(it.department)):  # 联办单位 follows 联办事项
                problems.append(f"{where}: “{it.service_item.name}” is not followed by a spelling of {it.department}")
            if it.department.region.code not in region_codes("411323"):
                problems.append(f"{where}: {it.department.name} is not a 西峡县 department")
        # 牵头单位 sits between the subject and the first item; a PDF wrap may push its tail after that item.
        item_positions = [segment.find(squash(it.service_item.name), head_len + 2) for it in items]
        lead_cell = segment[head_len + 2 : min(p for p in item_positions if p >= 0)] if items else ""
        lead = ot.lead_department
        if lead is None or not any(
            s.startswith(lead_cell) and s[len(lead_cell) :] in segment for s in spellings(lead) if lead_cell
        ):
            problems.append(f"{where}: lead {lead} does not match the seed’s 牵头单位 “{lead_cell}”")
        elif not any(s in flat for s in spellings(lead)):
            problems.append(f"{where}: no spelling of the lead {lead.name} in the seed")
    assert not problems, "\n".join(problems)

    # Where the seed has “序号 名称 个人|法人” on one line, read the row from that line alone.
    one_line = {}
    for line in table.splitlines():
        m = re.match(r"^\s*(\d{1,2})\s+(\*?)(\S.*?)\s+(个人|法人)(?:\s|$)", line)
        if m:
            one_line[int(m[1])] = (m[2] == "*", squash(m[3]), subjects[m[4]])
    assert len(one_line) >= 40, f"parser: only {len(one_line)} one-line rows"
    by_seq = {ot.seq: ot for ot in rows}
    for seq, expected in sorted(one_line.items()):
        ot = by_seq[seq]
        assert (ot.provincial, squash(ot.name), ot.subject) == expected, f"row {seq}"


# ---------------------------------------------------------------------------------------------- 004 新乡县

SUFFIX_004 = "“一件事”"


def parse_xinxiang(text: str) -> list[SeedOneThing]:
    """附件1: every cell is a line starting with a tab (continuation lines carry none), rows end at a blank line.

    Seven cells per row: 序号, 名称, 具体事项, 牵头部门, 联办部门, 完成时限, 牵头县领导. A row broken by a stray blank
    line (row 9) is joined with the next chunk. Cells keep their line breaks; an empty cell is "".
    """
    start = re.search(r"(?m)^[ \t]*附件1[ \t]*$", text)
    end = re.search(r"(?m)^[ \t]*附件2[ \t]*$", text)
    assert start and end
    chunks: list[list[str]] = []
    current: list[str] = []
    for line in text[start.end() : end.start()].splitlines():
        if line.startswith("\t"):
            current.append(line[1:])
        elif line.strip():
            if current:
                current[-1] += "\n" + line
            # else: the table's title line
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    cells_rows = []
    pending: list[str] = []
    for chunk in chunks:
        pending += chunk
        if len(pending) >= 7:
            assert len(pending) == 7, f"parser: a row of {len(pending)} cells: {pending}"
            cells_rows.append(pending)
            pending = []
    assert not pending, pending
    assert squash(cells_rows[0][0]) == "序号"
    rows: list[SeedOneThing] = []
    for seq, name, item, lead, dept, deadline, _leader in cells_rows[1:]:
        if seq.strip():
            clean = squash(name).removesuffix(SUFFIX_004).replace("“", "").replace("”", "")
            rows.append(SeedOneThing(int(seq), clean, lead=lead, deadline=squash(deadline)))
        rows[-1].items.append({"name": squash(item), "department": dept})
    return rows


def split_cell(cell: str, index: dict[str, Department]) -> tuple[list[Department], str, str]:
    """The departments a 联办/牵头 cell names: (departments, how, annotation).

    how: "one" (a single name, maybe wrapped over lines), "joined" (“、”-separated), "lines" (one per line).
    A trailing “（…）” that is not part of any spelling is an annotation (e.g. 新乡海关（对接协调）).
    """
    whole = squash(cell)
    if whole in index:
        return [index[whole]], "one", ""
    m = re.fullmatch(r"(.+)（(.+)）", whole)
    if m and m[1] in index:
        return [index[m[1]]], "one", m[2]
    how = "joined" if "、" in whole else "lines"
    parts = [squash(p) for p in re.split(r"[、\n]", cell) if squash(p)]
    parts[-1] = parts[-1].removesuffix("等")
    prefix = parts[0][0] if parts[0][0] in "县区市" else ""
    found = []
    for part in parts:
        dept = index.get(part) or index.get(prefix + part)
        assert dept is not None, f"no department in the DB is spelled “{part}” (cell “{cell}”)"
        found.append(dept)
    return found, how, ""


def test_xinxiang_list_004():
    seed = parse_xinxiang(seed_text(SEED_004))
    assert [r.seq for r in seed] == list(range(1, 22)), "parser: 附件1 numbers 1..21"
    assert sum(len(r.items) for r in seed) == 143

    rows = seed_one_things("410721", 1, SEED_004)
    index = department_index("410721")
    assert len(rows) == 21
    assert [(ot.seq, squash(ot.name)) for ot in rows] == [(r.seq, r.name) for r in seed]
    assert [ot.items.count() for ot in rows] == [len(r.items) for r in seed]
    assert sum(ot.items.count() for ot in rows) == 143

    problems = []
    known = []  # annotations a full specification drops (see lost())

    def lost(where: str, db, annotation: str) -> None:
        """The seed's “（annotation）” after an item or department must survive in the item's note."""
        if annotation in db.note:
            return
        message = f"{where}: “{db.service_item.name}”: the seed’s “（{annotation}）” is not in the note {db.note!r}"
        (known if db.one_thing.summary else problems).append(message)

    for row, ot in zip(seed, rows, strict=True):
        where = f"{row.seq} {row.name}"
        if squash(ot.deadline_text) != row.deadline:
            problems.append(f"{where}: deadline {ot.deadline_text!r}, seed {row.deadline!r}")
        leads, _, _ = split_cell(row.lead, index)
        if ot.lead_department != leads[0]:
            problems.append(f"{where}: lead {ot.lead_department}, seed “{squash(row.lead)}”")

        # Item names: equal, or the seed's trailing “（…）” annotation moved to the item's note.
        db_items = list(ot.items.all())
        by_item = {}
        for it in row.items:
            hit = next((db for db in db_items if squash(db.service_item.name) == it["name"]), None)
            if hit is None:
                hit = next(
                    (
                        db
                        for db in db_items
                        if re.fullmatch(rf"{re.escape(squash(db.service_item.name))}（.+）", it["name"])
                    ),
                    None,
                )
                if hit is not None:
                    annotation = it["name"][len(squash(hit.service_item.name)) + 1 : -1]
                    lost(where, hit, annotation)
            if hit is None:
                problems.append(f"{where}: seed item “{it['name']}” not in the DB")
                continue
            db_items.remove(hit)
            by_item[it["name"]] = hit
        problems += [f"{where}: DB item “{db.service_item.name}” not in the seed" for db in db_items]

        # Departments: an empty 联办部门 cell is merged with the cell above; a block is a cell and the empty
        # cells under it.
        blocks: list[tuple[str, list[str]]] = []
        for it in row.items:
            if squash(it["department"]):
                blocks.append((it["department"], [it["name"]]))
            elif blocks:
                blocks[-1][1].append(it["name"])
            else:
                problems.append(f"{where}: the first 联办部门 cell is empty")
        for cell, names in blocks:
            depts, how, note = split_cell(cell, index)
            items = [by_item[n] for n in names if n in by_item]
            for db in items:
                got = [db.department, *sorted(db.supporting_departments.all(), key=lambda d: d.pk)]
                label = f"{where}: “{db.service_item.name}”"
                if how == "lines" and len(depts) > 1:
                    # one department per line of a merged cell spanning several items: each item goes to one
                    if db.department not in depts or len(got) > 1:
                        problems.append(f"{label}: {[str(d) for d in got]} not one of “{squash(cell)}”")
                elif got[0] != depts[0] or set(got) != set(depts):
                    problems.append(f"{label}: {[str(d) for d in got]}, seed “{squash(cell)}”")
                if note:
                    lost(where, db, note)
            if how == "lines" and len(depts) > 1 and {db.department for db in items} != set(depts):
                problems.append(f"{where}: the items under “{squash(cell)}” do not cover all its departments")
    assert not problems, "\n".join(problems)
    assert not known, known


# ---------------------------------------------------------------------------------------------- departments

SEED_COUNTIES = ["411421", "410702", "410902", "411323", "410721"]
PUBLIC_BODIES = [
    ("POWER", "供电公司", DepartmentKind.PUBLIC_ENTERPRISE),
    ("TOBACCO", "烟草公司", DepartmentKind.PUBLIC_ENTERPRISE),
    ("TELECOM", "网络运营商", DepartmentKind.PUBLIC_ENTERPRISE),
    ("HOUSING_FUND", "公积金", DepartmentKind.PUBLIC_INSTITUTION),
]


@pytest.mark.parametrize("region", SEED_COUNTIES)
def test_seed_county_departments_have_a_known_kind(region):
    departments = list(Department.objects.filter(region__code=region))
    assert len(departments) >= 15, f"{region} has only {len(departments)} departments"
    kinds = set(DepartmentKind.values)
    assert not [d.name for d in departments if d.kind not in kinds]


def test_department_kind_is_the_same_for_a_function_in_every_seed_county():
    kinds: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for dept in Department.objects.filter(region__code__in=SEED_COUNTIES).select_related("region"):
        kinds[dept.code].add((dept.kind, dept.region.code))
    mixed = {code: sorted(v) for code, v in kinds.items() if len({k for k, _ in v}) > 1}
    assert not mixed, mixed


@pytest.mark.parametrize("region", SEED_COUNTIES)
@pytest.mark.parametrize(("code", "spelling", "kind"), PUBLIC_BODIES)
def test_public_bodies_exist_in_every_seed_county(region, code, spelling, kind):
    dept = Department.objects.filter(region__code=region, code=code).first()
    assert dept is not None, f"{region} has no {code} ({spelling})"
    assert dept.kind == kind, f"{dept.name}: {dept.kind}, expected {kind}"
    if code == "HOUSING_FUND":
        assert "公积金" in dept.name
    else:
        assert spelled_as(dept, spelling), f"{dept.name} is not spelled “{spelling}” (spellings: {dept.spellings()})"
