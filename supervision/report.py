"""通报: the supervision report of a region and a period, as a dict (JSON), Excel (openpyxl) or PDF (WeasyPrint,
core.pdf), for `manage.py supervision_report` and the dashboard's download. The JSON keys are stable and written
out in docs/supervision.md ("The report"): `figures`, `by_department`, `by_one_thing`, `effect` and the keys of
each figure (figures.FIGURES, RATES, MEDIANS). `ratings` is added by the evaluation app (好差评) in `extend`.
"""

from __future__ import annotations

import datetime as dt
import io

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.permissions import regions_below
from catalog.models import OneThing
from evaluation.queries import rating_levels
from regions.models import Department, Region

from . import effect
from .figures import FIGURES, MEDIANS, RATES, Filters, figures, figures_by, grid

REPORT_VERSION = 1
FIGURE_KEYS = [f.key for f in FIGURES] + [r.key for r in RATES] + [m.key for m in MEDIANS]


def filters_for(region: Region, start: dt.date, end: dt.date, **kw) -> Filters:
    return Filters(regions=regions_below([region.pk]), start=start, end=end, **kw)


def one_thing_names(codes, regions) -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in (
        OneThing.objects.filter(code__in=list(codes), region_id__in=sorted(regions))
        .order_by("version")
        .values_list("code", "name")
    ):
        names[code] = name  # the latest version's name
    return names


def build_report(region: Region, start: dt.date, end: dt.date, *, now: dt.datetime | None = None) -> dict:
    """The report as plain data (docs/supervision.md lists every key)."""
    now = now or timezone.now()
    filters = filters_for(region, start, end, now=now)
    g = grid(filters)
    by_department = figures_by("department", filters, g)
    departments = {d.pk: d for d in Department.objects.filter(pk__in=by_department).select_related("region")}
    by_thing = figures_by("one_thing", filters, g)
    names = one_thing_names(by_thing, filters.regions)
    report = {
        "version": REPORT_VERSION,
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "figures": {**figures(filters, g), "ratings": rating_levels(start=start, end=end, region=region)},
        "by_department": sorted(
            (
                {
                    "department": departments[pk].name,
                    "department_code": departments[pk].code,
                    "region": departments[pk].region.code,
                    **row,
                    "ratings": rating_levels(start=start, end=end, region=region, department=pk),
                }
                for pk, row in by_department.items()
            ),
            key=lambda r: (r["region"], -r["received"], r["department"]),
        ),
        "by_one_thing": sorted(
            ({"one_thing": names.get(code, code), "one_thing_code": code, **row} for code, row in by_thing.items()),
            key=lambda r: (-r["received"], r["one_thing_code"]),
        ),
        "effect": [{"one_thing": names.get(row.one_thing_code, row.one_thing_code), **row.as_dict()}
                   for row in effect.assess(filters)],
    }  # fmt: skip
    return report


def _rate(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


COLUMNS = ["received", "not_accepted", "completed", "completion_rate", "review_on_time_rate",
           "acceptance_on_time_rate", "decision_on_time_rate", "decision_median_days", "overdue_open", "withdrawn"]  # fmt: skip


EFFECT_KEYS = ["cases", "fields_before", "fields_after", "prefilled_share", "materials_before", "materials_after",
               "materials_reduction", "days_before", "days_after", "days_reduction", "steps_before", "steps_after",
               "steps_reduction", "visits_before", "visits_after"]  # fmt: skip


def labels() -> dict[str, str]:
    return {f.key: str(f.label) for f in (*FIGURES, *RATES, *MEDIANS)}


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    names = labels()
    sheet = book.active
    sheet.title = "总体"
    sheet.append(
        [f"{report['region']['name']} 电子监察通报", f"{report['period']['from']} 至 {report['period']['to']}"]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["指标", "键", "数值"])
    for key in FIGURE_KEYS:
        sheet.append([names[key], key, report["figures"].get(key)])
    for title, rows, name_key in (
        ("按部门", report["by_department"], "department"),
        ("按一件事", report["by_one_thing"], "one_thing"),
    ):
        ws = book.create_sheet(title)
        ws.append([name_key, *[names[c] for c in COLUMNS]])
        for row in rows:
            ws.append([row[name_key], *[row.get(c) for c in COLUMNS]])
    ws = book.create_sheet("效能比对")
    keys = ["one_thing", *[k for k in EFFECT_KEYS]]
    ws.append(keys)
    for row in report["effect"]:
        ws.append([row.get(k) for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: dict) -> bytes:
    from core.pdf import html_to_pdf

    names = labels()
    context = {
        "report": report,
        "rows": [(names[k], k, report["figures"].get(k)) for k in FIGURE_KEYS],
        "columns": [(c, names[c]) for c in COLUMNS],
        "department_rows": [[r["department"], *[_cell(c, r.get(c)) for c in COLUMNS]] for r in report["by_department"]],
        "effect_keys": EFFECT_KEYS,
        "effect_rows": [[r["one_thing"], *[_cell(k, r.get(k)) for k in EFFECT_KEYS]] for r in report["effect"]],
        "thing_rows": [[r["one_thing"], *[_cell(c, r.get(c)) for c in COLUMNS]] for r in report["by_one_thing"]],
    }
    return html_to_pdf(render_to_string("supervision/report_pdf.html", context))


def _cell(key: str, value) -> str:
    if value is None:
        return "—"
    if key.endswith(("_rate", "_reduction", "_share")):
        return _rate(value)
    return str(value)
