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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


def _counts(figures: Iterable[Figure], filters: Filters, group: str | None) -> dict:
    """group value (None without grouping) -> figure key -> count: one query per subject and period field."""
    now = filters.moment
    by_query: dict[tuple[str, str | None], list[Figure]] = defaultdict(list)
    for f in figures:
        by_query[(f.subject, f.period)].append(f)
    out: dict = defaultdict(dict)
    for (subject, period), members in by_query.items():
        if group and subject == CASE and group not in ("one_thing_code",):
            continue  # case figures are not split by department or item
        qs = base(subject, filters)
        if period:
            qs = qs.filter(**{f"{period}__range": (filters.start, filters.end)})
        elif subject == ITEM:
            qs = qs.filter(status__in=OPEN_ITEM_STATUSES)  # what stands now: open items only (a partial index)
        else:
            qs = qs.filter(deferred_first_due__isnull=False)
        annotations = {f.key: Count("pk", filter=f.where(now)) for f in members}
        if group:
            for row in qs.order_by().values(group).annotate(**annotations):
                out[row[group]].update({f.key: row[f.key] for f in members})
        else:
            out[None].update(qs.order_by().aggregate(**annotations))
    return out


def _medians(filters: Filters, group: str | None) -> dict:
    """group value -> median key -> value, from a histogram (value, count) read in one query per median."""
    out: dict = defaultdict(dict)
    overs = {"review_done": _REVIEW_DONE, "completed": BY_KEY["completed"]}
    for median in MEDIANS:
        over = overs[median.over]
        if group and over.subject == CASE and group != "one_thing_code":
            continue
        qs = rows_of(over, filters).exclude(**{f"{median.column}__isnull": True})
        fields = [group, median.column] if group else [median.column]
        histogram: dict = defaultdict(list)
        for row in qs.order_by().values(*fields).annotate(n=Count("pk")):
            histogram[row[group] if group else None].append((row[median.column], row["n"]))
        for key, pairs in histogram.items():
            out[key][median.key] = _median_of(pairs)
    return out


def _median_of(pairs: list[tuple[int, int]]) -> float | None:
    """The median of a histogram [(value, how many)]: the middle value, or the mean of the two middle ones."""
    pairs = sorted(pairs)
    total = sum(n for _, n in pairs)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value, n in pairs:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        seen += n
    return (found[0] + found[1]) / 2


def _with_rates(counts: dict) -> dict:
    row = {f.key: counts.get(f.key, 0) or 0 for f in FIGURES}
    for rate in RATES:
        denominator = sum(row[k] for k in rate.denominator)
        row[rate.key] = round(row[rate.numerator] / denominator, 4) if denominator else None
    return row


def figures(filters: Filters) -> dict:
    """Every figure, rate and median for the whole of `filters`."""
    row = _with_rates(_counts(FIGURES, filters, None)[None])
    medians = _medians(filters, None).get(None, {})
    row.update({m.key: medians.get(m.key) for m in MEDIANS})
    return row


GROUPS = {"department": "department_id", "one_thing": "one_thing_code", "item": "service_item_id"}


def figures_by(dimension: str, filters: Filters) -> dict:
    """group value (department id, one-thing code, service item id) -> the figures of that group; the case
    figures only by one-thing (None where a group does not have them)."""
    group = GROUPS[dimension]
    counts = _counts(FIGURES, filters, group)
    medians = _medians(filters, group)
    out = {}
    for key in counts:
        row = _with_rates(counts[key])
        if group != "one_thing_code":
            for f in FIGURES:
                if f.subject == CASE:
                    row[f.key] = None
            row["review_on_time_rate"] = None  # formal review is the window's, not a department's
        row.update({m.key: medians.get(key, {}).get(m.key) for m in MEDIANS})
        out[key] = row
    return out


def trend(filters: Filters) -> list[dict]:
    """Items received and completed per day of the period (per month when it is longer than 62 days)."""
    monthly = (filters.end - filters.start).days > 62
    qs = base(ITEM, filters).filter(received_on__range=(filters.start, filters.end))
    now = filters.moment
    buckets: dict[str, dict] = {}
    rows = (
        qs.order_by()
        .values("received_on")
        .annotate(received=Count("pk"), completed=Count("pk", filter=BY_KEY["completed"].where(now)))
    )
    for row in rows:
        day = row["received_on"]
        label = day.strftime("%Y-%m") if monthly else day.isoformat()
        bucket = buckets.setdefault(label, {"period": label, "received": 0, "completed": 0})
        bucket["received"] += row["received"]
        bucket["completed"] += row["completed"]
    return [buckets[k] for k in sorted(buckets)]
