"""Forms of the suggestion pages. They check the shape of the input; the rules live in
``supervision.suggestions.workflow``. The list's filters are ``queries.SuggestionFilter``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.uploads import validate_document
from supervision.suggestions import workflow
from supervision.suggestions.models import (
    Category,
    ContactLog,
    Review,
    Satisfaction,
    SupervisionRecord,
)

TEXT_MAX = 5000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date() -> forms.DateField:
    return forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )


def _blank(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


class DraftForm(forms.Form):
    """A deputy's suggestion: where it goes, what it says, who co-signs it."""

    target = forms.ChoiceField(label=_("Filed to"))
    title = forms.CharField(label=_("Title"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    content = forms.CharField(label=_("Content"), max_length=20000, widget=_textarea(10))
    cosigners = forms.MultipleChoiceField(
        label=_("Co-signing deputies (附议)"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip

    def __init__(self, *args, targets, deputies, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets
        self.fields["cosigners"].choices = [(str(d.pk), d.name) for d in deputies]
        if editing:
            del self.fields["target"]

    def target_kwargs(self) -> dict:
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        return {"session_id": int(pk)} if kind == "session" else {"region_id": int(pk)}


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=TEXT_MAX, widget=_textarea(2)
    )


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, widget=_textarea(2))


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Review.Reason.choices)
    note = forms.CharField(
        label=_("What the deputy should change"),
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(2),
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text sent to the deputy"), max_length=TEXT_MAX, widget=_textarea(5)
    )


class AssignForm(forms.Form):
    lead_unit = forms.TypedChoiceField(label=_("Lead handling unit"), coerce=int)
    co_units = forms.TypedMultipleChoiceField(
        label=_("Co-handling units"), coerce=int, required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip
    lead_leader = forms.CharField(label=_("Lead leader"), max_length=64)
    received_on = forms.DateField(
        label=_("Received by the unit on"), initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=TEXT_MAX)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(u.pk, f"{u.name}") for u in units]
        self.fields["lead_unit"].choices = [("", "—"), *choices]
        self.fields["co_units"].choices = choices


class ClassForm(forms.Form):
    reply_class = forms.ChoiceField(label=_("Reply class"))
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=_textarea(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_class"].choices = workflow.reply_classes()


class CommitteeForm(forms.Form):
    committee = forms.TypedChoiceField(label=_("Supervising committee"), coerce=int)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=TEXT_MAX)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(c.pk, c.name) for c in committees]


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=TEXT_MAX)


class PlanForm(forms.Form):
    unit_leader = forms.CharField(label=_("Responsible leader"), max_length=64)
    handler_name = forms.CharField(label=_("Handler"), max_length=64)
    handler_phone = forms.CharField(label=_("Handler's phone"), max_length=32, required=False)
    measures = forms.CharField(label=_("Measures"), max_length=TEXT_MAX, widget=_textarea(3))
    standard = forms.CharField(
        label=_("Standard of completion"), max_length=TEXT_MAX, widget=_textarea(2)
    )


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(label=_("Reply class"))
    text = forms.CharField(label=_("Reply"), max_length=20000, widget=_textarea(8))
    signed_off_by = forms.CharField(label=_("Signed off by (unit leader)"), max_length=64)
    # Checked by content (``portal.uploads``), whatever its name or declared type says.
    attachment = forms.FileField(
        label=_("Attachment (optional)"), required=False, validators=[validate_document]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_class"].choices = workflow.reply_classes()

    def clean_attachment(self):
        return self.cleaned_data.get("attachment") or None


class ExtensionForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extend by (months)"), coerce=int, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=_textarea(2))


class ContactForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=ContactLog.Stage.choices)
    method = forms.ChoiceField(label=_("Method"), choices=ContactLog.Method.choices)
    date = _date()
    note = forms.CharField(label=_("What was discussed"), max_length=TEXT_MAX, widget=_textarea(2))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=_textarea(2))


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("Opinion"), max_length=TEXT_MAX, widget=_textarea(4))
    signed_off_by = forms.CharField(label=_("Signed off by"), max_length=64)


class RateForm(forms.Form):
    reply_rating = forms.ChoiceField(
        label=_("The reply"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    reply_comment = forms.CharField(
        label=_("Comment on the reply"), required=False, max_length=TEXT_MAX, widget=_textarea(2)
    )
    implementation_rating = forms.ChoiceField(
        label=_("The implementation"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    implementation_comment = forms.CharField(
        label=_("Comment on the implementation"),
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(2),
    )


class SuperviseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            c for c in SupervisionRecord.Kind.choices if c[0] != SupervisionRecord.Kind.RECHECK
        ],
    )
    date = _date()
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, widget=_textarea(2))


class RecheckForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=SupervisionRecord.Result.choices)
    date = _date()
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, widget=_textarea(2))


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    region = forms.TypedChoiceField(
        label=_("Congress"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank(
            (r.pk, "\u3000" * (r.level - 1) + r.name) for r in regions
        )
