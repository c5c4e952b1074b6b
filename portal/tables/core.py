"""The parts of a staff list: its columns, its bulk actions, its built-in views, and the
query behind it, computed the same way for the page, the bulk action and the export.

A list is declared once in its app (``<app>/tables.py``) as a ``Table`` subclass and
registered; ``portal.tables.views`` serves it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access
from portal.dates import format_date, format_datetime
from portal.filters import unknown_message

PAGE_SIZES = (20, 50, 100, 200)
KEYWORD_MAX = 100
# Parameters of the table itself, besides the list's filters.
TABLE_PARAMS = ("view", "export", "scope")


@dataclass(frozen=True)
class Column:
    """One column: ``value(row)`` is what the cell says and what the export writes;
    ``sort`` the ORM ordering it sorts by (none: not sortable); ``kind`` "light" draws the
    deadline light, "link" links the cell to the row's page; ``export_only`` columns (the
    full text) are only in the export; ``default`` ones are shown until the user chooses."""

    key: str
    label: str
    value: Callable[[Any], Any] | None = None
    sort: str | None = None
    kind: str = "text"
    default: bool = True
    export_only: bool = False
    export: Callable[[Any], Any] | None = None

    def cell(self, row) -> Any:
        if self.value is not None:
            return self.value(row)
        return getattr(row, self.key, "")

    def export_value(self, row) -> Any:
        return self.export(row) if self.export is not None else self.cell(row)


@dataclass(frozen=True)
class BulkAction:
    """An action on many selected rows. ``run(user, row, data)`` is the workflow call for one
    row (its own transaction; raises ``DomainError`` or ``PermissionDenied`` to refuse);
    ``allowed(user, row)`` says whether the row is still in a state the action fits;
    ``done`` is the summary's word for a moved row (已转办)."""

    label: str
    done: str
    run: Callable[[Any, Any, dict], Any]
    allowed: Callable[[Any, Any], bool]
    form: Callable[[Any], forms.Form] | None = None  # form(user, data=None) for its inputs
    may: Callable[[Any], bool] = lambda user: True


@dataclass(frozen=True)
class Preset:
    """A built-in view of a list: a name and the filter it stands for."""

    key: str
    label: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Tool:
    """A button above the table besides "new" and the export: a link, or a POST (``post``)
    to an action on the whole list (e.g. mark every notification read)."""

    label: str
    url_name: str
    post: bool = False


def label_of(attr: str, choices) -> Callable[[Any], str]:
    """A cell value: the label of the choice in ``row.<attr>``, translated once per language
    and code (``get_FOO_display`` translates again for every row of a long export)."""
    from django.utils.translation import get_language

    labels = dict(choices.choices)
    seen: dict[tuple[str | None, str], str] = {}

    def value(row) -> str:
        code = getattr(row, attr)
        key = (get_language(), code)
        if key not in seen:
            seen[key] = str(labels.get(code, code or ""))
        return seen[key]

    return value


