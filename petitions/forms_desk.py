"""Forms of the staff and handling-unit pages of citizen issues. They check the shape of
the input; the rules live in ``petitions.workflow``."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.models import Category, Channel, Rating
from portal import access
from portal.models import Department, Region

TEXT_MAX = 5000
# Channels through which the office receives issues and types them in itself.
ENTRY_CHANNELS = [Channel.HOTLINE, Channel.LETTER, Channel.VISIT, Channel.ONLINE_STATION]
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=TEXT_MAX, widget=_textarea(2)
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=_textarea())


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the citizen"), max_length=TEXT_MAX, widget=_textarea()
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Tracking code of the original issue"), max_length=12,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )  # fmt: skip

    def clean_original(self):
        return self.cleaned_data["original"].strip().upper()


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text sent to the citizen"), max_length=TEXT_MAX, widget=_textarea(5)
    )


class ForwardForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Handling unit"), queryset=Department.objects.none()
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=TEXT_MAX, widget=_textarea(2)
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = units
        self.fields["department"].label_from_instance = lambda unit: (
            f"{unit.region.name} · {unit.name}"
        )


class CloseForm(forms.Form):
    RESOLVED, UNRESOLVED = "resolved", "unresolved"

    outcome = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect, initial=RESOLVED,
        choices=[(RESOLVED, _("Resolved")), (UNRESOLVED, _("Closed without resolution"))],
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason shown to the citizen (required without resolution)"), required=False,
        max_length=TEXT_MAX, widget=_textarea(),
    )  # fmt: skip


class CallbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("What the citizen said on the call-back"), choices=Rating.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label=_("What is still wrong (required when unsatisfied)"), required=False,
        max_length=2000, widget=_textarea(),
    )  # fmt: skip


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Published title"), max_length=100)
    summary = forms.CharField(
        label=_("Published outcome"), max_length=TEXT_MAX, widget=_textarea(5)
    )
    reviewed = forms.BooleanField(
        label=_("I have checked that the text names no citizen and gives no phone or address."),
        error_messages={"required": _("Check the text before publishing it.")},
    )  # fmt: skip


class PetitionEntryForm(forms.Form):
    """An issue received by hotline, letter, visit or the online station, typed in by staff."""

    channel = forms.ChoiceField(
        label=_("Received by"), choices=[(c.value, c.label) for c in ENTRY_CHANNELS]
    )
    region = forms.ModelChoiceField(label=_("Where the problem is"), queryset=Region.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=TEXT_MAX, widget=_textarea(6))
    citizen_name = forms.CharField(
        label=_("Citizen's name (optional)"), required=False, max_length=64
    )
    citizen_phone = forms.CharField(
        label=_("Citizen's phone (optional)"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )  # fmt: skip
    wants_feedback = forms.BooleanField(
        label=_("The citizen wants to hear about the outcome by text message"), required=False
    )
    client_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = access.visible(user, Region.objects.order_by("path"), access.MANAGE)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda region: (
            "\u3000" * (region.level - 1) + region.name
        )

    def clean_client_token(self):
        token = self.cleaned_data["client_token"]
        return token if TOKEN_RE.match(token or "") else ""
