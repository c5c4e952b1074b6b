"""Forms of the deputies' pages. They validate input; the rules live in workflow.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Reception, ReceptionMatter, Representative, Station


class ReceptionForm(forms.Form):
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none())
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    form = forms.ChoiceField(label=_("Form of reception"), choices=Reception.Form.choices)
    people_count = forms.IntegerField(
        label=_("People received"), min_value=0, max_value=10_000, initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies present"), queryset=Representative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    summary = forms.CharField(
        label=_("Summary (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, stations, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["deputies"].queryset = deputies
        self.fields["date"].initial = timezone.localdate

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


def _issue_categories() -> list[tuple[str, str]]:
    """The categories of citizen issues, read from the issue a matter links to (stations does
    not import the petitions models)."""
    issue = ReceptionMatter._meta.get_field("petition").related_model
    return [("", _("Choose a category")), *issue._meta.get_field("category").choices]


class MatterForm(forms.Form):
    content = forms.CharField(
        label=_("Matter raised"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReceptionMatter.Outcome.choices, widget=forms.RadioSelect,
        initial=ReceptionMatter.Outcome.ANSWERED,
    )  # fmt: skip
    answer = forms.CharField(
        label=_("Answer given on the spot"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    category = forms.ChoiceField(
        label=_("Category of the citizen issue"), required=False, choices=_issue_categories,
        help_text=_("A forwarded matter becomes a citizen issue of this category."),
    )  # fmt: skip
    citizen_name = forms.CharField(
        label=_("Citizen's name (optional)"), required=False, max_length=64
    )
    citizen_phone = forms.RegexField(
        label=_("Citizen's phone (optional)"), required=False, max_length=20, regex=r"^[0-9+\- ]{7,20}$",
        error_messages={"invalid": _("Enter a phone number of 7 to 20 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == ReceptionMatter.Outcome.ANSWERED and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write down the answer given on the spot."))
        if outcome == ReceptionMatter.Outcome.FORWARDED and not data.get("category"):
            self.add_error("category", _("Choose a category."))
        return data


MatterFormSet = forms.formset_factory(MatterForm, extra=1, max_num=50, validate_max=True)
