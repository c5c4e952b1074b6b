"""Forms of the citizens' pages: the issue form, the tracking look-up and the rating.

They validate shape and turn what the citizen typed into the arguments of the workflow
functions; the workflow checks the rules again and stays the only writer.
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from petitions.models import Category, Petition, Rating
from petitions.workflow import MAX_PHOTOS
from portal import captcha_sms, images, ratelimit
from portal.formfields import TypedTextField
from portal.models import Region
from portal.phones import PHONE_RE, normalize_phone

Level = Region.Level
MAX_ID_DIGITS = 18  # a bigint; anything longer is no id of ours


def row_id(value) -> int | None:
    """Return ``value`` as a row id, or None for anything that cannot be one."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
        return None
    return int(text) or None


def open_station(value, *, with_region: bool = True) -> models.Model | None:
    """Return the open station whose id is ``value``; anything else is ignored.

    ``with_region=False`` reads only what a submission needs (its id and name). The station
    model is the one the issue's foreign key names: this app does not import ``stations``."""
    pk = row_id(value)
    if pk is None:
        return None
    stations = Petition.station.field.related_model.objects
    rows = stations.filter(pk=pk, is_active=True).order_by()  # no ORDER BY for an id
    if with_region:
        rows = rows.select_related("region")
    else:
        rows = rows.only("id", "name", "is_active", "region_id")
    return next(iter(rows[:1]), None)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PlaceField(forms.ChoiceField):
    """A township or village select. Its choices are only loaded to show the form; a
    submitted value is checked against the database by ``PetitionForm._clean_place``."""

    def valid_value(self, value) -> bool:
        return True


