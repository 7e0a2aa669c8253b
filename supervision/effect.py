"""Effect assessment (效能比对, 004 附件3 二(三)、六(三)) per one-thing, measured on its real cases, against 004's
targets (国发〔2024〕3号 as 004 restates them): ≥ 50% of form fields generated, materials −60%, time −70%, steps −80%.

Cases measured: those of the filters (region, one-thing, department) received in the period that have ended with a
decision (completed or partly completed), at most MAX_CASES of the most recent ones per one-thing.

Before — the same case filed item by item, the old way:
    materials_before  Σ over the case's materials of the items needing it (each item filed alone asks again)
    days_before       the items' legal limits (ServiceItem.legal_days) in series: summed
    steps_before      2 per item: apply, collect the result (as guidance.metrics counts visits_before)
    visits_before     2 per item, likewise
After — what the case's trail shows:
    materials_after   materials the applicant supplied (a file or paper, 容缺 ones included); not those exempt by
                      an e-licence or shared data, generated from the one form, produced by another item, pushed by
                      a department, or replaced by a signed commitment
    days_after        working days from receipt to the last decision (the measured critical path)
    steps_after       the applicant's own events on the case (filing, corrections, supplements, choosing how to
                      receive…) plus one per delivery (collecting the results)
    visits_after      1 for filing at the window, plus 1 per delivery collected at the window
Form fields come from the catalog side (guidance.metrics.reform_metrics, the fullest situation for the one-thing's
demo applicant: fields_before, fields_after, prefilled_share), cached for an hour: computing it takes seconds.
Averages are over the cases measured, rounded to 1 decimal; a reduction is 1 − after / before.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db.models import Count, F, Max
from django.utils import timezone

from cases.choices import CaseStatus, Channel, MaterialState
from cases.models import CaseEvent, CaseItem, CaseMaterial
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from .figures import CASE, Filters, base

MAX_CASES = 200
TARGETS = {"prefilled_share": 0.5, "materials": 0.6, "days": 0.7, "steps": 0.8}
SUPPLIED = {MaterialState.UPLOADED, MaterialState.PAPER, MaterialState.DEFERRED, MaterialState.MISSING}
ENDED_WITH_DECISION = (CaseStatus.COMPLETED, CaseStatus.PARTIALLY_COMPLETED)
CACHE_KEY = "supervision.reform_metrics.v1"


@dataclass(frozen=True)
class EffectRow:
    one_thing_code: str
    cases: int
    fields_before: int | None
    fields_after: int | None
    prefilled_share: float | None
    materials_before: float
    materials_after: float
    days_before: float
    days_after: float | None
    steps_before: float
    steps_after: float
    visits_before: float
    visits_after: float
    materials_reduction: float | None
    days_reduction: float | None
    steps_reduction: float | None
    meets: dict

    def as_dict(self) -> dict:
        return asdict(self)


def catalog_side() -> dict[str, dict]:
    """one-thing code -> guidance.metrics.reform_metrics row (cached an hour)."""
    rows = cache.get(CACHE_KEY)
    if rows is None:
        from guidance.metrics import reform_metrics

        try:
            rows = {r.code: r.as_dict() for r in reform_metrics()}
        except Exception:  # a demo applicant missing (no demo accounts): no catalog side, the cases still count
            rows = {}
        cache.set(CACHE_KEY, rows, 3600)
    return rows


def _avg(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _reduction(before: float, after: float | None) -> float | None:
    if after is None or not before:
        return None
    return round(1 - after / before, 3)


def assess(filters: Filters) -> list[EffectRow]:
    ended = base(CASE, filters).filter(received_on__range=(filters.start, filters.end), status__in=ENDED_WITH_DECISION)
    by_thing: dict[str, list[tuple]] = {}
    for code in ended.order_by().values_list("one_thing_code", flat=True).distinct():
        rows = ended.filter(one_thing_code=code).order_by("-received_at")[:MAX_CASES]  # the most recent ones
        by_thing[code] = list(rows.values_list("case_id", "one_thing_code", "channel", "received_at"))
    ids = [r[0] for rows in by_thing.values() for r in rows]
    if not ids:
        return []
    materials_before: dict[int, int] = defaultdict(int)
    materials_after: dict[int, int] = defaultdict(int)
    for case_id, state, items in CaseMaterial.objects.filter(case_id__in=ids).values_list("case_id", "state", "items"):
        materials_before[case_id] += max(len(items or []), 1)
        if state in SUPPLIED:
            materials_after[case_id] += 1
    legal: dict[int, int] = defaultdict(int)
    item_count: dict[int, int] = defaultdict(int)
    for case_id, days in CaseItem.objects.filter(case_id__in=ids).values_list("case_id", "service_item__legal_days"):
        legal[case_id] += days or 0
        item_count[case_id] += 1
    last_decision = dict(
        CaseItem.objects.filter(case_id__in=ids, decided_at__isnull=False)
        .values("case_id")
        .annotate(last=Max("decided_at"))
        .values_list("case_id", "last")
    )
    own_events = dict(
        CaseEvent.objects.filter(case_id__in=ids, actor_id=F("case__applicant_id"))
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    from results.models import Delivery

    deliveries: dict[int, int] = defaultdict(int)
    window_pickups: dict[int, int] = defaultdict(int)
    for case_id, method in Delivery.objects.filter(case_id__in=ids).values_list("case_id", "method"):
        deliveries[case_id] += 1
        window_pickups[case_id] += method == "window"
    calendar = WorkingCalendar()
    catalog = catalog_side()
    out = []
    for code, rows in sorted(by_thing.items()):
        days_after: list[float] = []
        for case_id, _code, _channel, received_at in rows:
            if case_id in last_decision and received_at is not None:
                with contextlib.suppress(CalendarNotConfigured):  # a year nobody configured: not measured
                    days_after.append(
                        calendar.workdays_between(
                            timezone.localtime(received_at).date(), timezone.localtime(last_decision[case_id]).date()
                        )
                    )
        cases = [r[0] for r in rows]
        m_before = _avg([materials_before[c] for c in cases])
        m_after = _avg([materials_after[c] for c in cases])
        d_before = _avg([legal[c] for c in cases])
        d_after = _avg(days_after) if days_after else None
        s_before = _avg([2 * item_count[c] for c in cases])
        s_after = _avg([own_events.get(c, 0) + deliveries[c] for c in cases])
        v_after = _avg([(1 if r[2] == Channel.WINDOW else 0) + window_pickups[r[0]] for r in rows])
        side = catalog.get(code, {})
        share = side.get("prefilled_share")
        reductions = {
            "materials": _reduction(m_before, m_after),
            "days": _reduction(d_before, d_after),
            "steps": _reduction(s_before, s_after),
        }
        meets = {k: (None if v is None else v >= TARGETS[k]) for k, v in reductions.items()}
        meets["prefilled_share"] = None if share is None else share >= TARGETS["prefilled_share"]
        out.append(
            EffectRow(
                one_thing_code=code,
                cases=len(cases),
                fields_before=side.get("fields_before"),
                fields_after=side.get("fields_after"),
                prefilled_share=share,
                materials_before=m_before,
                materials_after=m_after,
                days_before=d_before,
                days_after=d_after,
                steps_before=s_before,
                steps_after=s_after,
                visits_before=s_before,
                visits_after=v_after,
                materials_reduction=reductions["materials"],
                days_reduction=reductions["days"],
                steps_reduction=reductions["steps"],
                meets=meets,
            )
        )
    return out
