"""Strict list filters, declared once per list and used by the desk, the API and the admin.

Each app declares the filters of its lists in its ``queries.py`` as ``StrictFilterSet``
subclasses (django-filter). An unknown parameter, or a malformed value, is an error named
after the parameter, never silently ignored:

- in the API, ``StrictFilterBackend`` answers 400 with ``{"<param>": ["…"]}``;
- on a desk page, ``filter_list`` returns the filter set, whose ``errors`` the page shows
  beside the filter bar, and an empty list.

Parameters that are not filters but belong to every list (paging, ordering, the keyword box,
the API's ``format``) are allowed everywhere; a view names any others it reads itself in
``extra_query_params``.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from portal import access
from portal.models import Region

# Parameters any list may carry besides its filters.
COMMON_PARAMS = frozenset({"page", "page_size", "ordering", "o", "format", "q", "cursor"})


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet that refuses parameters it does not know."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, extra=()):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.allowed_params = COMMON_PARAMS | set(self.filters) | set(extra)

    def unknown_params(self) -> list[str]:
        if not self.is_bound:
            return []
        return sorted(name for name in self.data if name not in self.allowed_params)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        unknown = self.unknown_params()
        for name in unknown:
            if name not in self.form.errors:
                self.form.add_error(None, unknown_message(name))
        return valid and not unknown

    @property
    def errors(self):
        """Field errors by parameter name, with unknown parameters named too."""
        self.is_valid()
        errors = forms.utils.ErrorDict(self.form.errors)
        for name in self.unknown_params():
            errors[name] = forms.utils.ErrorList([unknown_message(name)])
        errors.pop("__all__", None)
        return errors


ID_MAX = 2**63 - 1  # the largest primary key any database here stores


def _describe(filter_, schema: dict) -> None:
    """Give one filter its OpenAPI schema with its own help text (or label) as the
    description: a schema fixed on the class would lose the description of each use."""
    description = filter_.extra.get("help_text") or filter_.label
    if description:
        schema = {**schema, "description": description}
    filter_._spectacular_annotation = {"field": schema}


class IdField(forms.IntegerField):
    """A record id: a whole number from 1 to the largest key, so no value overflows a query."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """``?<name>=<id>``: a record id, validated before it reaches the database."""

    field_class = IdField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _describe(self, {"type": "integer", "format": "int64", "minimum": 1, "maximum": ID_MAX})


class _VisibleChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        IdField().clean(value)
        return super().to_python(value)


class YesNoCheckbox(forms.CheckboxInput):
    """A checkbox on a desk page (``on``) that hands its raw value to the field, so that a
    value that is neither a yes nor a no is refused rather than read as a yes."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: str(value).strip().lower() in YES)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


YES = frozenset({"true", "1", "yes", "on", "y", "t"})
NO = frozenset({"false", "0", "no", "off", "n", "f"})


class YesNoField(forms.Field):
    """A yes/no switch as a query parameter: ``true``/``false`` (also ``1``/``0``, ``yes``/
    ``no``, ``on``/``off``, as a form checkbox sends it); empty means "no filter"."""

    widget = YesNoCheckbox
    TRUE = YES
    FALSE = NO

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    """A boolean filter that refuses a value it cannot read (``BooleanFilter`` ignores it)."""

    field_class = YesNoField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _describe(self, {"type": "boolean"})


def _visible_regions(request):
    user = getattr(request, "user", None)
    if user is None:
        return Region.objects.none()
    return access.visible(user, Region.objects.all())


class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """``?region=<id>``: the records of a region the user may see and of every region below
    it (one indexed prefix filter on the materialized path). ``region_field=None`` filters
    regions themselves."""

    field_class = _VisibleChoiceField

    def __init__(self, *args, region_field: str | None = "region", **kwargs):
        kwargs.setdefault("queryset", _visible_regions)
        kwargs.setdefault("label", gettext_lazy("Region"))
        kwargs.setdefault("method", None)
        # The schema reads the type from this model field (the filtering is ``filter``'s).
        kwargs.setdefault("field_name", region_field or "id")
        self.region_field = region_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.region_field is None:
            return qs.filter(path__startswith=value.path)
        below = Region.objects.filter(path__startswith=value.path).values("pk")
        return qs.filter(**{f"{self.region_field}__in": below})


