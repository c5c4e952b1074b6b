"""Read-side queries of the staff tables (``voting.tables``): the rows each table lists,
already joined and annotated, and the table filters, which offer the user's cycles and
regions to pick from where the API's filters (``voting.queries``) take ids."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, IntegerField, OuterRef, Subquery
from django.utils.translation import gettext_lazy

from portal import access
from portal.filters import IdField, RegionSubtreeFilter
from voting.models import Candidate, Cycle, Proposal, Vote, VoteResult
from voting.queries import (
    REGION_HELP,
    CandidateFilter,
    ProposalFilter,
    cycles_for,
    with_progress,
)


class _CycleChoiceField(django_filters.fields.ModelChoiceField):
    """A cycle of the user's: an id checked for range before the look-up."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        IdField().clean(value)
        return super().to_python(value)


def _visible_cycles(request):
    user = getattr(request, "user", None)
    return cycles_for(user) if user is not None else Cycle.objects.none()


class CycleChoiceFilter(django_filters.ModelChoiceFilter):
    """``?cycle=<id>``, offered as the list of the cycles the user sees."""

    field_class = _CycleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", _visible_cycles)
        kwargs.setdefault("label", gettext_lazy("Selection cycle"))
        kwargs.setdefault("empty_label", gettext_lazy("All"))
        kwargs.setdefault("field_name", "cycle")
        super().__init__(*args, **kwargs)


class ProposalTableFilter(ProposalFilter):
    """The proposals' staff table: the API's filters, with choices to pick from."""

    region = RegionSubtreeFilter(help_text=REGION_HELP, empty_label=gettext_lazy("All"))
    cycle = CycleChoiceFilter()
    state = django_filters.ChoiceFilter(
        choices=Proposal.State.choices, label=gettext_lazy("State"),
        empty_label=gettext_lazy("All"),
    )  # fmt: skip
    source = django_filters.ChoiceFilter(
        choices=Proposal.Source.choices, label=gettext_lazy("Proposer kind"),
        empty_label=gettext_lazy("All"),
    )  # fmt: skip

    class Meta(ProposalFilter.Meta):
        pass


class CandidateTableFilter(CandidateFilter):
    """The candidates' staff table: the API's filters, with choices to pick from."""

    region = RegionSubtreeFilter(help_text=REGION_HELP, empty_label=gettext_lazy("All"))
    cycle = CycleChoiceFilter()
    outcome = django_filters.ChoiceFilter(
        choices=Candidate.Outcome.choices, label=gettext_lazy("Result of the vote"),
        empty_label=gettext_lazy("All"),
    )  # fmt: skip

    class Meta(CandidateFilter.Meta):
        pass


def proposal_rows(user):
    """Return the proposals ``user`` sees, with what a row of the staff table shows."""
    return access.visible(user, Proposal.objects.all()).select_related(
        "cycle", "region", "representative", "department"
    )


def _closed_result(column: str):
    """A subquery: the candidate's ``column`` in its latest closed round (none before)."""
    results = VoteResult.objects.filter(
        candidate=OuterRef("pk"), vote__state=Vote.State.CLOSED
    ).order_by("-vote__round")
    return Subquery(results.values(column)[:1], output_field=IntegerField())


def candidate_rows(user):
    """Return the candidates ``user`` sees, with the figures of their latest closed round
    (``result_yes``/``result_no``/``result_abstain``), whether a round with them is open
    (``vote_open``: the figures are then not shown) and their progress."""
    open_rounds = Vote.candidates.through.objects.filter(
        candidate_id=OuterRef("pk"), vote__state=Vote.State.OPEN
    )
    rows = access.visible(user, Candidate.objects.all()).select_related(
        "cycle", "region", "department"
    )
    return with_progress(rows).annotate(
        result_yes=_closed_result("yes"),
        result_no=_closed_result("no"),
        result_abstain=_closed_result("abstain"),
        vote_open=Exists(open_rounds),
    )
