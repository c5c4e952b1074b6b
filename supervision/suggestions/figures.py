"""The figures of deputies' suggestions (``portal.figures``), counted by the month a
suggestion was filed and its congress's region, broken down by lead handling unit and by
stage. The aggregates themselves are ``queries._aggregates`` — the one definition the
statistics page, the yearly report and its Excel ledger read too."""

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from portal import figures
from portal.figures import live
from portal.models import Department
from supervision.suggestions.models import Suggestion
from supervision.suggestions.queries import FORMULAS, _aggregates, overdue_q

MODULE = _("Deputies' suggestions")
NAMES = ("filed", "assigned", "replied", "replied_in_time", "replies_due", "overdue", "rated",
         "reply_satisfied", "implementation_satisfied")  # fmt: skip


def _measure(name):
    if name == "filed":
        return figures.Measure("suggestions.filed", lambda today: Count("pk"))
    return figures.Measure(f"suggestions.{name}", lambda today: _aggregates(today)[name])


def _stages(values):
    labels = dict(Suggestion.State.choices)
    return {v: str(labels.get(v, v)) for v in values}


figures.register_source(
    figures.Source(
        key="suggestions", model=Suggestion, date_field="submitted_at", region_field="region",
        measures=tuple(_measure(name) for name in NAMES),
        dimensions={"unit": lambda: F("lead_unit_id"), "stage": lambda: F("state")},
        labels={"unit": figures.names_of(Department), "stage": _stages},
    )
)  # fmt: skip

for figure in (
    figures.Figure(
        key="suggestions_filed",
        better="neutral",
        label=_("Suggestions filed"),
        unit=_("suggestions"),
        module=MODULE,
        numerator="suggestions.filed",
        order=39,
        formula=_("Suggestions filed (first submitted) in the period, in any stage now."),
    ),
    figures.Figure(
        key="suggestions_assigned",
        better="neutral",
        label=_("Suggestions assigned"),
        unit=_("suggestions"),
        module=MODULE,
        numerator="suggestions.assigned",
        order=40,
        formula=_(
            "Suggestions filed in the period that are with handling units or done (being handled, replied, completed)."
        ),
    ),
    figures.Figure(
        key="suggestions_completion_rate",
        label=_("Completion rate (suggestions)"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="suggestions.replied_in_time",
        denominator="suggestions.assigned",
        formula=FORMULAS["completion"],
        min_cases=5,
        order=41,
    ),
    figures.Figure(
        key="suggestions_on_time_rate",
        label=_("On-time reply rate (suggestions)"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="suggestions.replied_in_time",
        denominator="suggestions.replies_due",
        formula=FORMULAS["on_time"],
        min_cases=5,
        order=42,
    ),
    figures.Figure(
        key="suggestions_reply_satisfaction",
        label=_("Reply satisfaction rate"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="suggestions.reply_satisfied",
        denominator="suggestions.rated",
        formula=FORMULAS["reply"],
        min_cases=5,
        order=43,
    ),
    figures.Figure(
        key="suggestions_implementation_satisfaction",
        label=_("Implementation satisfaction rate"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="suggestions.implementation_satisfied",
        denominator="suggestions.rated",
        formula=FORMULAS["implementation"],
        min_cases=5,
        order=44,
    ),
    figures.Figure(
        key="suggestions_overdue",
        label=_("Suggestions overdue"),
        unit=_("suggestions"),
        module=MODULE,
        numerator="suggestions.overdue",
        better="low",
        order=45,
        formula=_(
            "Suggestions filed in the period still being handled past their reply deadline, as of now."
        ),
    ),
):
    figures.register(figure)


def _overdue_by_age(region, period, today):
    rows = Suggestion.objects.filter(overdue_q(today), region__path__startswith=region.path)
    return live.overdue_ages(rows, "due_on", today)


figures.register_panel(
    figures.Panel(key="suggestions_overdue_age",
                  title=_("Suggestions overdue now, by days past the deadline"),
                  unit=_("suggestions"), rows=_overdue_by_age, order=20)
)  # fmt: skip
