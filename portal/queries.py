"""Read side of the core: the filters of the core's lists (regions, handling units, audit
events), declared once for the API and the pages."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.filters import IdFilter, RegionSubtreeFilter, StrictFilterSet
from portal.models import Department, Event, Region


class RegionFilter(StrictFilterSet):
    region = RegionSubtreeFilter(
        region_field=None,
        help_text=gettext_lazy("Only list records of this region and the regions below it"),
    )
    parent = IdFilter(field_name="parent_id", label=gettext_lazy("Parent region id"))
    level = django_filters.TypedChoiceFilter(
        choices=Region.Level.choices,
        coerce=int,
        label=gettext_lazy(
            "Level: 1 city, 2 district/county, 3 township/street, 4 village/community"
        ),
    )

    class Meta:
        model = Region
        fields = ["region", "parent", "level"]


class DepartmentFilter(StrictFilterSet):
    region = RegionSubtreeFilter(
        help_text=gettext_lazy("Only list records of this region and the regions below it")
    )
    kind = django_filters.ChoiceFilter(choices=Department.Kind.choices)

    class Meta:
        model = Department
        fields = ["region", "kind"]


class ContentTypeField(forms.CharField):
    """``app.model`` of an object type the portal records events for."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        app_label, _dot, model = value.lower().partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            raise forms.ValidationError(_("Unknown object type."))
        return content_type


@extend_schema_field(OpenApiTypes.STR)
class ContentTypeFilter(django_filters.Filter):
    field_class = ContentTypeField


class EventFilter(StrictFilterSet):
    """The audit trail of a region, or of one object (``target_type`` and ``target_id``)."""

    region = RegionSubtreeFilter(
        help_text=gettext_lazy("Only list records of this region and the regions below it")
    )
    target_type = ContentTypeFilter(
        label=gettext_lazy("Object type, as app.model (for example petitions.petition)")
    )
    target_id = IdFilter(label=gettext_lazy("Object id"))
    action = django_filters.CharFilter(label=gettext_lazy("Action"))

    class Meta:
        model = Event
        fields = ["region", "target_type", "target_id", "action"]
