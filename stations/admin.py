"""The staff's admin of deputies, stations, the duty roster, receptions and double contact.

Every admin derives from ``ScopedAdmin`` (or its read-only variant), so rows, permissions,
choices and autocomplete go through ``portal.access``. Inlines are not covered by
``ScopedAdmin``: ``ScopedInline`` gives them the same rules. Admin actions call
``stations.workflow``; a refused action becomes an error message, never a 500.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal import access
from portal.admin_base import (
    ReadOnlyScopedAdmin,
    RegionTreeFilter,
    ScopedAdmin,
    refusal_text,
    selected_pks,
)
from portal.errors import DomainError
from stations import workflow
from stations.models import (
    CHECKLIST_ITEMS,
    Activity,
    CommitteeContact,
    ContactVisit,
    DutyRule,
    DutyShift,
    Household,
    Mandate,
    Reception,
    ReceptionMatter,
    Representative,
    RepresentativeGroup,
    Station,
    StationMembership,
)

# An action over "all N rows" of a million-row list must not run for minutes in one request.
GENERATE_DAYS = 92


# --- inlines: the same scope as ScopedAdmin ------------------------------------------


class ScopedInlineFormSet(BaseInlineFormSet):
    """Refuse changes to rows that the user may see but not manage."""

    user = None

    def clean(self):
        super().clean()
        touched = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and (form.has_changed() or self._should_delete_form(form))
        ]
        if not touched:
            return
        # Ask the database about the stored rows: the forms' instances already carry the
        # submitted values, e.g. a region moved into the user's scope.
        stored = self.model._default_manager.filter(pk__in=touched)
        manageable = access.visible(self.user, stored, access.MANAGE).values("pk")
        refused = stored.exclude(pk__in=manageable)
        if refused:
            raise ValidationError(
                [_("You may not change “%(object)s”.") % {"object": row} for row in refused]
            )


class ScopedInline:
    """Mixin for inlines: rows, permissions and choices through ``access``.

    The parent object decides whether rows may be added or changed; ``allow_delete`` opts
    an inline into deletions (rows without an end date of their own)."""

    formset = ScopedInlineFormSet
    allow_delete = False

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset

    def has_view_permission(self, request, obj=None):
        if not access.can_use_admin(request.user):
            return False
        if obj is None:
            return access.may_list(request.user, self.model)
        return access.can(request.user, access.VIEW, obj)

    def _may_manage(self, request, obj) -> bool:
        if obj is None:
            return _may_manage_somewhere(request)
        return access.can_use_admin(request.user) and access.can(request.user, access.MANAGE, obj)

    def has_add_permission(self, request, obj):
        return self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and self._may_manage(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and access.is_scoped(db_field.related_model):
            field.queryset = access.visible(request.user, field.queryset, access.MANAGE)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and access.is_scoped(db_field.related_model):
            field.queryset = access.visible(request.user, field.queryset, access.MANAGE)
        return field


def _may_manage_somewhere(request) -> bool:
    return access.can_use_admin(request.user) and access.is_office(request.user, access.MANAGE)


# --- deputies ------------------------------------------------------------------------


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
        "is_active",
    ]
    inlines = [MandateInline]


@admin.register(RepresentativeGroup)
class RepresentativeGroupAdmin(ScopedAdmin):
    list_display = ["name", "region", "leader"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["region", "leader"]
    search_fields = ["^name"]
    autocomplete_fields = ["region", "leader"]
    fields = ["region", "name", "leader"]


# --- stations ------------------------------------------------------------------------


def _checklist_field(key: str) -> str:
    return f"checklist_{key}"


STATION_FIELDS = [
    "region",
    "name",
    "kind",
    "is_active",
    "address",
    "opening_hours",
    "phone",
    "chief",
    "liaison_officer",
]

# The six boxes are declared on a base class so the admin's fieldsets may name them.
_ChecklistFields = type(
    "_ChecklistFields",
    (forms.Form,),
    {
        _checklist_field(key): forms.BooleanField(label=label, required=False)
        for key, label in CHECKLIST_ITEMS
    },
)


class StationForm(_ChecklistFields, forms.ModelForm):
    """A station with its six-haves checklist (六有) edited as six boxes."""

    class Meta:
        model = Station
        fields = [*STATION_FIELDS, "activity_plan", "rules"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.checklist or {}
        for key, _label in CHECKLIST_ITEMS:
            self.initial.setdefault(_checklist_field(key), bool(current.get(key)))
        if self.instance.pk and "region" in self.fields:
            # Receptions, shifts and memberships carry the station's region: moving a
            # station would leave them behind, so the region is fixed once created.
            self.fields["region"].disabled = True
            self.fields["region"].help_text = _("A station's region is fixed once it is created.")

    def clean(self):
        cleaned = super().clean()
        checklist = dict(self.instance.checklist or {})
        for key, _label in CHECKLIST_ITEMS:
            checklist[key] = bool(cleaned.get(_checklist_field(key)))
        self.instance.checklist = checklist
        return cleaned


class StationMembershipInline(ScopedInline, admin.TabularInline):
    model = StationMembership
    fields = ["representative", "joined_on"]
    autocomplete_fields = ["representative"]
    extra = 0
    # Memberships have no end date: a deputy leaving the station is a deletion.
    allow_delete = True


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    form = StationForm
    list_display = ["name", "kind", "region", "is_active", "member_count"]
    list_filter = ["kind", "is_active", RegionTreeFilter]
    list_select_related = ["region"]
    search_fields = ["^name"]
    autocomplete_fields = ["region", "chief"]
    fieldsets = [
        (None, {"fields": STATION_FIELDS}),
        (
            gettext_lazy("Six-haves checklist"),
            {"fields": [_checklist_field(key) for key, _label in CHECKLIST_ITEMS]},
        ),
        (gettext_lazy("Plans and rules"), {"fields": ["activity_plan", "rules"]}),
    ]
    inlines = [StationMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=gettext_lazy("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    def save_formset(self, request, form, formset, change):
        if formset.model is not StationMembership:
            return super().save_formset(request, form, formset, change)
        station = form.instance
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership.delete()
        for membership in memberships:
            membership.region_id = station.region_id
            membership.save()
        formset.save_m2m()


# --- the duty roster -----------------------------------------------------------------


DUTY_RULE_FIELDS = [
    "station",
    "frequency",
    "day_of_month",
    "weekday",
    "start_time",
    "end_time",
    "on_non_working_day",
    "valid_from",
    "valid_until",
    "deputies",
    "note",
]


class DutyRuleForm(forms.ModelForm):
    class Meta:
        model = DutyRule
        fields = DUTY_RULE_FIELDS

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("frequency")
        if frequency == DutyRule.Frequency.MONTHLY:
            if cleaned.get("day_of_month") is None or not 1 <= cleaned["day_of_month"] <= 31:
                self.add_error(
                    "day_of_month", _("Enter the day of the month (1–31) for a monthly rule.")
                )
            cleaned["weekday"] = None
        elif frequency == DutyRule.Frequency.WEEKLY:
            if cleaned.get("weekday") is None or not 0 <= cleaned["weekday"] <= 6:
                self.add_error("weekday", _("Enter the weekday (0–6) for a weekly rule."))
            cleaned["day_of_month"] = None
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The end date is before the start date."))
        return cleaned


@admin.register(DutyRule)
class DutyRuleAdmin(ScopedAdmin):
    form = DutyRuleForm
    list_display = [
        "station",
        "frequency",
        "day_of_month",
        "weekday",
        "start_time",
        "end_time",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["frequency", RegionTreeFilter]
    list_select_related = ["station"]
    autocomplete_fields = ["station", "deputies"]
    fields = DUTY_RULE_FIELDS
    actions = ["generate_shifts"]

    def save_model(self, request, obj, form, change):
        obj.region_id = obj.station.region_id
        super().save_model(request, obj, form, change)

    def has_generate_permission(self, request):
        return _may_manage_somewhere(request)

    @admin.action(
        description=gettext_lazy("Generate shifts for the next 3 months"),
        permissions=["generate"],
    )
    def generate_shifts(self, request, queryset):
        pks = selected_pks(self, request, queryset)
        if pks is None:
            return
        start = timezone.localdate()
        end = start + datetime.timedelta(days=GENERATE_DAYS)
        for rule in DutyRule.objects.filter(pk__in=pks).select_related("station"):
            try:
                created = workflow.shifts_generate(
                    actor=request.user, rule_id=rule.pk, start=start, end=end
                )
            except (DomainError, PermissionDenied, Http404) as error:
                self.message_user(
                    request,
                    _("%(object)s: %(error)s") % {"object": rule, "error": refusal_text(error)},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "%(object)s: %(count)d shift created.",
                    "%(object)s: %(count)d shifts created.",
                    len(created),
                )
                % {"object": rule, "count": len(created)},
                messages.SUCCESS,
            )


@admin.register(DutyShift)
class DutyShiftAdmin(ScopedAdmin):
    list_display = ["station", "date", "start_time", "end_time", "needs_review", "moved_from"]
    list_filter = ["needs_review", RegionTreeFilter]
    list_select_related = ["station"]
    autocomplete_fields = ["station", "deputies"]
    fields = [
        "station",
        "date",
        "start_time",
        "end_time",
        "deputies",
        "note",
        "needs_review",
        "moved_from",
        "rule",
    ]
    readonly_fields = ["moved_from", "rule"]
    ordering = ["-date", "-start_time"]

    def save_model(self, request, obj, form, change):
        obj.region_id = obj.station.region_id
        super().save_model(request, obj, form, change)


# --- receptions ----------------------------------------------------------------------

MATTER_FIELDS = [
    "content",
    "outcome",
    "answer",
    "citizen_name",
    "citizen_phone",
    "solved",
    "petition_id",
]


class ReceptionMatterInline(ScopedInline, admin.TabularInline):
    """The matters raised: written by the deputies' pages and the API, read here."""

    model = ReceptionMatter
    fields = MATTER_FIELDS
    readonly_fields = MATTER_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reception)
