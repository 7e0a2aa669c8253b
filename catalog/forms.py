from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import IdMultipleChoiceField
from regions.models import Department, Region

from .choices import LifeStage, Subject


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.filter(one_things__isnull=False).distinct(),
        to_field_name="code",
    )
    subject = forms.ChoiceField(label=_("Subject"), required=False, choices=[("", _("All"))] + Subject.choices)
    stage = forms.ChoiceField(label=_("Life-cycle stage"), required=False, choices=[("", _("All"))] + LifeStage.choices)
    department = forms.CharField(label=_("Department"), required=False, max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), to_field_name="code")
    batch_number = forms.IntegerField(label=_("Batch number"), min_value=1, max_value=999)
    batch_name = forms.CharField(label=_("Batch name"), max_length=200)
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.all()

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f


GUIDE_EDIT_FIELDS = ["intermediary_services", "special_steps", "enquiry", "remedies", "appointment_required",
                     "in_person_required", "all_parties_present", "photo_note", "special_notes",
                     "common_mistakes"]  # fmt: skip

MISTAKE_ARROW = "→"
MISTAKE_SEPARATORS = ("→", "->", "=>")


class MistakesField(forms.CharField):
    """常见错误示例 as lines of “common mistake → what to do instead”; the value is [{"wrong": …, "right": …}]."""

    widget = forms.Textarea(attrs={"rows": 4})

    @staticmethod
    def as_text(value) -> str:
        if isinstance(value, str):
            return value
        return "\n".join(f"{m.get('wrong', '')} {MISTAKE_ARROW} {m.get('right', '')}" for m in value or [])

    def prepare_value(self, value):
        return self.as_text(value)

    def to_python(self, value) -> list[dict[str, str]]:
        text = super().to_python(value)
        mistakes, problems = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            separator = next((sep for sep in MISTAKE_SEPARATORS if sep in line), None)
            wrong, right = (part.strip() for part in line.split(separator, 1)) if separator else (line.strip(), "")
            if not (wrong and right):
                problems.append(
                    _("Line %(number)s: write the mistake, then “→”, then what to do instead.") % {"number": number}
                )
            else:
                mistakes.append({"wrong": wrong, "right": right})
        if problems:
            raise forms.ValidationError(problems)
        return mistakes


class OneThingEditForm(forms.Form):
    """Guide fields of a draft (or listed) one-thing; saved through services.do_update_one_thing."""

    name = forms.CharField(label=_("Name"), max_length=200)
    lead_department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none(), required=False
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    service_object = forms.CharField(
        label=_("Service object"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Where to apply"), required=False, max_length=200)
    hours = forms.CharField(label=_("Office hours"), required=False, max_length=200)
    phone = forms.CharField(label=_("Consultation phone"), required=False, max_length=50)
    deadline_text = forms.CharField(label=_("Completion deadline"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # service guide elements (guides/elements.py)
    intermediary_services = forms.CharField(
        label=_("Intermediary services"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    special_steps = forms.CharField(label=_("Special steps"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    enquiry = forms.CharField(
        label=_("Progress and result enquiry"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    remedies = forms.CharField(
        label=_("Administrative remedies"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    appointment_required = forms.NullBooleanField(label=_("Appointment required"), required=False)
    in_person_required = forms.NullBooleanField(label=_("Applicant must come in person"), required=False)
    all_parties_present = forms.NullBooleanField(label=_("All parties must be present"), required=False)
    photo_note = forms.CharField(label=_("Photo reminder"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    special_notes = forms.CharField(label=_("Other notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    common_mistakes = MistakesField(
        label=_("Common mistakes"),
        required=False,
        help_text=_("One per line: the mistake, “→”, what to do instead."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["lead_department"].queryset = Department.objects.filter(region=region)


class ItemEditForm(forms.Form):
    """Local adjustment of one item: co-handling department, promised limit, prerequisites."""

    department = forms.ModelChoiceField(label=_("Co-handling department"), queryset=Department.objects.none())
    promised_days = forms.IntegerField(label=_("Promised limit"), required=False, min_value=0, max_value=365)
    prerequisites = IdMultipleChoiceField(
        label=_("Prerequisites"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(region=item.one_thing.region)
        self.fields["prerequisites"].queryset = item.one_thing.items.exclude(pk=item.pk).select_related("service_item")
        self.fields["prerequisites"].label_from_instance = lambda it: it.service_item.name