class PhotosField(forms.FileField):
    """Up to ``MAX_PHOTOS`` files from one ``<input type=file multiple>``."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [item for item in files if item]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most 3 photos."))
        cleaned = []
        for item in files:
            cleaned.append(super().clean(item, initial))
        return cleaned


def region_options(regions) -> list:
    """Return ``(id, name)`` choices of ``regions``."""
    return [(str(region.pk), region.name) for region in regions]


def township_groups() -> list:
    """Return the townships grouped by their county, as select choices in tree order."""
    rows = (
        Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
        .only("id", "name", "level", "parent_id", "path")
        .order_by("path")
    )
    groups: dict[int, tuple[str, list]] = {}
    for region in rows:
        if region.level == Level.COUNTY:
            groups[region.pk] = (region.name, [])
        elif region.parent_id in groups:
            groups[region.parent_id][1].append((str(region.pk), region.name))
    return [(name, townships) for name, townships in groups.values() if townships]


CHOICES_SECONDS = 300


def county_choices() -> list:
    counties = Region.objects.filter(level=Level.COUNTY).only("id", "name").order_by("path")
    return [("", _("Choose a county or district"))] + region_options(counties)


class PetitionForm(forms.Form):
    """The public issue form. Fields are cleaned in the order below: the check code first,
    so that photos are not decoded for a submission that fails it."""

    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    captcha_token = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)
    captcha = forms.CharField(
        label=_("Check code"),
        max_length=16,
        help_text=_("Type the 4 digits shown in the picture."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Type the check code.")},
    )
    # The station the form was opened from; an unknown or closed one is ignored (the view).
    station_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    # Only a help for picking the township (the page's script narrows the list with it).
    county = forms.CharField(label=_("County or district"), required=False, widget=forms.Select)
    township = PlaceField(
        label=_("Township or street"),
        error_messages={
            "required": _("Choose where the problem is."),
            "invalid_choice": _("Choose where the problem is."),
        },
    )
    village = PlaceField(
        label=_("Village or community (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose a village of the chosen township.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose a category"))] + list(Category.choices),
        error_messages={
            "required": _("Choose a category."),
            "invalid_choice": _("Choose a category."),
        },
    )
    # No maxlength attribute on the texts: a browser would cut a pasted text silently.
    title = TypedTextField(
        label=_("Title"),
        max_length=100,
        counter=True,
        help_text=_("In a few words, e.g. “Street light broken at the village entrance”."),
        error_messages={"required": _("Give the issue a short title.")},
    )
    description = TypedTextField(
        label=_("Description"),
        max_length=5000,
        counter=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is the problem, where exactly, since when, who is affected."),
        error_messages={"required": _("Describe the problem.")},
    )
    photos = PhotosField(
        label=_("Photos (optional, up to 3)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 8 MB each. Location data is removed."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    citizen_name = TypedTextField(label=_("Your name (optional)"), max_length=64, required=False)
    citizen_phone = TypedTextField(
        label=_("Your phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Needed for feedback; its last 4 digits let you track the issue."),
    )
    wants_feedback = forms.BooleanField(label=_("I want feedback"), required=False)
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree."),
        error_messages={"required": _("Agree to the privacy notice to submit the issue.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township_region: Region | None = None
        self.village_region: Region | None = None
        self.station: models.Model | None = None  # a stations.Station
        if not self.is_bound:
            self.load_choices()

    def load_choices(self) -> None:
        """Fill the county, township and village selects (for showing the form; a bound
        form validates the place with one query instead, see ``_clean_place``)."""
        # The region tree changes a few times a year: its choice lists come from the cache
        # (a few minutes' delay after an import), not from two queries per page.
        self.fields["county"].widget.choices = ratelimit.cache_get_or_set(
            "petition_form:counties", county_choices, CHOICES_SECONDS
        )
        self.fields["township"].choices = [("", _("Choose a township or street"))] + (
            ratelimit.cache_get_or_set("petition_form:townships", township_groups, CHOICES_SECONDS)
        )
        self.fields["village"].choices = [("", _("Whole township / not sure"))] + region_options(
            self.villages()
        )

    def villages(self):
        """Return the villages of the township chosen (or pre-filled), for the select."""
        value = self.data.get("township") if self.is_bound else self.initial.get("township")
        pk = row_id(value)
        if pk is None:
            return Region.objects.none()
        return (
            Region.objects.filter(parent_id=pk, parent__level=Level.TOWNSHIP)
            .only("id", "name")
            .order_by("path")
        )

    def clean_client_token(self) -> str:
        value = self.cleaned_data["client_token"].strip().lower()
        try:
            canonical = str(uuid.UUID(value))
        except ValueError:
            canonical = ""
        if canonical != value:
            raise forms.ValidationError(_("The form has expired. Please submit it again."))
        return value

    def clean_captcha(self) -> str:
        """Take the picture's digits or the code sent by text message to the phone typed."""
        answer = self.cleaned_data["captcha"]
        captcha_sms.validate(
            self.cleaned_data.get("captcha_token", ""),
            answer,
            phone=str(self.data.get("citizen_phone", "")),
            owner=self.cleaned_data.get("client_token", ""),
        )
        return answer

    def clean_station_id(self) -> str:
        """Keep the open station the form was opened from; anything else is ignored."""
        value = self.cleaned_data["station_id"]
        self.station = open_station(value, with_region=False)
        return str(self.station.pk) if self.station else ""

    def _clean_place(self) -> None:
        """Look the township and the village up in one query: the township must be one, the
        village (optional) a child of it."""
        if "township" not in self.cleaned_data:
            return  # required and missing: its error is there already
        township = row_id(self.cleaned_data["township"])
        village = row_id(self.cleaned_data.get("village"))
        if township is None:
            self.add_error("township", _("Choose where the problem is."))
            return
        wanted = Q(pk=township, level=Level.TOWNSHIP)
        if village is not None:
            wanted |= Q(pk=village, parent_id=township)
        for region in Region.objects.filter(wanted).order_by():
            if region.pk == township:
                self.township_region = region
            else:
                self.village_region = region
        if self.township_region is None:
            self.add_error("township", _("Choose where the problem is."))
            self.village_region = None
        elif self.cleaned_data.get("village") and self.village_region is None:
            self.add_error("village", _("Choose a village of the chosen township."))

    def clean_photos(self) -> list[tuple[bytes, int, int]]:
        files = self.cleaned_data.get("photos") or []
        if "captcha" in self._errors or "client_token" in self._errors:
            return []  # not worth decoding: the form comes back anyway
        photos = []
        for upload in files:
            if upload.size > images.MAX_PHOTO_BYTES:
                raise forms.ValidationError(
                    _("Each photo may be at most %(mb)d MB.")
                    % {"mb": images.MAX_PHOTO_BYTES // (1024 * 1024)}
                )
            upload.seek(0)
            try:
                photos.append(images.reencode(upload.read()))
            except images.PhotoError as error:
                raise forms.ValidationError(
                    _("%(name)s: %(problem)s") % {"name": upload.name, "problem": error.message}
                ) from None
        return photos

    def clean_citizen_name(self) -> str:
        return " ".join(self.cleaned_data["citizen_name"].split())

    def clean_citizen_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["citizen_phone"])
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Enter a mobile number of 11 digits or a landline with its area code.")
            )
        return phone

    def clean(self):
        data = super().clean()
        self._clean_place()
        phone_missing = not data.get("citizen_phone") and "citizen_phone" not in self._errors
        if data.get("wants_feedback") and phone_missing:
            self.add_error("citizen_phone", _("Leave a phone number to receive feedback."))
        return data

    @property
    def region(self) -> Region | None:
        return self.village_region or self.township_region


class TrackForm(forms.Form):
    """The tracking code and, when the issue has a phone number, its last 4 digits."""

    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the tracking code.")},
    )
    digits = forms.CharField(
        label=_("Last 4 digits of your phone number"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Leave empty if you did not give a phone number."),
    )

    def clean_code(self) -> str:
        return re.sub(r"[\s\-]", "", self.cleaned_data["code"]).upper()

    def clean_digits(self) -> str:
        digits = self.cleaned_data["digits"].strip()
        if digits and not (len(digits) == 4 and digits.isascii() and digits.isdigit()):
            raise forms.ValidationError(_("Enter the last 4 digits, or leave the field empty."))
        return digits


class RatingForm(forms.Form):
    """The citizen's rating of the latest reply."""

    rating = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose satisfied, basically satisfied or unsatisfied."),
            "invalid_choice": _("Choose satisfied, basically satisfied or unsatisfied."),
        },
    )
    comment = TypedTextField(
        label=_("Comment"),
        max_length=2000,
        counter=True,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you are not satisfied: tell us what is still wrong."),
    )

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.UNSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Tell us what is still wrong."))
        return data