class ReceptionAdmin(ReadOnlyScopedAdmin):
    """The reception log: read here, locked and unlocked by the office."""

    list_display = ["date", "station", "form", "people_count", "recorded_by", "locked"]
    list_filter = ["form", RegionTreeFilter]
    list_select_related = ["station", "recorded_by"]
    search_fields = ["=id"]
    search_help_text = gettext_lazy("Search by reception number.")
    fields = [
        "station",
        "region",
        "date",
        "form",
        "people_count",
        "deputies",
        "summary",
        "recorded_by",
        "created_at",
        "locked_at",
        "locked_by",
    ]
    inlines = [ReceptionMatterInline]
    actions = ["lock_receptions", "unlock_receptions"]

    def get_search_results(self, request, queryset, search_term):
        # Only the exact number: an indexed lookup, and no database error on other input.
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isascii() and term.isdecimal() and len(term) <= 18:
            return queryset.filter(pk=int(term)), False
        return queryset.none(), False

    @admin.display(description=gettext_lazy("locked"), boolean=True, ordering="locked_at")
    def locked(self, obj):
        return obj.is_locked

    def has_lock_permission(self, request):
        return _may_manage_somewhere(request)

    @admin.action(description=gettext_lazy("Lock the selected receptions"), permissions=["lock"])
    def lock_receptions(self, request, queryset):
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.reception_lock(actor=request.user, reception_id=pk),
            lambda n: ngettext("Locked %(count)d reception.", "Locked %(count)d receptions.", n),
        )

    @admin.action(description=gettext_lazy("Unlock the selected receptions"), permissions=["lock"])
    def unlock_receptions(self, request, queryset):
        note = _("Unlocked in the administration")
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.reception_unlock(actor=request.user, reception_id=pk, note=note),
            lambda n: ngettext(
                "Unlocked %(count)d reception.", "Unlocked %(count)d receptions.", n
            ),
        )


