"""Admin of deputies with their mandates, and of deputy groups."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import activation
from portal.admin_base import RegionTreeFilter, ScopedAdmin
from portal.errors import DomainError
from portal.phones import normalize_phone
from stations import records
from stations.admin.inlines import ScopedInline
from stations.models import Mandate, Representative, RepresentativeGroup


class MandateForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["level", "term", "region", "constituency", "started_on", "ended_on"]

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("A mandate cannot end before it starts."))
        return cleaned


class MandateInline(ScopedInline, admin.TabularInline):
    model = Mandate
    form = MandateForm
    fields = ["level", "term", "region", "constituency", "started_on", "ended_on"]
    autocomplete_fields = ["region"]
    extra = 0
    allow_delete = True


class RepresentativeForm(forms.ModelForm):
    open_account = forms.BooleanField(
        label=gettext_lazy("Open an account for this deputy"), required=False,
        help_text=gettext_lazy(
            "The deputy receives an activation code by SMS at the mobile phone above and sets "
            "a password on the portal's account activation page."
        ),
    )  # fmt: skip

    class Meta:
        model = Representative
        fields = [
            "region", "name", "gender", "id_code", "phone", "work_unit", "public_contact", "photo",
            "group", "user", "is_active",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_account"):
            if cleaned.get("user") or (self.instance.pk and self.instance.user_id):
                self.add_error("open_account", _("This deputy has an account already."))
            elif not activation.MOBILE_RE.match(normalize_phone(cleaned.get("phone") or "")):
                self.add_error("phone", _("Enter an 11-digit mobile phone number."))
        return cleaned


@admin.register(Representative)
class RepresentativeAdmin(ScopedAdmin):
    list_display = ["name", "id_code", "region", "group", "is_active", "user"]
    list_filter = ["is_active", RegionTreeFilter]
    list_select_related = ["region", "group", "user"]
    search_fields = ["=id_code", "^name"]
    autocomplete_fields = ["region", "group", "user"]
    fields = [
        "region",
        "name",
        "gender",
        "id_code",
        "phone",
        "work_unit",
        "public_contact",
        "photo",
        "group",
        "user",
        "open_account",
        "is_active",
    ]
    form = RepresentativeForm
    inlines = [MandateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        deputy = form.instance
        if "phone" in form.changed_data and deputy.user_id is not None:
            try:  # a pending account's code goes to the corrected number
                records.check_account_office(request.user, deputy, field="phone")
            except DomainError as error:
                messages.warning(request, error.message)
            else:
                records.sync_pending_phone(deputy)
        if form.cleaned_data.get("open_account") and deputy.user_id is None:
            try:
                user = records.open_account(request.user, deputy, "")
            except DomainError as error:  # e.g. the default user name is taken
                messages.error(
                    request, _("No account was opened: %(reason)s") % {"reason": error.message}
                )
            else:
                messages.success(
                    request,
                    _("Account %(username)s opened; the activation code was sent by SMS.")
                    % {"username": user.username},
                )


@admin.register(RepresentativeGroup)
class RepresentativeGroupAdmin(ScopedAdmin):
    list_display = ["name", "region", "leader"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["region", "leader"]
    search_fields = ["^name"]
    autocomplete_fields = ["region", "leader"]
    fields = ["region", "name", "leader"]
