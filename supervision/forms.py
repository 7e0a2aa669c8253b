"""The dashboard's filters (GET) and the 督办 forms."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PERIOD_DAYS = 366 * 2


class FilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    one_thing = forms.ChoiceField(label=_("One-thing"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, data, *, regions, one_things, departments) -> None:
        super().__init__(data)
        self.fields["region"].choices = [(str(r.pk), r.name) for r in regions]
        self.fields["one_thing"].choices = [("", _("Every one-thing")), *one_things]
        self.fields["department"].choices = [("", _("Every department")), *[(str(d.pk), d.name) for d in departments]]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        start = data.get("start") or today.replace(day=1)
        end = data.get("end") or today
        if start > end:
            self.add_error("end", _("The end of the period must not be before its start."))
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("start", _("Choose a period of at most two years."))
        data["start"], data["end"] = start, end
        return data


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today.replace(day=1), today


class EscalateForm(forms.Form):
    note = forms.CharField(label=_("督办 note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the delay"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    new_due_on = forms.DateField(label=_("Will be decided by"), widget=forms.DateInput(attrs={"type": "date"}))
