from django import forms
from django.utils.translation import gettext_lazy as _

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


__all__ = ["CatalogFilterForm", "ReasonForm", "ImportForm", "Department"]
