"""The task pages' forms: the queue's filters, each department action, and the joint inspection."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import AccountKind, StaffRole
from accounts.models import User
from cases.choices import ENDED_ITEM_STATUSES, ItemStatus
from cases.models import Case, CaseItem
from core.fields import IdMultipleChoiceField
from workcalendar.choices import ClockState

from . import rules
from .choices import InspectionResult, TaskState

MAX_TEXT = 2000
CLOCK_CHOICES = [(s.value, s.label) for s in (ClockState.NORMAL, ClockState.WARNING, ClockState.OVERDUE)]


class TaskFilterForm(forms.Form):
    """GET filters of the workbench; an unknown value is ignored rather than refused."""

    state = forms.ChoiceField(label=_("State"), choices=[("", _("Open"))] + TaskState.choices, required=False)
    clock = forms.ChoiceField(label=_("Clock"), choices=[("", _("Any"))] + CLOCK_CHOICES, required=False)

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""


def _text(label, *, required: bool, message=None, initial=None, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        initial=initial,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message} if message else None,
    )


class AcceptForm(forms.Form):
    pass


class RefuseForm(forms.Form):
    reasons = _text(_("Reasons"), required=True, message=_("State the reasons for not accepting."))


def _produced_field(f) -> forms.Field:
    """The input for one value the result produces, by its data element's type (checked again in clean)."""
    from catalog.choices import ElementType
    from oneform.choices import BOOLEAN_VALUES

    common = {
        "label": f.label,
        "error_messages": {"required": _("This field is required."), "invalid_choice": _("Choose one of the list.")},
        "help_text": _("The applicant was not asked for it: this result produces it."),
    }
    if f.type == ElementType.BOOLEAN:
        return forms.ChoiceField(choices=[("", "—")] + list(BOOLEAN_VALUES.items()), **common)
    if f.type == ElementType.CHOICE and f.choices:
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in f.choices], **common)
    if f.type == ElementType.DATE:
        return forms.CharField(max_length=10, widget=forms.DateInput(attrs={"type": "date"}), **common)
    if f.type == ElementType.TEXT:
        return forms.CharField(max_length=f.max_length or 2000, widget=forms.Textarea(attrs={"rows": 2}), **common)
    return forms.CharField(max_length=f.max_length or 200, **common)


class ApproveForm(forms.Form):
    result_number = forms.CharField(label=_("Result number"), max_length=60, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confirm_reason = _text(_("Approve now although (reason, recorded)"), required=False, rows=2)

    PRODUCED_PREFIX = "produced__"

    def __init__(self, *args, warnings: list[str] | None = None, produced: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # the values this item's result produces (出生医学证明编号): asked here, before the result fields
        self._produced = {self.PRODUCED_PREFIX + f.key.replace(".", "__"): f for f in produced or []}
        fields = dict(self.fields)
        self.fields.clear()
        for name, f in self._produced.items():
            self.fields[name] = _produced_field(f)
        self.fields.update(fields)
        if warnings:  # shown before the reviewer presses the button: what approving now would skip
            self.fields["confirm_reason"].help_text = _("Not yet done: %(warnings)s.") % {
                "warnings": "；".join(warnings)
            }
        else:
            del self.fields["confirm_reason"]

    def clean(self):
        from oneform.services import check_value

        cleaned = super().clean()
        produced: dict[str, str] = {}  # data element key -> the value entered, for the service call
        for name, f in self._produced.items():
            produced[f.key] = value = (cleaned.get(name) or "").strip()
            message = check_value(f, value) if value else ""
            if message:
                self.add_error(name, message)
        cleaned["produced_values"] = produced
        return cleaned


class DenyForm(forms.Form):
    reasons = _text(_("Reasons"), required=True, message=_("State the reasons for the denial."))
    remedies = _text(_("Legal remedies"), required=False, rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remedies"].initial = str(rules.DEFAULT_REMEDIES)


class SupplementForm(forms.Form):
    reason = _text(_("What the applicant must supply"), required=True, message=_("Say what the applicant must supply."))


class ResumeForm(forms.Form):
    pass


def department_staff(item: CaseItem):
    """Who can be assigned an item: staff holding the reviewer or lead role in the item's department."""
    return (
        User.objects.filter(
            kind=AccountKind.STAFF,
            is_active=True,
            roles__department_id=item.department_id,
            roles__role__in=[StaffRole.REVIEWER, StaffRole.LEAD],
        )
        .distinct()
        .order_by("username")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose whom to assign."), "invalid_choice": _("Choose whom to assign.")},
    )

    def __init__(self, *args, item: CaseItem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = department_staff(item)
        self.fields["assignee"].initial = item.assignee_id


class UrgeForm(forms.Form):
    note = _text(_("Note"), required=False, rows=2)


# ---------------------------------------------------------------- joint inspection


def open_items(case: Case):
    return case.items.filter(distributed_at__isnull=False).exclude(
        status__in=[*ENDED_ITEM_STATUSES, ItemStatus.AWAITING_RECEIPT]
    )


class BookInspectionForm(forms.Form):
    items = IdMultipleChoiceField(
        label=_("Items to inspect"),
        queryset=CaseItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the items to inspect.")},
    )
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Choose the date and time of the inspection.")},
    )
    place = forms.CharField(
        label=_("Place"), max_length=200, error_messages={"required": _("State where the inspection takes place.")}
    )
    note = _text(_("Note for the departments"), required=False, rows=2)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = open_items(case).order_by("order", "id")
        self.fields["items"].label_from_instance = lambda item: f"{item.name}（{item.department}）"


class CancelInspectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        error_messages={"required": _("Say why the inspection is cancelled.")},
    )


class OutcomeForm(forms.Form):
    """One result and note per item of the inspection: result_<pk>, note_<pk>."""

    def __init__(self, *args, inspection, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.inspection_items = list(inspection.items.all())  # in the item order (CaseItem.Meta); prefetched or not
        for item in self.inspection_items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.name,
                choices=[("", "—")] + InspectionResult.choices,
                widget=forms.Select(attrs={"aria-label": f"{item.name} · {_('Result')}"}),
                error_messages={"required": _("Choose a result.")},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.TextInput(attrs={"aria-label": f"{item.name} · {_('Note')}"}),
            )

    def rows(self):
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"]) for item in self.inspection_items]

    def outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (self.cleaned_data[f"result_{item.pk}"], self.cleaned_data.get(f"note_{item.pk}", ""))
            for item in self.inspection_items
        }
