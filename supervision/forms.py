"""Forms of the supervision pages. They check the shape of the input; the rules live in
``supervision.workflow``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import images
from portal.models import Department, Region, User
from supervision.models import Evaluation, GroupMember, Matter, WorkLog

TEXT_MAX = 5000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _person(user: User) -> str:
    kind = user.get_kind_display()
    region = user.region.name if user.region_id else ""
    return f"{user.display_name} · {kind}{' · ' + region if region else ''}"


class MatterForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=TEXT_MAX,
                                  widget=_textarea(5))  # fmt: skip
    petitions = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_petitions(self) -> list[int]:
        raw = self.cleaned_data.get("petitions") or ""
        ids = []
        for part in raw.replace(" ", "").split(","):
            if not part:
                continue
            if not (part.isascii() and part.isdecimal() and len(part) <= 18):
                raise forms.ValidationError(_("The list of issues is not valid."))
            ids.append(int(part))
        if len(ids) > 500:
            raise forms.ValidationError(_("At most 500 issues at a time."))
        return ids


class StudyForm(forms.Form):
    studied_on = forms.DateField(label=_("Studied on"), widget=_date_input())
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Matter.Classification.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    decision = forms.CharField(label=_("Decision of the study"), max_length=TEXT_MAX,
                               widget=_textarea())  # fmt: skip
    explanation = forms.CharField(
        label=_("Explanation to the citizens (when answering by explanation)"), required=False,
        max_length=TEXT_MAX, widget=_textarea(),
    )  # fmt: skip


class _PeopleForm(forms.Form):
    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and candidates is not None:
                field.queryset = candidates
                field.label_from_instance = _person


class GroupForm(_PeopleForm):
    leader = forms.ModelChoiceField(label=_("Group leader"), queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    duties = forms.CharField(label=_("Duties of the group"), required=False, max_length=TEXT_MAX,
                             widget=_textarea())  # fmt: skip

    def clean(self):
        data = super().clean()
        leader, members = data.get("leader"), data.get("members") or []
        if leader is not None and leader in members:
            data["members"] = [m for m in members if m != leader]
        return data


class MemberForm(_PeopleForm):
    user = forms.ModelChoiceField(label=_("Member"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=GroupMember.Role.choices,
                             initial=GroupMember.Role.MEMBER)  # fmt: skip
    duties = forms.CharField(label=_("Duties"), required=False, max_length=200)


class RemoveMemberForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=GroupMember.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.user.display_name} · {m.get_role_display()}"
        )


class StartForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none()
    )
    due_on = forms.DateField(label=_("Deadline"), widget=_date_input())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["department"].queryset = units
        self.fields["department"].label_from_instance = lambda u: f"{u.region.name} · {u.name}"


class _PhotoForm(forms.Form):
    photo = forms.ImageField(label=_("Photo (optional)"), required=False)

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size > images.MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("Each photo may be at most %(mb)d MB.")
                % {"mb": images.MAX_PHOTO_BYTES // (1024 * 1024)}
            )
        upload.seek(0)
        try:
            return images.reencode(upload.read())
        except images.PhotoError as error:
            raise forms.ValidationError(error.message) from None


class LogForm(_PhotoForm):
    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=[c for c in WorkLog.Kind.choices if c[0] != WorkLog.Kind.PROGRESS],
    )
    happened_on = forms.DateField(label=_("Date"), widget=_date_input())
    text = forms.CharField(label=_("Notes"), max_length=TEXT_MAX, widget=_textarea())
    field_order = ["kind", "happened_on", "text", "photo"]


class ProgressForm(_PhotoForm):
    happened_on = forms.DateField(label=_("Date"), widget=_date_input())
    text = forms.CharField(label=_("Progress"), max_length=TEXT_MAX, widget=_textarea())
    field_order = ["happened_on", "text", "photo"]


class ReportForm(forms.Form):
    report = forms.CharField(label=_("What was done"), max_length=TEXT_MAX, widget=_textarea(4))


class EvaluateForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=Evaluation.Verdict.choices, widget=forms.RadioSelect
    )
    checked_on = forms.DateField(label=_("Checked on site on"), widget=_date_input())
    findings = forms.CharField(label=_("Findings on site"), max_length=TEXT_MAX,
                               widget=_textarea())  # fmt: skip
    result = forms.CharField(
        label=_("Result told to the citizens (when satisfied)"), required=False,
        max_length=TEXT_MAX, widget=_textarea(),
    )  # fmt: skip
    rectification = forms.CharField(
        label=_("Rectification opinions (when not satisfied)"), required=False,
        max_length=TEXT_MAX, widget=_textarea(),
    )  # fmt: skip
    new_due_on = forms.DateField(
        label=_("New deadline (when not satisfied)"), required=False, widget=_date_input()
    )


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Published title"), max_length=100)
    summary = forms.CharField(label=_("Published outcome"), max_length=TEXT_MAX,
                              widget=_textarea(4))  # fmt: skip


class LinkForm(forms.Form):
    codes = forms.CharField(
        label=_("Tracking codes of the issues (separated by spaces or commas)"), max_length=5000,
        widget=_textarea(2),
    )  # fmt: skip

    def clean_codes(self) -> list[str]:
        raw = self.cleaned_data["codes"].replace(",", " ").replace("，", " ").split()
        codes = [code.strip().upper() for code in raw if code.strip()]
        if not codes:
            raise forms.ValidationError(_("Enter at least one tracking code."))
        if len(codes) > 500:
            raise forms.ValidationError(_("At most 500 issues at a time."))
        return codes


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=_date_input())
    end = forms.DateField(label=_("To"), widget=_date_input())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data
