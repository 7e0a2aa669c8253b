"""Office hours come from one setting (issue 10, part 9): settings.OFFICE_HOURS is what the clocks count and what the
service guide, the catalog page and the guidance notice show as 办理时间; the one-thing's own text is a note."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import OneThing
from guides.elements import build_guide
from workcalendar.services import WorkingCalendar, office_hours_text

pytestmark = pytest.mark.django_db

NEWBORN = "410721-01-009"


def test_the_text_follows_the_setting(settings):
    assert office_hours_text() == "工作日 09:00–12:00、13:00–17:00"
    settings.OFFICE_HOURS = (("08:30", "12:00"), ("14:30", "17:30"))
    assert office_hours_text() == "工作日 08:30–12:00、14:30–17:30"
    assert WorkingCalendar().working_day_length.total_seconds() == 6.5 * 3600  # and the clocks count the same


def test_the_catalog_page_and_the_guide_show_the_settings_hours(settings):
    settings.OFFICE_HOURS = (("08:30", "12:00"), ("14:30", "17:30"))
    ot = OneThing.objects.get(code=NEWBORN, status="published")
    detail = Client().get(reverse("catalog:detail", args=[NEWBORN])).content.decode()
    assert "工作日 08:30–12:00、14:30–17:30" in detail
    assert ot.hours in detail  # the one-thing's own wording stays, as a note
    method = dict(build_guide(ot)["full"]["method"][0]["rows"])
    assert method["办理时间"] == "工作日 08:30–12:00、14:30–17:30"
    assert method["办理时间说明"] == ot.hours
