"""Read-side queries of deputies' suggestions: scoped lists, deadline lights, the figures
offices are judged on (办结率, 答复满意率, 落实满意率) and the yearly ledger.

Every function starts from ``portal.access``. The figures are counted from fields the
workflow keeps on the suggestion, so each table of figures is one aggregate query whatever
the number of suggestions, and each formula is stated in ``FORMULAS`` and on the page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import django_filters
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import access, deadlines
from portal.filters import IdFilter, RegionSubtreeFilter, StrictFilterSet, YesNoFilter
from supervision.suggestions import conf
from supervision.suggestions.models import (
    SATISFIED_VALUES,
    Cosigner,
    Session,
    Suggestion,
    UnitAssignment,
)

State = Suggestion.State
LIGHT_RED, LIGHT_YELLOW = deadlines.LIGHT_RED, deadlines.LIGHT_YELLOW

FORMULAS = {
    "completion": _("Completion rate (办结率) = suggestions replied by their deadline ÷ suggestions assigned"),
    "on_time": _("On-time reply rate (按时答复率) = suggestions whose first reply came by its deadline ÷ suggestions whose first reply was due (replied, or past the deadline without a reply)"),
    "reply": _("Reply satisfaction rate (答复满意率) = (satisfied + basically satisfied with the reply) ÷ suggestions rated"),
    "implementation": _("Implementation satisfaction rate (落实满意率) = (satisfied + basically satisfied with the implementation) ÷ suggestions rated"),
    "basis_final": _("Each suggestion counts once, with the rating of its latest handling round."),
    "basis_first": _("Each suggestion counts once, with the rating of its first handling round."),
}  # fmt: skip


def suggestions_for(user, action: str = access.VIEW) -> QuerySet[Suggestion]:
    """Return the suggestions ``user`` may take ``action`` on, newest first, with what a
    list row shows already joined."""
    queryset = Suggestion.objects.select_related("region", "session", "lead", "lead_unit")
    return access.visible(user, queryset, action).order_by("-id")


def suggestion_for(user, pk) -> Suggestion:
    """Return the suggestion ``pk`` that ``user`` sees, or raise ``Http404``."""
    queryset = Suggestion.objects.select_related(
        "region", "origin_region", "session", "lead", "lead_unit", "committee"
    )
    return access.get_object_or_404(user, queryset, pk=pk)


def desk_todo(user) -> list[dict]:
    """Return the replied suggestions ``user`` led and has yet to rate (答复满意率 and
    落实满意率), each with the link to the rating, for the desk's to-do list (one query)."""
    replied = access.visible(
        user,
        Suggestion.objects.filter(
            state=State.REPLIED, lead__user_id=user.pk, lead__is_active=True
        ).only("pk", "title"),
    ).order_by("id")[:5]
    return [
        {
            "text": gettext("Rate the reply: %(title)s") % {"title": suggestion.title},
            "url": reverse("suggestions_desk:detail", args=[suggestion.pk]),
        }
        for suggestion in replied
    ]


def unit_work(user, queryset: QuerySet[Suggestion] | None = None) -> QuerySet[Suggestion]:
    """Narrow what ``user`` sees (``queryset``, default ``suggestions_for(user)``) to the
    suggestions on which the user's own unit is an active lead or co-handling unit: the
    "my unit's work" filter of a handler's list and desk card. It only narrows a scoped
    queryset; it never widens it."""
    if queryset is None:
        queryset = suggestions_for(user)
    if not getattr(user, "department_id", None):
        return queryset.none()
    return queryset.filter(
        pk__in=UnitAssignment.objects.filter(department_id=user.department_id, active=True).values(
            "suggestion_id"
        )
    )


def county_path(region) -> str:
    """Return the path of the district/county ``region`` lies in (a city's own path)."""
    paths = region.ancestor_paths
    return paths[: 2 if len(paths) > 1 else 1][-1]


def cosigner_candidates(lead):
    """Return the active deputies who may co-sign a suggestion of ``lead``: those of the
    lead deputy's own district/county (or city, for a city deputy), the lead excluded. The
    drafting page offers these and ``workflow`` refuses anyone else."""
    from stations.models import Representative

    return Representative.objects.filter(
        region__path__startswith=county_path(lead.region), is_active=True
    ).exclude(pk=lead.pk)


# --- list filters (the desk list and the API) -------------------------------------------