# --- double contact and activities ---------------------------------------------------


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["name", "kind", "representative", "region", "is_active"]
    list_filter = ["kind", "is_active", RegionTreeFilter]
    list_select_related = ["representative", "region"]
    search_fields = ["^name"]
    autocomplete_fields = ["region", "representative"]
    fields = ["region", "representative", "name", "kind", "phone", "address", "is_active"]


@admin.register(CommitteeContact)
class CommitteeContactAdmin(ScopedAdmin):
    list_display = ["member", "representative", "region", "is_active"]
    list_filter = ["is_active", RegionTreeFilter]
    list_select_related = ["member", "representative", "region"]
    search_fields = ["^representative__name"]
    autocomplete_fields = ["region", "member", "representative"]
    fields = ["region", "member", "representative", "is_active"]


@admin.register(ContactVisit)
class ContactVisitAdmin(ReadOnlyScopedAdmin):
    """Visits are recorded through ``workflow.contact_visit_record``; read here."""

    list_display = ["date", "method", "household", "committee_contact", "recorded_by", "region"]
    list_filter = ["method", RegionTreeFilter]
    list_select_related = [
        "household",
        "committee_contact__member",
        "committee_contact__representative",
        "recorded_by",
        "region",
    ]
    fields = ["region", "household", "committee_contact", "date", "method", "note", "recorded_by"]


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ["title", "kind", "date", "region"]
    list_filter = ["kind", RegionTreeFilter]
    list_select_related = ["region"]
    search_fields = ["^title"]
    autocomplete_fields = ["region", "participants"]
    fields = ["region", "kind", "title", "date", "participants", "note"]