def local(value):
    """Return an aware datetime in local time, naive (what a spreadsheet cell holds)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def cn_date(value) -> str:
    """A date or datetime as a Chinese reader writes it (``portal.dates``)."""
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    return format_date(value)


class Table:
    """A staff list. Subclasses set the attributes and override ``queryset``."""

    key: str = ""
    title: str = ""
    url_name: str = ""
    filterset_class = None
    filter_names: Sequence[str] = ()
    keyword_label = gettext_lazy("Keywords or code")
    searched = True  # the keyword box is the portal's search (portal.search) when it can be
    columns: Sequence[Column] = ()
    default_ordering: Sequence[str] = ("-id",)
    bulk_actions: dict[str, BulkAction] = {}
    presets: Sequence[Preset] = ()
    row_name = gettext_lazy("row")
    new_url_name: str = ""  # a page to add one, for those who may
    new_label = gettext_lazy("New")

    # --- to override -------------------------------------------------------------------

    def queryset(self, user) -> QuerySet:
        """The rows ``user`` may see, with what a row shows already joined."""
        raise NotImplementedError

    def may_view(self, user) -> bool:
        return True

    def may_add(self, user) -> bool:
        return False

    def keyword(self, queryset: QuerySet, q: str) -> QuerySet:
        """Rows whose title contains ``q`` or whose code is ``q``."""
        return queryset.filter(Q(title__icontains=q))

    def prepare(self, user, rows: list) -> None:
        """Add what the cells need to the page's rows (deadline lights, masks), in a fixed
        number of queries."""

    def detail_url(self, row) -> str | None:
        return None

    def tweak_form(self, user, form) -> None:
        """Adjust the filter bar's form; the default offers the user's regions in a region
        box. Subclasses that override it call ``super()``."""
        region_box(user, form)

    def heading(self, user) -> str:
        """The list's title for ``user`` (a unit's worklist may be named differently)."""
        return self.title

    def filters_for(self, user) -> Sequence[str]:
        """The filters shown in the bar for ``user``."""
        return self.filter_names

    def presets_for(self, user) -> Sequence[Preset]:
        return self.presets

    def tools(self, user) -> Sequence[Tool]:
        """Buttons above the table for ``user``."""
        return ()

    def row_class(self, row) -> str:
        """A CSS class of the row (e.g. ``unread``)."""
        return ""

    # --- computed ------------------------------------------------------------------------

    def columns_by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def default_columns(self) -> list[str]:
        return [c.key for c in self.columns if c.default and not c.export_only]

    def screen_columns(self, chosen: Sequence[str] | None) -> list[Column]:
        known = {c.key: c for c in self.columns if not c.export_only}
        keys = [k for k in (chosen or []) if k in known] or self.default_columns()
        return [known[k] for k in keys]

    def export_columns(self, chosen: Sequence[str] | None) -> list[Column]:
        return self.screen_columns(chosen) + [c for c in self.columns if c.export_only]

    def orderings(self) -> dict[str, str]:
        return {c.key: c.sort for c in self.columns if c.sort}

    def bulk_for(self, user) -> dict[str, BulkAction]:
        return {name: a for name, a in self.bulk_actions.items() if a.may(user)}

    def filter(self, user, params: QueryDict) -> Listing:
        """Apply the list's filters, keyword and sort from ``params`` to the user's rows."""
        return Listing(self, user, params)


class Listing:
    """The result of filtering a table for one user: the filter form, the errors (each
    named after what the person reads), the queryset, the sort and the page size."""

    def __init__(self, table: Table, user, params: QueryDict):
        self.table = table
        self.user = user
        self.params = params
        self.errors: dict[str, list[str]] = {}  # by parameter
        self.labels: dict[str, str] = {}  # what a person reads for each wrong parameter
        queryset = table.queryset(user)
        request = SimpleNamespace(user=user, GET=params)
        data = params or None
        self.filterset = None
        if table.filterset_class is not None:
            self.filterset = table.filterset_class(
                data, queryset, request=request, extra=TABLE_PARAMS
            )
            table.tweak_form(user, self.filterset.form)
            if self.filterset.is_bound and not self.filterset.is_valid():
                self._filter_errors()
            else:
                queryset = self.filterset.qs
        else:
            allowed = {"page", "page_size", "ordering", "q", *TABLE_PARAMS}
            for name in params:
                if name not in allowed:
                    self._error(name, name, [unknown_message(name)])
        self.q = (params.get("q") or "").strip()
        if len(self.q) > KEYWORD_MAX:
            self._error(
                "q", _("Keyword"), [_("At most %(limit)d characters.") % {"limit": KEYWORD_MAX}]
            )
        elif self.q:
            from portal import search

            if search.kind_of(queryset.model) is not None and table.searched:
                queryset = search.matching(queryset, self.q, user)
            else:
                queryset = table.keyword(queryset, self.q)
        self.ordering = params.get("ordering") or ""
        sorts = table.orderings()
        key = self.ordering.lstrip("-")
        if self.ordering and key not in sorts:
            self._error("ordering", _("Sort"), [_("This column cannot be sorted.")])
            self.ordering = ""
        if self.ordering:
            field_ = sorts[key]
            desc = self.ordering.startswith("-")
            order = [f"-{field_}" if desc else field_, "-id" if desc else "id"]
            queryset = queryset.order_by(*order)
        else:
            queryset = queryset.order_by(*table.default_ordering)
        self.page_size = self._page_size(params.get("page_size"))
        self.queryset = queryset.none() if self.errors else queryset

    def _error(self, name: str, label, messages) -> None:
        self.errors[name] = [str(m) for m in messages]
        self.labels[name] = str(label)

    def labelled_errors(self) -> dict[str, list[str]]:
        return {self.labels.get(name, name): messages for name, messages in self.errors.items()}

    def _filter_errors(self) -> None:
        fields = self.filterset.form.fields
        for name, messages in self.filterset.errors.items():
            label = fields[name].label if name in fields and fields[name].label else name
            self._error(name, label, messages)

    def _page_size(self, raw) -> int:
        if raw in (None, ""):
            return PAGE_SIZES[0]
        if raw.isdecimal() and int(raw) in PAGE_SIZES:
            return int(raw)
        self._error(
            "page_size",
            _("Rows per page"),
            [_("Choose one of %(sizes)s.") % {"sizes": "、".join(map(str, PAGE_SIZES))}],
        )
        return PAGE_SIZES[0]


# --- the region box ----------------------------------------------------------------------

REGION_CHOICES = 300
INDENT = "\u3000"


def region_choices(user) -> list:
    """The regions offered in a list's region box: the user's own subtrees, down two levels
    below the highest grant (a county sees its townships and villages)."""
    from portal.models import Region

    if getattr(user, "is_superuser", False) and user.is_active:
        regions = Region.objects.filter(level__lte=Region.Level.TOWNSHIP)
    else:
        paths = access.region_paths(user, access.VIEW)
        if not paths:
            return []
        top = min(path.strip("/").count("/") + 1 for path in paths)
        deepest = min(top + 2, Region.Level.VILLAGE)
        regions = access.visible(user, Region.objects.filter(level__lte=deepest))
    return list(regions.order_by("path").only("pk", "name", "level", "path")[:REGION_CHOICES])


def region_box(user, form, name: str = "region") -> None:
    """Make the filter ``name`` of ``form`` a box of the user's regions, indented by level."""
    if name in form.fields:
        form.fields[name].widget = forms.Select(
            choices=[
                ("", _("All")),
                *((r.pk, INDENT * (r.level - 1) + r.name) for r in region_choices(user)),
            ]
        )


# --- registry ----------------------------------------------------------------------------

_TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Register a table under its key (the export worker finds it there)."""
    _TABLES[table.key] = table
    return table


def get_table(key: str) -> Table | None:
    return _TABLES.get(key)


def jurisdiction_name(user) -> str:
    """The name of the user's jurisdiction for file names: their top region, or unit."""
    roles = access.roles_of(user)
    if roles:
        return min((r for r, _role in roles), key=lambda r: r.level).name
    department = getattr(user, "department", None)
    if department is not None:
        return department.name
    region = getattr(user, "region", None)
    return region.name if region is not None else ""
