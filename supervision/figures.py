"""The figures of the supervision of matters (督事, ``portal.figures``): matters listed,
closed (销号) and closed at the first evaluation, rounds per closed matter, rounds completed by
their deadline, and evaluations satisfied — each counted by the date of its own event, as the
statistics page of matters always has; rounds broken down by handling unit."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from portal import figures
from portal.models import Department
from supervision.models import Evaluation, Matter, Round

State = Matter.State
MODULE = _("Supervision of matters")
UNITS = figures.names_of(Department)


figures.register_source(
    figures.Source(
        key="supervision", model=Matter, date_field="created_at", region_field="region",
        measures=(
            figures.Measure("supervision.opened", lambda today: Count("pk")),
            figures.Measure("supervision.done",
                            lambda today: Count("pk", filter=Q(state=State.CLOSED))),
        ),
    )
)  # fmt: skip
figures.register_source(
    figures.Source(
        key="supervision_closed", model=Matter, date_field="closed_at", region_field="region",
        prepare=lambda queryset, today: queryset.filter(state=State.CLOSED),
        measures=(
            figures.Measure("supervision_closed.closed", lambda today: Count("pk", distinct=True)),
            figures.Measure("supervision_closed.first_round",
                            lambda today: Count("pk", filter=Q(round=1), distinct=True)),
            figures.Measure("supervision_closed.rounds", lambda today: Count("rounds")),
        ),
    )
)  # fmt: skip
figures.register_source(
    figures.Source(
        key="supervision_rounds", model=Round, date_field="completed_at", region_field="region",
        prepare=lambda queryset, today: queryset.filter(completed_at__isnull=False),
        measures=(
            figures.Measure("supervision_rounds.completed", lambda today: Count("pk")),
            figures.Measure("supervision_rounds.on_time",
                            lambda today: Count("pk", filter=Q(completed_at__date__lte=F("due_on")))),
        ),
        dimensions={"unit": lambda: F("department_id")}, labels={"unit": UNITS},
    )
)  # fmt: skip
figures.register_source(
    figures.Source(
        key="supervision_open_rounds", model=Round, date_field="due_on", region_field="region",
        prepare=lambda queryset, today: queryset.filter(completed_at__isnull=True),
        measures=(
            figures.Measure("supervision_open_rounds.overdue",
                            lambda today: Count("pk", filter=Q(due_on__lt=today))),
        ),
        dimensions={"unit": lambda: F("department_id")}, labels={"unit": UNITS},
    )
)  # fmt: skip
figures.register_source(
    figures.Source(
        key="supervision_evaluations", model=Evaluation, date_field="checked_on",
        region_field="region",
        measures=(
            figures.Measure("supervision_evaluations.evaluations", lambda today: Count("pk")),
            figures.Measure("supervision_evaluations.satisfied", lambda today: Count(
                "pk", filter=Q(verdict=Evaluation.Verdict.SATISFIED))),
        ),
    )
)  # fmt: skip

for figure in (
    figures.Figure(
        key="matters_opened",
        better="neutral",
        label=_("Matters listed"),
        unit=_("matters"),
        module=MODULE,
        formula=_("Matters put on the supervision list in the period."),
        numerator="supervision.opened",
        order=50,
    ),
    figures.Figure(
        key="matters_completion_rate",
        label=_("Completion rate (matters)"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="supervision.done",
        denominator="supervision.opened",
        min_cases=3,
        order=51,
        formula=_(
            "Matters listed in the period and closed as solved (销号) ÷ matters listed in the period."
        ),
    ),
    figures.Figure(
        key="matters_closed",
        label=_("Matters closed"),
        unit=_("matters"),
        module=MODULE,
        formula=_("Matters closed as solved (销号) in the period."),
        numerator="supervision_closed.closed",
        order=52,
    ),
    figures.Figure(
        key="rounds_per_matter",
        label=_("Rounds per closed matter"),
        unit=_("rounds"),
        module=MODULE,
        numerator="supervision_closed.rounds",
        denominator="supervision_closed.closed",
        better="low",
        min_cases=3,
        order=53,
        formula=_(
            "Supervision rounds of the matters closed in the period ÷ matters closed in the period."
        ),
    ),
    figures.Figure(
        key="first_evaluation_share",
        label=_("Closed at the first evaluation"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="supervision_closed.first_round",
        denominator="supervision_closed.closed",
        min_cases=3,
        order=54,
        formula=_("Matters closed in the period after one round ÷ matters closed in the period."),
    ),
    figures.Figure(
        key="matters_on_time_rate",
        label=_("Rounds completed on time"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="supervision_rounds.on_time",
        denominator=("supervision_rounds.completed", "supervision_open_rounds.overdue"),
        min_cases=3,
        order=55,
        formula=_(
            "Rounds whose completion was reported by their deadline ÷ (rounds reported in the period + rounds due in the period still open past their deadline)."
        ),
    ),
    figures.Figure(
        key="matters_satisfaction_rate",
        label=_("Satisfaction rate (matters)"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="supervision_evaluations.satisfied",
        denominator="supervision_evaluations.evaluations",
        min_cases=3,
        order=56,
        formula=_(
            "On-site evaluations of the period found satisfactory ÷ evaluations of the period (一事一评)."
        ),
    ),
):
    figures.register(figure)