class SuggestionFilter(StrictFilterSet):
    """The filters of the suggestion list, on the desk page and in the API."""

    region = RegionSubtreeFilter(
        help_text=_("Only list records of this region and the regions below it")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Suggestion.State.choices, empty_label=_("All")
    )
    period = django_filters.ChoiceFilter(
        label=_("Filed"), choices=Suggestion.Period.choices, empty_label=_("All")
    )
    session = IdFilter(field_name="session_id", label=_("Session id"))
    overdue = YesNoFilter(label=_("Overdue only"), method="filter_overdue")
    key = YesNoFilter(label=_("Key supervision only"), method="filter_key")
    unit_work = YesNoFilter(label=_("Only my unit's work"), method="filter_unit_work")

    class Meta:
        model = Suggestion
        fields = ["region", "state", "period", "session", "overdue", "key", "unit_work"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset

    def filter_unit_work(self, queryset, name, value):
        return unit_work(getattr(self.request, "user", None), queryset) if value else queryset


class SessionFilter(StrictFilterSet):
    region = RegionSubtreeFilter(
        help_text=_("Only list records of this region and the regions below it")
    )

    class Meta:
        model = Session
        fields = ["region"]


PUBLIC_STATES = (State.ACCEPTED, State.HANDLING, State.REPLIED, State.COMPLETED, State.EXPLAINED)


def public_ledger(paths) -> QuerySet[Suggestion]:
    """Return the suggestions on the office's public ledger of the congresses at ``paths``:
    accepted and later, never a draft, a returned, withdrawn or converted suggestion (those
    are only their deputies' and the office's). Newest first."""
    return Suggestion.objects.filter(
        region__path__in=list(paths), state__in=PUBLIC_STATES
    ).order_by("-id")


def overdue_q(today: datetime.date | None = None) -> Q:
    """Select suggestions being handled past their reply deadline (the overdue filter)."""
    return Q(state=State.HANDLING, due_on__lt=today or timezone.localdate())


def near_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(
        state=State.HANDLING,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=conf.get("NEAR_DAYS")),
    )


def deadline_light(suggestion: Suggestion, today: datetime.date | None = None) -> str:
    """Return the CSS class of the deadline: red when overdue, yellow when near, else ''."""
    if suggestion.state != State.HANDLING or suggestion.due_on is None:
        return ""
    return deadlines.light(suggestion.due_on, today, conf.get("NEAR_DAYS"))


def is_office(user) -> bool:
    return access.is_office(user)


def representative_of(user):
    """Return the active deputy record of ``user``, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    from stations.models import Representative

    return Representative.objects.filter(user=user, is_active=True).first()


def in_period(
    queryset: QuerySet, year: int | None = None, start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet:  # fmt: skip
    """Limit to suggestions first submitted in ``year`` or between ``start`` and ``end``."""
    if year:
        queryset = queryset.filter(submitted_at__year=year)
    if start:
        queryset = queryset.filter(submitted_at__date__gte=start)
    if end:
        queryset = queryset.filter(submitted_at__date__lte=end)
    return queryset


# --- figures ---------------------------------------------------------------------------


def percent(part: int, whole: int) -> str:
    """Return ``part ÷ whole`` as a percentage with one decimal, rounded half up
    ("97.7%"), or "—" when nothing was counted."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


@dataclass(frozen=True)
class Figures:
    assigned: int = 0
    replied: int = 0
    replied_in_time: int = 0
    replies_due: int = 0
    overdue: int = 0
    rated: int = 0
    reply_satisfied: int = 0
    implementation_satisfied: int = 0

    @property
    def completion_rate(self) -> str:
        return percent(self.replied_in_time, self.assigned)

    @property
    def on_time_rate(self) -> str:
        """按时答复率: first replies by the deadline ÷ first replies due (``FORMULAS``)."""
        return percent(self.replied_in_time, self.replies_due)

    @property
    def is_empty(self) -> bool:
        """Whether every figure is zero (a roll-up row with nothing to show)."""
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    @property
    def reply_satisfaction_rate(self) -> str:
        return percent(self.reply_satisfied, self.rated)

    @property
    def implementation_satisfaction_rate(self) -> str:
        return percent(self.implementation_satisfied, self.rated)


def _rating_fields() -> tuple[str, str]:
    if conf.get("SATISFACTION_ROUND") == "first":
        return "first_reply_rating", "first_implementation_rating"
    return "reply_rating", "implementation_rating"


