"""The figures of livelihood projects (``portal.figures``): the adopted projects of each
year's cycle and their implementation progress (the milestones' progress averaged by weight),
by the cycle's region — a yearly figure."""

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal import figures
from voting.models import Candidate
from voting.queries import progress_of, with_progress

MODULE = _("Livelihood projects")


def _rows(start, end, today):
    adopted = Candidate.objects.filter(
        outcome=Candidate.Outcome.ADOPTED, cycle__year__gte=start.year, cycle__year__lte=end.year
    )
    totals: dict[tuple, list[int]] = {}
    for project in with_progress(adopted).select_related("cycle").order_by():
        key = (project.cycle.region_id, project.cycle.year)
        count, progress = totals.get(key, [0, 0])
        totals[key] = [count + 1, progress + progress_of(project)]
    for (region_id, year), (count, progress) in totals.items():
        values = {"projects.adopted": count, "projects.progress": progress}
        yield region_id, datetime.date(year, 1, 1), "", "", values


figures.register_source(
    figures.Source(
        key="projects", model=Candidate, date_field="", region_field="cycle__region",
        measures=(
            figures.Measure("projects.adopted", lambda today: Count("pk")),
            figures.Measure("projects.progress", lambda today: Count("pk")),
        ),
        rows=_rows, yearly=True,
    )
)  # fmt: skip

for figure in (
    figures.Figure(
        key="projects_adopted",
        better="neutral",
        label=_("Projects adopted"),
        unit=_("projects"),
        module=MODULE,
        formula=_("Livelihood projects adopted by the vote of the year's cycle."),
        numerator="projects.adopted",
        order=60,
    ),
    figures.Figure(
        key="projects_progress",
        label=_("Implementation progress"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="projects.progress",
        denominator="projects.adopted",
        formula=_(
            "Average of the adopted projects' progress (each project: its milestones' progress averaged by weight)."
        ),
        order=61,
        scale=1,
    ),
):
    figures.register(figure)


def _progress(region, period, today):
    adopted = Candidate.objects.filter(
        outcome=Candidate.Outcome.ADOPTED,
        cycle__region__path__startswith=region.path,
        cycle__year__gte=period.start.year,
        cycle__year__lte=period.end.year,
    )
    rows = with_progress(adopted).select_related("cycle").order_by("-cycle__year", "number")[:30]
    return [(f"{p.cycle.year} · {p.title}", progress_of(p)) for p in rows]


figures.register_panel(
    figures.Panel(key="projects_progress", title=_("Livelihood projects: implementation progress"),
                  unit="%", rows=_progress, order=30)
)  # fmt: skip
