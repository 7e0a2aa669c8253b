"""Reading ratings, rectifications and complaints (the one door for them: accounts.permissions.restrict).

`rating_levels` is the figure the supervision report (通报) reads: the count of ratings per level.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.permissions import regions_below, restrict
from regions.models import Department, Region

from .choices import OPEN_RECTIFICATION_STATUSES, ComplaintStatus, Level
from .models import Complaint, Rating, Rectification

LEVEL_KEYS = tuple(str(v) for v in sorted(Level.values))  # "1" … "5"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def rating_levels(
    ratings: QuerySet[Rating] | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    region: Region | int | None = None,
    department: Department | int | None = None,
    current_only: bool = True,
) -> dict[str, int]:
    """The number of ratings per level, {"1": n, … "5": n} (every key present, 0 when none).

    - `ratings`: the ratings to count (default: all); the filters below narrow it.
    - `start`, `end`: local dates, both included, on the moment of rating (`rated_at`).
    - `region`: the region of the rated case, with every region below it (a city counts its counties).
    - `department`: the department responsible for the step rated (contacts.py: the centre for the window's intake
      and delivery, each item's department, the lead department for the whole one-thing).
    - `current_only` (default): a contact re-rated after a rectification counts once, at its latest level; False
      counts every rating given (the first, 差评, and the re-rating).

    One query (a GROUP BY over the indexed region/department and time), plus one per level of regions below.
    """
    qs = ratings if ratings is not None else Rating.objects.all()
    if current_only:
        qs = qs.filter(current=True)
    if start is not None:
        qs = qs.filter(rated_at__gte=_day_start(start))
    if end is not None:
        qs = qs.filter(rated_at__lt=_day_start(end + dt.timedelta(days=1)))
    if region is not None:
        region_id = region.pk if isinstance(region, Region) else int(region)
        qs = qs.filter(region_id__in=sorted(regions_below([region_id])))
    if department is not None:
        qs = qs.filter(department_id=department.pk if isinstance(department, Department) else int(department))
    counts = dict(qs.order_by().values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    return {key: counts.get(int(key), 0) for key in LEVEL_KEYS}


# ---------------------------------------------------------------- rectifications and complaints, by the door


def rectifications_for(user: User) -> QuerySet[Rectification]:
    """The rectifications the user handles (their department's) or supervises (their region's), one query."""
    handled = restrict(user, "rating.rectify", Rectification.objects.all())
    supervised = restrict(user, "rating.supervise", Rectification.objects.all())
    return (
        Rectification.objects.filter(pk__in=handled.values("pk"))
        | Rectification.objects.filter(pk__in=supervised.values("pk"))
    ).select_related("case", "case__one_thing", "department", "rating", "region")


def get_rectification(user: User, pk: int | str) -> Rectification:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such rectification") from None
    found = rectifications_for(user).filter(pk=key).first()
    if found is None:
        raise Http404("No such rectification")
    return found


def open_rectifications(user: User) -> QuerySet[Rectification]:
    return rectifications_for(user).filter(status__in=sorted(OPEN_RECTIFICATION_STATUSES))


def complaints_for(user: User) -> QuerySet[Complaint]:
    handled = restrict(user, "complaint.handle", Complaint.objects.all())
    return handled.select_related("case", "department", "region")


def get_complaint(user: User, pk: int | str) -> Complaint:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such complaint") from None
    found = complaints_for(user).filter(pk=key).first()
    if found is None:
        raise Http404("No such complaint")
    return found


def open_complaints(user: User) -> QuerySet[Complaint]:
    return complaints_for(user).filter(status__in=[ComplaintStatus.OPEN, ComplaintStatus.UPHELD])