def labelled_errors(filterset) -> dict[str, list[str]]:
    """Return a bound filter set's errors keyed by what a person reads: the filter's label
    (in Chinese), or the parameter itself when it is no filter of the list."""
    fields = filterset.form.fields
    return {
        (str(fields[name].label) if name in fields and fields[name].label else name): [
            str(message) for message in messages
        ]
        for name, messages in filterset.errors.items()
    }


def unknown_message(name: str) -> str:
    return _("Unknown parameter “%(name)s”.") % {"name": name}


class StrictFilterBackend(DjangoFilterBackend):
    """DRF filter backend: the view's ``filterset_class`` applied strictly; 400 on bad input.

    A view without a filter set still refuses unknown parameters, so that ``?cycle=`` on a
    list that has no such filter is an error, not the whole list.
    """

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["extra"] = getattr(view, "extra_query_params", ())
        return kwargs

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) not in (None, "list"):
            return queryset  # detail and actions take no list filters
        queryset = self._search(request, queryset)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            allowed = COMMON_PARAMS | set(getattr(view, "extra_query_params", ()))
            unknown = sorted(name for name in request.query_params if name not in allowed)
            if unknown:
                raise ValidationError({name: [unknown_message(name)] for name in unknown})
            return queryset
        filterset = filterset_class(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid():
            raise ValidationError(
                {
                    name: [str(message) for message in messages]
                    for name, messages in filterset.errors.items()
                }
            )
        return filterset.qs

    @staticmethod
    def _search(request, queryset):
        """``?q=``: the keyword search (``portal.search``) on lists of searchable records."""
        from portal import search

        q = (request.query_params.get("q") or "").strip()
        if not q or search.kind_of(queryset.model) is None:
            return queryset
        if len(q) > search.QUERY_MAX:
            raise ValidationError(
                {"q": [_("At most %(limit)d characters.") % {"limit": search.QUERY_MAX}]}
            )
        return search.matching(queryset, q, request.user)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        from portal import search

        queryset = getattr(view, "queryset", None)
        model = queryset.model if queryset is not None else None
        if model is None:
            try:
                model = view.get_serializer_class().Meta.model
            except Exception:  # a view without a model serializer: no search parameter
                model = None
        if model is not None and search.kind_of(model) is not None:
            parameters.append({
                "name": "q", "required": False, "in": "query",
                "description": str(gettext_lazy("Keywords (Chinese words; every word must match)")),
                "schema": {"type": "string", "maxLength": search.QUERY_MAX},
            })  # fmt: skip
        return parameters

    def get_filterset_class(self, view, queryset=None):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None and not issubclass(filterset_class, StrictFilterSet):
            raise TypeError(f"{view.__class__.__name__}.filterset_class must be a StrictFilterSet")
        return filterset_class


def filter_list(request, filterset_class, queryset, *, extra=()):
    """Apply ``filterset_class`` to ``queryset`` from a desk page's GET parameters.

    Return ``(filterset, queryset)``; on bad input the queryset is empty and
    ``filterset.errors`` say which parameter is wrong, for the page to show.
    """
    filterset = filterset_class(request.GET or None, queryset, request=request, extra=extra)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs


class StrictQueryMixin:
    """For a DRF view: refuse query parameters that an operation other than a list does not
    read (a list's are checked by ``StrictFilterBackend``). Paged actions (an object's
    history) also take the paging parameters; a view names others in
    ``extra_query_params``."""

    paged_actions = frozenset({"history"})
    lists_filtered = True  # False for a view whose list uses no filter backend

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        action = getattr(self, "action", None)
        if action == "list" and self.lists_filtered:
            return
        allowed = {"format", *getattr(self, "extra_query_params", ())}
        if action in self.paged_actions:
            allowed |= {"page", "page_size"}
        unknown = sorted(name for name in request.query_params if name not in allowed)
        if unknown:
            raise ValidationError({name: [unknown_message(name)] for name in unknown})
