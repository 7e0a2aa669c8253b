"""The supervision figures (电子监察), each defined once: FIGURES (counts), RATES and MEDIANS below, with the seed
clause each comes from (docs/supervision.md says the same in words). Every count is a filter on a summary row
(models.CaseFact / ItemFact, the projection of the case events: facts.py); the dashboard's number, the report's and
the drill-down list of cases behind a figure all use that one filter.

Which rows a figure counts:
- item figures (办件 = a department's task): the items distributed in the period (`received_on`), of the region
  (a county, or every county below a city or the province), optionally one one-thing and one department;
- case figures: the cases filed (`submitted_on`) or received (`received_on`) in the period;
- "now" figures (period None): what stands open now, whatever the period (overdue, paused, 容缺 outstanding).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from cases.choices import Channel, ItemStatus

from .models import CaseFact, ItemFact

IS = ItemStatus
OPEN_ITEM_STATUSES = (IS.QUEUED, IS.PRE_REVIEW, IS.ACCEPTED, IS.SUPPLEMENT)
ITEM, CASE = "item", "case"


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    clause: str  # the seed clause (../shared/seeds: 000 民权县, 001 红旗区, 003 西峡县, 004 新乡县)
    subject: str  # ITEM or CASE: which summary rows it counts
    period: str | None  # the date field the period applies to; None: what stands now, whatever the period
    where: Callable[[dt.datetime], Q]  # the rows it counts, given the moment "now"


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


FIGURES: tuple[Figure, ...] = (
    Figure("received", gettext_lazy("Items received"), "000 第二十五条；001 第二十四条（办件量）", ITEM, "received_on",
           lambda now: Q()),
    Figure("not_accepted", gettext_lazy("Not accepted"), "000 第二十五条（不予受理量）；004 四(二)3", ITEM, "received_on",
           lambda now: Q(status=IS.REFUSED)),
    Figure("acceptance_on_time", gettext_lazy("Accepted or refused within 1 working day"),
           "000 第十四条；004 四(二)3（受理时限）", ITEM, "received_on",
           lambda now: Q(acceptance_at__lte=F("acceptance_due_at"))),
    Figure("acceptance_late", gettext_lazy("Accepted or refused late"), "000 第十四条；004 四(二)3（受理时限）", ITEM,
           "received_on", lambda now: Q(acceptance_at__gt=F("acceptance_due_at"))),
    Figure("completed", gettext_lazy("Completed (decided)"), "000 第二十五条；001 第二十四条（办结量、办结率）", ITEM,
           "received_on", lambda now: Q(status__in=(IS.APPROVED, IS.DENIED))),
    Figure("decision_on_time", gettext_lazy("Decided within the promised limit"), "000 第十五条（办理时限）", ITEM,
           "received_on", lambda now: Q(decided_on__lte=F("decision_due_on"))),
    Figure("decision_late", gettext_lazy("Decided after the promised limit"), "000 第十五条（办理时限）", ITEM,
           "received_on", lambda now: Q(decided_on__gt=F("decision_due_on"))),
    Figure("withdrawn", gettext_lazy("Withdrawn"), "004 四(二)4（撤回）", ITEM, "received_on",
           lambda now: Q(status=IS.WITHDRAWN)),
    Figure("delivery_on_time", gettext_lazy("Results delivered the same day"), "004 四(二)5（送达）", ITEM,
           "received_on", lambda now: Q(delivery_late=False)),
    Figure("delivery_late", gettext_lazy("Results delivered late"), "004 四(二)5（送达）", ITEM, "received_on",
           lambda now: Q(delivery_late=True)),
    Figure("overdue_open", gettext_lazy("Overdue now"), "000 第十四条、第十五条；000 第二十五条（超期）", ITEM, None,
           lambda now: Q(status=IS.QUEUED, acceptance_due_at__lt=now)
           | Q(status__in=(IS.ACCEPTED, IS.PRE_REVIEW), decision_due_on__lt=_today(now))),
    Figure("paused", gettext_lazy("Paused for a supplement now"), "004 四(二)4（补充材料，暂停计时）", ITEM, None,
           lambda now: Q(status=IS.SUPPLEMENT)),
    Figure("review_on_time", gettext_lazy("Formal review within the limit"),
           "000 第十三条；001 第十四条；003；004 四(二)2（收件时限）", CASE, "submitted_on",
           lambda now: Q(channel=Channel.ONLINE, reviewed_at__lte=F("review_due_at"))),
    Figure("review_late", gettext_lazy("Formal review late (or still waiting past the limit)"),
           "000 第十三条；001 第十四条；003；004 四(二)2（收件时限）", CASE, "submitted_on",
           lambda now: Q(channel=Channel.ONLINE, reviewed_at__gt=F("review_due_at"))
           | Q(channel=Channel.ONLINE, reviewed_at__isnull=True, review_due_at__lt=now)),
    Figure("deferred_open", gettext_lazy("Cases with 容缺 materials outstanding"), "004 一(6)（容缺受理）", CASE, None,
           lambda now: Q(deferred_first_due__isnull=False)),
    Figure("deferred_overdue", gettext_lazy("Cases with a 容缺 material past its date"), "004 一(6)（容缺受理）", CASE,
           None, lambda now: Q(deferred_first_due__lt=_today(now))),
    Figure("commitments", gettext_lazy("Cases with a 告知承诺 to verify"), "003；004 一(6)（告知承诺）", CASE,
           "received_on", lambda now: Q(committed__gt=0)),
)  # fmt: skip
BY_KEY = {f.key: f for f in FIGURES}


@dataclass(frozen=True)
class Rate:
    key: str
    label: Promise
    numerator: str
    denominator: tuple[str, ...]  # summed


RATES: tuple[Rate, ...] = (
    Rate("not_accepted_rate", gettext_lazy("Not accepted rate"), "not_accepted", ("received",)),
    Rate("completion_rate", gettext_lazy("Completion rate"), "completed", ("received",)),
    Rate("review_on_time_rate", gettext_lazy("Formal review on time"), "review_on_time", ("review_on_time", "review_late")),
    Rate("acceptance_on_time_rate", gettext_lazy("Acceptance on time"), "acceptance_on_time",
         ("acceptance_on_time", "acceptance_late")),
    Rate("decision_on_time_rate", gettext_lazy("Decision on time"), "decision_on_time",
         ("decision_on_time", "decision_late")),
    Rate("delivery_on_time_rate", gettext_lazy("Delivery the same day"), "delivery_on_time",
         ("delivery_on_time", "delivery_late")),
)  # fmt: skip


@dataclass(frozen=True)
class Median:
    key: str
    label: Promise
    over: str  # the figure whose rows it is the median of
    column: str


MEDIANS: tuple[Median, ...] = (
    Median("review_median_minutes", gettext_lazy("Median formal review (working minutes)"), "review_done",
           "review_minutes"),
    Median("decision_median_days", gettext_lazy("Median decision time (working days, pauses excluded)"), "completed",
           "decision_workdays"),
)  # fmt: skip
# the rows a median is taken over that are not a figure of their own: online cases reviewed in the period
_REVIEW_DONE = Figure("review_done", gettext_lazy("Formally reviewed"), "", CASE, "submitted_on",
                      lambda now: Q(channel=Channel.ONLINE, reviewed_at__isnull=False, review_minutes__isnull=False))  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """What the figures are asked about: regions (ids: a county and everything below what was chosen), a period
    (local dates, both included), optionally a one-thing (code) and a department (id); `now` for what stands now."""

    regions: frozenset[int]
    start: dt.date
    end: dt.date
    one_thing: str = ""
    department: int | None = None
    now: dt.datetime | None = None

    @property
    def moment(self) -> dt.datetime:
        return self.now or timezone.now()


def base(subject: str, filters: Filters) -> QuerySet:
    """The summary rows of the region, one-thing and department (no period yet)."""
    qs: QuerySet
    if subject == ITEM:
        qs = ItemFact.objects.filter(region_id__in=sorted(filters.regions))
        if filters.department:
            qs = qs.filter(department_id=filters.department)
    else:
        qs = CaseFact.objects.filter(region_id__in=sorted(filters.regions))
        if filters.department:
            qs = qs.filter(pk__in=ItemFact.objects.filter(department_id=filters.department).values("case_id"))
    if filters.one_thing:
        qs = qs.filter(one_thing_code=filters.one_thing)
    return qs


def rows_of(figure: Figure, filters: Filters) -> QuerySet:
    """The rows behind one figure (the drill-down list)."""
    qs = base(figure.subject, filters)
    if figure.period:
        qs = qs.filter(**{f"{figure.period}__range": (filters.start, filters.end)})
    return qs.filter(figure.where(filters.moment))


ITEM_GROUP = ("one_thing_code", "department_id", "service_item_id")  # every grouping of the item figures is a roll-up


@dataclass
class Grid:
    """Every count the figures need, read once (seven queries whatever the groupings asked, each one pass over its rows
    through an index that covers it on PostgreSQL): the item figures by
    (one-thing, department, service item, day distributed) for the period and by (one-thing, department, service
    item) for what stands now; the case figures by one-thing; the histograms the medians are read from. `figures`,
    `figures_by` and `trend` roll it up."""

    items: dict[tuple, dict[str, int]]
    cases: dict[str, dict[str, int]]
    item_histogram: dict[tuple, list[tuple[int, int]]]  # decision working days
    case_histogram: dict[str, list[tuple[int, int]]]  # formal-review working minutes


def grid(filters: Filters) -> Grid:
    now = filters.moment
    items: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cases: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    item_histogram: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    case_histogram: dict[str, list[tuple[int, int]]] = defaultdict(list)
    item_period = [f for f in FIGURES if f.subject == ITEM and f.period]
    item_now = [f for f in FIGURES if f.subject == ITEM and not f.period]
    # 1. the items of the period (the covering index itemfact_region_received)
    qs = base(ITEM, filters).filter(received_on__range=(filters.start, filters.end)).order_by()
    for row in qs.values(*ITEM_GROUP, "received_on").annotate(
        **{f.key: Count("pk", filter=f.where(now)) for f in item_period}
    ):
        key = (*(row[k] for k in ITEM_GROUP), row["received_on"])
        items[key].update({f.key: row[f.key] for f in item_period})
    # 2. what stands now: only the rows some "now" figure counts (the partial indexes of the open clocks)
    any_now = Q(pk__in=[])
    for f in item_now:
        any_now |= f.where(now)
    qs = base(ITEM, filters).filter(any_now).order_by()
    for row in qs.values(*ITEM_GROUP).annotate(**{f.key: Count("pk", filter=f.where(now)) for f in item_now}):
        key = (*(row[k] for k in ITEM_GROUP), None)
        items[key].update({f.key: row[f.key] for f in item_now})
    # 3. the cases, one query per period field
    by_period: dict[str | None, list[Figure]] = defaultdict(list)
    for f in FIGURES:
        if f.subject == CASE:
            by_period[f.period].append(f)
    for period, members in by_period.items():
        qs = base(CASE, filters).order_by()
        if period:
            qs = qs.filter(**{f"{period}__range": (filters.start, filters.end)})
        else:
            qs = qs.filter(deferred_first_due__isnull=False)
        for row in qs.values("one_thing_code").annotate(**{f.key: Count("pk", filter=f.where(now)) for f in members}):
            cases[row["one_thing_code"]].update({f.key: row[f.key] for f in members})
    # 4. the medians' histograms
    done = rows_of(BY_KEY["completed"], filters).exclude(decision_workdays__isnull=True).order_by()
    for row in done.values(*ITEM_GROUP, "decision_workdays").annotate(n=Count("pk")):
        item_histogram[tuple(row[k] for k in ITEM_GROUP)].append((row["decision_workdays"], row["n"]))
    reviewed = rows_of(_REVIEW_DONE, filters).order_by()
    for row in reviewed.values("one_thing_code", "review_minutes").annotate(n=Count("pk")):
        case_histogram[row["one_thing_code"]].append((row["review_minutes"], row["n"]))
    return Grid(items=items, cases=cases, item_histogram=item_histogram, case_histogram=case_histogram)


def _median_of(pairs: list[tuple[int, int]]) -> float | None:
    """The median of a histogram [(value, how many)]: the middle value, or the mean of the two middle ones."""
    merged: dict[int, int] = defaultdict(int)
    for value, n in pairs:
        merged[value] += n
    ordered = sorted(merged.items())
    total = sum(n for _, n in ordered)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value, n in ordered:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        seen += n
    return (found[0] + found[1]) / 2


def _with_rates(counts: dict) -> dict[str, Any]:
    row: dict[str, Any] = {f.key: counts.get(f.key, 0) or 0 for f in FIGURES}
    for rate in RATES:
        denominator = sum(row[k] for k in rate.denominator)
        row[rate.key] = round(row[rate.numerator] / denominator, 4) if denominator else None
    return row


def _sum(rows) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for key, value in row.items():
            total[key] += value or 0
    return total


def figures(filters: Filters, g: Grid | None = None) -> dict:
    """Every figure, rate and median for the whole of `filters`."""
    g = g or grid(filters)
    row = _with_rates({**_sum(g.items.values()), **_sum(g.cases.values())})
    row["review_median_minutes"] = _median_of([p for pairs in g.case_histogram.values() for p in pairs])
    row["decision_median_days"] = _median_of([p for pairs in g.item_histogram.values() for p in pairs])
    return row


GROUPS = {"one_thing": 0, "department": 1, "item": 2}  # position in ITEM_GROUP


def figures_by(dimension: str, filters: Filters, g: Grid | None = None) -> dict:
    """group value (department id, one-thing code, service item id) -> the figures of that group; the case
    figures only by one-thing (None where a group does not have them)."""
    g = g or grid(filters)
    at = GROUPS[dimension]
    counts: dict = defaultdict(list)
    histograms: dict = defaultdict(list)
    for key, group_counts in g.items.items():
        counts[key[at]].append(group_counts)
    for key, pairs in g.item_histogram.items():
        histograms[key[at]].extend(pairs)
    out = {}
    for value, rows in counts.items():
        merged = _sum(rows)
        if dimension == "one_thing":
            merged.update(g.cases.get(value, {}))
        row = _with_rates(merged)
        if dimension != "one_thing":
            for f in FIGURES:
                if f.subject == CASE:
                    row[f.key] = None
            row["review_on_time_rate"] = None  # formal review is the window's, not a department's
            row["review_median_minutes"] = None
        else:
            row["review_median_minutes"] = _median_of(g.case_histogram.get(value, []))
        row["decision_median_days"] = _median_of(histograms.get(value, []))
        out[value] = row
    if dimension == "one_thing":  # a one-thing with cases filed but no item distributed yet
        for value, case_counts in g.cases.items():
            if value not in out:
                row = _with_rates(dict(case_counts))
                row["review_median_minutes"] = _median_of(g.case_histogram.get(value, []))
                row["decision_median_days"] = None
                out[value] = row
    return out


def trend(filters: Filters, g: Grid | None = None) -> list[dict]:
    """Items received and completed per day of the period (per month when it is longer than 62 days)."""
    g = g or grid(filters)
    monthly = (filters.end - filters.start).days > 62
    buckets: dict[str, dict] = {}
    for key, row in g.items.items():
        day = key[3]
        if day is None:
            continue
        label = day.strftime("%Y-%m") if monthly else day.isoformat()
        bucket = buckets.setdefault(label, {"period": label, "received": 0, "completed": 0})
        bucket["received"] += row.get("received", 0)
        bucket["completed"] += row.get("completed", 0)
    return [buckets[k] for k in sorted(buckets)]
