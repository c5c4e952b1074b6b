"""The staff's admin of Open311 keys: issue one for a system of their jurisdiction, see when
each was last used, replace or disable it.

A key is issued by ``workflow.client_create`` and shown once, on the page that follows;
only its hash is kept. Staff see and manage the keys of their own region and below it
(``ScopedAdmin``); the jurisdictions and units offered are those their office manages.
Replacing, enabling and disabling are admin actions that call the workflow.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from open311 import workflow
from open311.models import ApiClient
from petitions.workflow import NOT_FORWARDED_KINDS
from portal.admin_base import RegionTreeFilter, ScopedAdmin, refusal_text
from portal.errors import DomainError
from portal.models import Region

KEY_TEMPLATE = "admin/open311/apiclient/key_issued.html"
SHOWN_AFTER_ADD = ["name", "region", "department"]
READ_ONLY = [
    "region", "department", "account", "key_hint", "is_active", "created_at", "created_by",
    "last_used_at",
]  # fmt: skip


class ApiClientForm(forms.ModelForm):
    """The key's system, jurisdiction and (for a unit's system) unit, checked by the
    workflow's own rule before anything is written."""

    actor = None  # set per request by ``ApiClientAdmin.get_form``

    class Meta:
        model = ApiClient
        fields = SHOWN_AFTER_ADD

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                workflow.check_client(
                    actor=self.actor, region=data.get("region"), department=data.get("department")
                )
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
            except PermissionDenied as error:
                self.add_error("region", refusal_text(error))
        return data


@admin.register(ApiClient)
class ApiClientAdmin(ScopedAdmin):
    form = ApiClientForm
    list_display = [
        "name", "region", "department", "key_hint", "is_active", "created_at", "last_used_at",
    ]  # fmt: skip
    list_filter = ["is_active", RegionTreeFilter]
    list_select_related = ["region", "department"]
    search_fields = ["^name"]
    actions = ["replace_key", "disable_keys", "enable_keys"]

    def get_fields(self, request, obj=None):
        return SHOWN_AFTER_ADD if obj is None else [*SHOWN_AFTER_ADD, *READ_ONLY[2:]]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else READ_ONLY

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a new class per call: safe to set on it
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None:
            return field
        if db_field.name == "region":
            field.queryset = field.queryset.filter(level__lte=Region.Level.TOWNSHIP).order_by(
                "path"
            )
        elif db_field.name == "department":
            field.queryset = (
                field.queryset.filter(is_active=True)
                .exclude(kind__in=NOT_FORWARDED_KINDS)
                .select_related("region")
                .order_by("region__path", "name")
            )
        return field

    # --- issuing: the key is shown once, on the page after the form ---

    def save_model(self, request, obj, form, change):
        if change:  # only the name can change
            super().save_model(request, obj, form, change)
            return
        client, raw = workflow.client_create(
            actor=request.user, name=obj.name, region_id=obj.region_id,
            department_id=obj.department_id,
        )  # fmt: skip
        for field in ApiClient._meta.concrete_fields:
            setattr(obj, field.attname, getattr(client, field.attname))
        obj._state.adding = False
        request._open311_key = raw

    def log_addition(self, request, obj, message):
        # The workflow has written the audit event; keep only Django's own log entry.
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_open311_key", None)
        if raw is None:  # pragma: no cover - save_model always sets it
            return super().response_add(request, obj, post_url_continue)
        return self._key_page(request, obj, raw)

    def _key_page(self, request, client: ApiClient, raw: str):
        context = {
            **self.admin_site.each_context(request),
            "title": _("The key of %(name)s") % {"name": client.name},
            "opts": self.model._meta,
            "client": client,
            "raw_key": raw,
        }
        response = TemplateResponse(request, KEY_TEMPLATE, context)
        patch_cache_control(response, no_store=True, private=True)
        return response

    # --- actions that call the workflow ---

    @admin.action(description=gettext_lazy("Replace the key (the old one stops working)"),
                  permissions=["change"])  # fmt: skip
    def replace_key(self, request, queryset):
        pks = list(queryset.order_by().values_list("pk", flat=True)[:2])
        if len(pks) != 1:
            self.message_user(request, _("Select exactly one key to replace."), messages.ERROR)
            return None
        try:
            client, raw = workflow.client_rekey(actor=request.user, client_id=pks[0])
        except (DomainError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return None
        return self._key_page(request, client, raw)

    @admin.action(description=gettext_lazy("Disable the selected keys"), permissions=["change"])
    def disable_keys(self, request, queryset):
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.client_set_active(actor=request.user, client_id=pk, active=False),
            lambda n: ngettext("Disabled %(count)d key.", "Disabled %(count)d keys.", n),
        )

    @admin.action(description=gettext_lazy("Enable the selected keys"), permissions=["change"])
    def enable_keys(self, request, queryset):
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.client_set_active(actor=request.user, client_id=pk, active=True),
            lambda n: ngettext("Enabled %(count)d key.", "Enabled %(count)d keys.", n),
        )