def basis_text() -> str:
    return FORMULAS["basis_first" if conf.get("SATISFACTION_ROUND") == "first" else "basis_final"]


def _aggregates(today: datetime.date) -> dict:
    reply_field, implementation_field = _rating_fields()
    return {
        "assigned": Count("pk", filter=Q(state__in=Suggestion.ASSIGNED_STATES)),
        "replied": Count("pk", filter=Q(first_replied_on__isnull=False)),
        "replied_in_time": Count("pk", filter=Q(replied_in_time=True)),
        # A first reply is due once it came, or once its deadline passed without one.
        "replies_due": Count(
            "pk",
            filter=Q(first_replied_on__isnull=False)
            | Q(state=State.HANDLING, first_replied_on__isnull=True, due_on__lt=today),
        ),
        "overdue": Count("pk", filter=overdue_q(today)),
        "rated": Count("pk", filter=~Q(**{reply_field: ""})),
        "reply_satisfied": Count("pk", filter=Q(**{f"{reply_field}__in": SATISFIED_VALUES})),
        "implementation_satisfied": Count(
            "pk", filter=Q(**{f"{implementation_field}__in": SATISFIED_VALUES})
        ),
    }


def figures(queryset: QuerySet, today: datetime.date | None = None) -> Figures:
    """Return the figures of ``queryset`` (one query)."""
    return Figures(**queryset.order_by().aggregate(**_aggregates(today or timezone.localdate())))


GROUPINGS = {
    "unit": ("lead_unit", "lead_unit__name", _("Lead handling unit")),
    "region": ("region", "region__name", _("Congress")),
    "session": ("session", "session__name", _("Session")),
    "period": ("period", None, _("Filed")),
}


def figures_by(
    queryset: QuerySet, grouping: str, today: datetime.date | None = None
) -> list[tuple[str, Figures]]:
    """Return (label, figures) per handling unit, region, session or period (one query)."""
    key, name, _title = GROUPINGS[grouping]
    columns = [key] + ([name] if name else [])
    rows = (
        queryset.order_by()
        .values(*columns)
        .annotate(**_aggregates(today or timezone.localdate()))
        .order_by(*columns)
    )
    periods = dict(Suggestion.Period.choices)
    result = []
    for row in rows:
        label = periods.get(row[key], row[key]) if name is None else row[name]
        if label is None:
            label = _("Between sessions") if grouping == "session" else _("Not assigned")
        values = {field: row[field] for field in Figures.__dataclass_fields__}
        result.append((str(label), Figures(**values)))
    return result


@dataclass(frozen=True)
class InterimFigures:
    """Suggestions collected between sessions (seed 002: 45 → 32 forwarded, 13 answered by
    explanation, 18 completed)."""

    collected: int = 0
    forwarded: int = 0
    explained: int = 0
    replied: int = 0
    handling: int = 0


def interim_figures(queryset: QuerySet) -> InterimFigures:
    """Return the between-sessions figures of ``queryset`` (one query). "Completed" counts
    suggestions whose unit has replied (办理答复完结)."""
    interim = queryset.order_by().filter(
        period=Suggestion.Period.INTERIM, submitted_at__isnull=False
    )
    return InterimFigures(
        **interim.aggregate(
            collected=Count("pk"),
            forwarded=Count("pk", filter=Q(assigned_at__isnull=False)),
            explained=Count("pk", filter=Q(state=State.EXPLAINED)),
            replied=Count("pk", filter=Q(first_replied_on__isnull=False)),
            handling=Count("pk", filter=Q(state=State.HANDLING)),
        )
    )


# --- the yearly ledger -----------------------------------------------------------------


def ledger_columns() -> list[str]:
    """Return the column headings of the yearly report's table and Excel ledger."""
    return [
        str(_("Number")), str(_("Session")), str(_("Title")), str(_("Lead deputy")),
        str(_("Co-signers")), str(_("Category")), str(_("Lead handling unit")),
        str(_("Co-handling units")), str(_("Lead leader")), str(_("Assigned on")),
        str(_("Reply due")), str(_("First replied on")), str(_("In time")),
        str(_("Reply class")), str(_("Reply rating")), str(_("Implementation rating")),
        str(_("State")),
    ]  # fmt: skip


