"""Inlines with the same scope as ``ScopedAdmin``: rows, permissions and choices through
``portal.access``."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from portal import access


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
            return may_manage_somewhere(request)
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


def may_manage_somewhere(request) -> bool:
    return access.can_use_admin(request.user) and access.is_office(request.user, access.MANAGE)
