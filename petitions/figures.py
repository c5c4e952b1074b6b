"""The figures of citizen issues (``portal.figures``), counted by the month an issue came in
and the region it came from: received, accepted, closed, overdue now, replied by the
deadline, satisfaction with the latest rating. Broken down by handling unit and category."""

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from petitions.models import Category, Petition, PetitionRating, PetitionReply, Rating
from petitions.queries import overdue_q
from portal import figures
from portal.figures import live
from portal.models import Department

State = Petition.State
MODULE = _("Citizen issues")
# Accepted at screening: every state after it but the two refusals (不予受理, 重复).
NOT_ACCEPTED = (State.SUBMITTED, State.REJECTED, State.DUPLICATE)
CLOSED = (State.RESOLVED, State.CLOSED_UNRESOLVED)  # 办结: handled to the end
SATISFIED = (Rating.SATISFIED, Rating.BASICALLY)
ANSWERS = (PetitionReply.Kind.REPLY, PetitionReply.Kind.DIRECT_ANSWER)


def _prepare(queryset, today):
    answers = PetitionReply.objects.filter(petition=OuterRef("pk"), kind__in=ANSWERS)
    latest = PetitionRating.objects.filter(petition=OuterRef("pk")).order_by("-round")
    return queryset.annotate(
        _answered=Exists(answers),
        _answered_in_time=Exists(answers.filter(created_at__date__lte=OuterRef("due_on"))),
        _rating=Subquery(latest.values("rating")[:1]),
    )


def _due(today):
    """A reply was due: the issue went to a unit (it has a deadline) and was answered, or its
    deadline passed without an answer."""
    return Q(due_on__isnull=False) & (Q(_answered=True) | Q(due_on__lt=today))


SOURCE = figures.register_source(
    figures.Source(
        key="petitions", model=Petition, date_field="submitted_at", region_field="region",
        prepare=_prepare,
        measures=(
            figures.Measure("petitions.received", lambda today: Count("pk")),
            figures.Measure("petitions.accepted",
                            lambda today: Count("pk", filter=~Q(state__in=NOT_ACCEPTED))),
            figures.Measure("petitions.closed", lambda today: Count("pk", filter=Q(state__in=CLOSED))),
            figures.Measure("petitions.resolved",
                            lambda today: Count("pk", filter=Q(state=State.RESOLVED))),
            figures.Measure("petitions.overdue", lambda today: Count("pk", filter=overdue_q(today))),
            figures.Measure("petitions.replies_due", lambda today: Count("pk", filter=_due(today))),
            figures.Measure("petitions.replied_in_time",
                            lambda today: Count("pk", filter=Q(due_on__isnull=False,
                                                               _answered_in_time=True))),
            figures.Measure("petitions.rated",
                            lambda today: Count("pk", filter=Q(_rating__isnull=False))),
            figures.Measure("petitions.satisfied",
                            lambda today: Count("pk", filter=Q(_rating__in=SATISFIED))),
        ),
        dimensions={"unit": lambda: F("department_id"), "category": lambda: F("category")},
        labels={
            "unit": figures.names_of(Department),
            "category": lambda codes: {c: str(dict(Category.choices).get(c, c)) for c in codes},
        },
    )
)  # fmt: skip

for figure in (
    figures.Figure(
        key="petitions_received",
        better="neutral",
        label=_("Issues received"),
        unit=_("issues"),
        module=MODULE,
        formula=_("Citizen issues submitted in the period (web form, stations, staff entry)."),
        numerator="petitions.received",
        order=10,
    ),
    figures.Figure(
        key="petitions_accepted",
        better="neutral",
        label=_("Issues accepted"),
        unit=_("issues"),
        module=MODULE,
        formula=_(
            "Issues of the period accepted at screening (all but those not accepted and duplicates)."
        ),
        numerator="petitions.accepted",
        order=11,
    ),
    figures.Figure(
        key="petitions_closed",
        label=_("Issues closed"),
        unit=_("issues"),
        module=MODULE,
        formula=_(
            "Issues of the period handled to the end: resolved, or closed without resolution."
        ),
        numerator="petitions.closed",
        order=12,
    ),
    figures.Figure(
        key="petitions_overdue",
        label=_("Issues overdue"),
        unit=_("issues"),
        module=MODULE,
        formula=_(
            "Issues of the period with a handling unit that has not replied by the deadline, as of now."
        ),
        numerator="petitions.overdue",
        better="low",
        order=13,
    ),
    figures.Figure(
        key="petitions_on_time_rate",
        label=_("On-time reply rate"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="petitions.replied_in_time",
        denominator="petitions.replies_due",
        formula=_(
            "Issues answered by their deadline ÷ issues whose answer was due (answered, or past the deadline)."
        ),
        min_cases=5,
        order=14,
    ),
    figures.Figure(
        key="petitions_completion_rate",
        label=_("Completion rate (issues)"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="petitions.closed",
        denominator="petitions.accepted",
        formula=_("Issues closed ÷ issues accepted, both of the issues received in the period."),
        min_cases=5,
        order=15,
    ),
    figures.Figure(
        key="petitions_satisfaction_rate",
        label=_("Satisfaction rate (issues)"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="petitions.satisfied",
        denominator="petitions.rated",
        formula=_("(Satisfied + basically satisfied) ÷ issues rated, each with its latest rating."),
        min_cases=5,
        order=16,
    ),
):
    figures.register(figure)


def _overdue_by_age(region, period, today):
    rows = Petition.objects.filter(overdue_q(today), region__path__startswith=region.path)
    return live.overdue_ages(rows, "due_on", today)


figures.register_panel(
    figures.Panel(key="petitions_overdue_age", title=_("Issues overdue now, by days past the deadline"),
                  unit=_("issues"), rows=_overdue_by_age, order=10)
)  # fmt: skip