def ledger_queryset(queryset: QuerySet) -> QuerySet[Suggestion]:
    """Return the suggestions of the ledger with everything a row shows: three queries
    (the rows, the co-handling units, the co-signers) however many rows."""
    return (
        queryset.exclude(state=State.DRAFT)
        .select_related("session", "lead", "lead_unit", "region")
        .prefetch_related(
            Prefetch(
                "units",
                UnitAssignment.objects.filter(active=True, role=UnitAssignment.Role.CO)
                .select_related("department")
                .order_by("id"),
                to_attr="co_units",
            ),
            Prefetch(
                "cosigner_set",
                Cosigner.objects.select_related("representative").order_by("id"),
                to_attr="cosigner_rows",
            ),
        )
        .order_by("session__opens_on", "session_id", "number", "id")
    )


def _yes_no(value) -> str:
    if value is None:
        return ""
    return str(_("Yes")) if value else str(_("No"))


def ledger_row(suggestion: Suggestion) -> list:
    """Return one ledger row (the same cells on the page and in Excel): the suggestion's
    label (第N号, or 未编号-<id> before numbering), labels rather than codes, and dates as
    dates (the page shows them as 2026年12月6日, the workbook as Excel dates)."""
    return [
        suggestion.label,
        suggestion.session.name if suggestion.session_id else str(_("Between sessions")),
        suggestion.title,
        suggestion.lead.name,
        "、".join(c.representative.name for c in suggestion.cosigner_rows),
        suggestion.get_category_display(),
        suggestion.lead_unit.name if suggestion.lead_unit_id else "",
        "、".join(u.department.name for u in suggestion.co_units),
        suggestion.lead_leader,
        timezone.localtime(suggestion.assigned_at).date() if suggestion.assigned_at else "",
        suggestion.due_on or "",
        suggestion.first_replied_on or "",
        _yes_no(suggestion.replied_in_time),
        suggestion.get_reply_class_display() if suggestion.reply_class else "",
        suggestion.get_reply_rating_display() if suggestion.reply_rating else "",
        suggestion.get_implementation_rating_display() if suggestion.implementation_rating else "",
        suggestion.get_state_display(),
    ]  # fmt: skip


# --- desk card ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskCounts:
    role: str  # "office", "unit", "deputy"
    submitted: int = 0
    first_review: int = 0
    accepted: int = 0
    extensions: int = 0
    handling: int = 0
    near: int = 0
    overdue: int = 0
    drafts: int = 0
    returned: int = 0
    to_rate: int = 0
    mine: int = 0


def desk_counts(user) -> list[DeskCounts]:
    """Return the desk card's counts for each role the user has (one query per role)."""
    from supervision.suggestions.models import DeadlineExtension

    today = timezone.localdate()
    found = []
    if access.is_office(user):
        visible = access.visible(user, Suggestion.objects.all())
        found.append(DeskCounts(
            role="office",
            extensions=DeadlineExtension.objects.filter(
                state="requested", deadline__suggestion__in=visible.values("pk")
            ).count(),
            **visible.aggregate(
                submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
                first_review=Count("pk", filter=Q(state=State.FIRST_REVIEW)),
                accepted=Count("pk", filter=Q(state=State.ACCEPTED)),
                handling=Count("pk", filter=Q(state=State.HANDLING)),
                near=Count("pk", filter=near_q(today)),
                overdue=Count("pk", filter=overdue_q(today)),
            ),
        ))  # fmt: skip
    if getattr(user, "department_id", None):
        mine = unit_work(user, access.visible(user, Suggestion.objects.all()))
        found.append(DeskCounts(role="unit", **mine.aggregate(
            handling=Count("pk", filter=Q(state=State.HANDLING)),
            near=Count("pk", filter=near_q(today)),
            overdue=Count("pk", filter=overdue_q(today)),
        )))  # fmt: skip
    rep = representative_of(user)
    if rep is not None:
        own = access.visible(user, Suggestion.objects.all()).filter(
            Q(lead=rep)
            | Q(pk__in=Cosigner.objects.filter(representative=rep).values("suggestion_id"))
        )
        found.append(DeskCounts(role="deputy", **own.aggregate(
            mine=Count("pk"),
            drafts=Count("pk", filter=Q(state=State.DRAFT, lead=rep)),
            returned=Count("pk", filter=Q(state=State.RETURNED, lead=rep)),
            to_rate=Count("pk", filter=Q(state=State.REPLIED, lead=rep)),
        )))  # fmt: skip
    return found
