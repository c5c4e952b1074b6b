"""Forms of the voting pages: shape only; the workflow checks the rules again."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import captcha_sms, images
from portal.formfields import TypedTextField
from voting.models import Choice, Cycle, Milestone, Rating

MAX_PHOTOS = 6


class ProposalForm(forms.Form):
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    captcha_token = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)
    captcha = forms.CharField(
        label=_("Check code"), max_length=16, help_text=_("Type the 4 digits shown in the picture."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Type the check code.")},
    )  # fmt: skip
    cycle = forms.ModelChoiceField(
        label=_("Selection cycle"), queryset=Cycle.objects.none(), empty_label=_("Choose a cycle"),
        error_messages={"required": _("Choose a cycle."),
                        "invalid_choice": _("This cycle is no longer taking proposals.")},
    )  # fmt: skip
    # No maxlength attribute on the texts: a browser would cut a pasted text silently.
    title = TypedTextField(label=_("Project title"), max_length=100, counter=True)
    description = TypedTextField(
        label=_("What should be done, where, and who benefits"), max_length=5000, counter=True,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    proposer_name = TypedTextField(label=_("Your name (optional)"), max_length=64, required=False)
    proposer_phone = TypedTextField(
        label=_("Your phone number (optional)"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree."),
        error_messages={"required": _("Agree to the privacy notice to send the proposal.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.filter(
            stage=Cycle.Stage.SOLICIT
        ).select_related("region")  # fmt: skip
        self.fields["cycle"].label_from_instance = lambda c: (
            f"{c.region.name} · {c.year} · {c.title}"
        )

    def clean_client_token(self) -> str:
        value = self.cleaned_data["client_token"].strip().lower()
        try:
            canonical = str(uuid.UUID(value))
        except ValueError:
            canonical = ""
        if canonical != value:
            raise forms.ValidationError(_("The form has expired. Please send it again."))
        return value

    def clean_captcha(self) -> str:
        """Take the picture's digits or the code sent by text message to the phone typed."""
        answer = self.cleaned_data["captcha"]
        captcha_sms.validate(
            self.cleaned_data.get("captcha_token", ""),
            answer,
            phone=str(self.data.get("proposer_phone", "")),
            owner=self.cleaned_data.get("client_token", ""),
        )
        return answer


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )  # fmt: skip


def _choice_field(candidate) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=f"{candidate.number}. {candidate.title}", choices=Choice.choices,
        widget=forms.RadioSelect, required=False,
    )  # fmt: skip


class MarksForm(forms.Form):
    """One yes/no/abstain radio group per candidate (unmarked is abstain)."""

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for candidate in self.candidates:
            self.fields[f"c{candidate.pk}"] = _choice_field(candidate)

    def marks(self) -> dict[int, str]:
        return {
            c.pk: self.cleaned_data[f"c{c.pk}"]
            for c in self.candidates
            if self.cleaned_data.get(f"c{c.pk}")
        }

    def mark_fields(self):
        return [self[f"c{c.pk}"] for c in self.candidates]


class PaperForm(MarksForm):
    invalid = forms.BooleanField(label=_("Invalid ballot (spoiled or unreadable)"), required=False)


class PaperEnterForm(PaperForm):
    sheet = forms.IntegerField(label=_("Sheet number"), min_value=1, max_value=100_000)


class ResolveForm(PaperForm):
    note = forms.CharField(label=_("How it was settled"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class DeputiesForm(forms.Form):
    deputies = forms.TypedMultipleChoiceField(label=_("Deputies"), coerce=int,
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, roll=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = [(r.representative_id, r.representative.name)
                                           for r in roll]  # fmt: skip


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most 6 photos."))
        cleaned = []
        for item in files:
            item = super().clean(item, initial)
            try:
                cleaned.append(images.reencode(item.read(images.MAX_PHOTO_BYTES + 1)))
            except images.PhotoError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Report"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.none(),
                                       required=False)  # fmt: skip
    progress = forms.IntegerField(label=_("Milestone progress (%)"), min_value=0, max_value=100,
                                  required=False)  # fmt: skip
    photos = PhotosField(
        label=_("Photos (optional, up to 6)"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["milestone"].queryset = project.milestones.all()


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    due_on = forms.DateField(label=_("Due on"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)


class VisitForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label=_("Findings"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


class EvaluateForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect,
                               required=False)  # fmt: skip
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100,
                               required=False)  # fmt: skip
