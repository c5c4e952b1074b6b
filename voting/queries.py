"""Read-side queries of the voting app: the tally, the live projector figures, project
progress rolled up from milestones, and evaluation results.

The tally is a handful of aggregate queries whatever the number of ballots: it never loads
a ballot row into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal import access
from portal.filters import IdFilter, RegionSubtreeFilter, StrictFilterSet
from voting.models import (
    Ballot,
    BallotChoice,
    Candidate,
    Cycle,
    Evaluation,
    Milestone,
    PaperEntry,
    Proposal,
    Rating,
    RollEntry,
    Vote,
    VoterRecord,
)


@dataclass
class Row:
    candidate_id: int
    number: int
    title: str
    yes: int = 0
    no: int = 0
    abstain: int = 0


@dataclass
class Tally:
    entitled: int = 0
    present: int = 0
    issued: int = 0
    returned: int = 0
    valid: int = 0
    invalid: int = 0
    electronic: int = 0
    paper_issued: int = 0
    paper_returned: int = 0
    pending_paper: int = 0
    mismatched_paper: int = 0
    rows: list[Row] = field(default_factory=list)

    def summary(self) -> dict:
        names = ("entitled", "present", "issued", "returned", "valid", "invalid", "electronic",
                 "paper_issued", "paper_returned", "pending_paper", "mismatched_paper")  # fmt: skip
        return {name: getattr(self, name) for name in names}


def _count(model, **filters):
    """A scalar subquery counting ``model`` rows of the outer vote."""
    rows = model.objects.filter(vote=OuterRef("pk"), **filters).order_by()
    rows = rows.values("vote").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def tally(vote: Vote) -> Tally:
    """Count a vote from the stored rows in three queries: the figures, the marks of the
    valid ballots per candidate and choice, and the candidates.

    A stored ballot has no channel: the counts per channel come from the who-voted records
    (an electronic voter record is written with its ballot) and the tellers' paper entries
    (a counted entry has stored one ballot)."""
    paper, electronic = VoterRecord.Channel.PAPER, VoterRecord.Channel.ELECTRONIC
    pending = [PaperEntry.State.ENTERED, PaperEntry.State.MISMATCH]
    figures = (
        Vote.objects.filter(pk=vote.pk)
        .annotate(
            t_entitled=_count(RollEntry),
            t_present=_count(RollEntry, present=True),
            t_issued=_count(VoterRecord),
            t_paper_issued=_count(VoterRecord, channel=paper),
            t_electronic=_count(VoterRecord, channel=electronic),
            t_returned=_count(Ballot),
            t_valid=_count(Ballot, valid=True),
            t_paper_returned=_count(PaperEntry, state=PaperEntry.State.COUNTED),
            t_pending=_count(PaperEntry, state__in=pending),
            t_mismatch=_count(PaperEntry, state=PaperEntry.State.MISMATCH),
        )
        .values(
            "t_entitled",
            "t_present",
            "t_issued",
            "t_paper_issued",
            "t_electronic",
            "t_returned",
            "t_valid",
            "t_paper_returned",
            "t_pending",
            "t_mismatch",
        )  # fmt: skip
        .get()
    )
    result = Tally(
        entitled=figures["t_entitled"], present=figures["t_present"],
        issued=figures["t_issued"], returned=figures["t_returned"], valid=figures["t_valid"],
        invalid=figures["t_returned"] - figures["t_valid"],
        electronic=figures["t_electronic"],
        paper_issued=figures["t_paper_issued"], paper_returned=figures["t_paper_returned"],
        pending_paper=figures["t_pending"], mismatched_paper=figures["t_mismatch"],
    )  # fmt: skip
    marks = (
        BallotChoice.objects.filter(ballot__vote=vote, ballot__valid=True)
        .values("candidate_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = {
        c["pk"]: Row(c["pk"], c["number"], c["title"])
        for c in vote.candidates.order_by("number").values("pk", "number", "title")
    }
    for mark in marks:
        row = rows.get(mark["candidate_id"])
        if row is not None:
            setattr(row, mark["choice"], mark["n"])
    result.rows = list(rows.values())
    return result


def live(vote: Vote) -> dict:
    """Return what the hall's projector shows: the figures always; each candidate's counts
    while open only when the cycle allows running counts; the frozen result once closed."""
    cycle = vote.cycle
    body = {
        "vote": vote.pk,
        "round": vote.round,
        "cycle": cycle.title,
        "state": vote.state,
        "seats": vote.seats,
    }
    if vote.state == Vote.State.CLOSED:
        body["figures"] = {name: getattr(vote, name) for name in
                           ("entitled", "present", "issued", "returned", "valid", "invalid")}  # fmt: skip
        body["threshold"] = vote.threshold
        body["outcome"] = vote.outcome
        body["candidates"] = [
            {"id": r.candidate_id, "number": r.candidate.number, "title": r.candidate.title,
             "yes": r.yes, "no": r.no, "abstain": r.abstain, "rank": r.rank, "status": r.status,
             "status_label": r.get_status_display()}
            for r in vote.results.select_related("candidate").order_by("rank", "candidate__number")
        ]  # fmt: skip
        return body
    figures = tally(vote)
    body["figures"] = {name: getattr(figures, name) for name in
                       ("entitled", "present", "issued", "returned", "valid", "invalid")}  # fmt: skip
    body["pending_paper"] = figures.pending_paper
    show = cycle.live_tally
    body["candidates"] = [
        {"id": row.candidate_id, "number": row.number, "title": row.title,
         **({"yes": row.yes, "no": row.no, "abstain": row.abstain} if show else {})}
        for row in figures.rows
    ]  # fmt: skip
    return body


# --- lists ---------------------------------------------------------------------------


def cycles_for(user, action: str = access.VIEW):
    return access.visible(user, Cycle.objects.select_related("region"), action).order_by(
        "-year", "region__path", "id"
    )


def open_votes_of(user):
    """Return the open votes on whose roll the user stands, with whether they have voted."""
    if not (user and user.is_authenticated):
        return Vote.objects.none()
    mine = RollEntry.objects.filter(representative__user=user)
    voted = VoterRecord.objects.filter(vote=OuterRef("pk"), representative__user=user)
    return (
        Vote.objects.filter(pk__in=mine.values("vote_id"), state=Vote.State.OPEN)
        .select_related("cycle__region")
        .annotate(has_voted=Exists(voted))
        .order_by("-opened_at", "-id")
    )


def desk_todo(user) -> list[dict]:
    """Return the open votes ``user`` has yet to cast, each with the link to the ballot, for
    the desk's to-do list (one query)."""
    return [
        {
            "text": gettext("Vote: %(title)s") % {"title": vote.cycle.title},
            "url": reverse("voting_desk:ballot", args=[vote.pk]),
        }
        for vote in open_votes_of(user).filter(has_voted=False)[:5]
    ]


def adopted_projects_for(user):
    """Return the adopted projects ``user`` sees, newest cycle first, with their progress."""
    return with_progress(
        access.visible(user, Candidate.objects.filter(outcome=Candidate.Outcome.ADOPTED))
        .select_related("cycle__region", "department")
        .order_by("-cycle__year", "cycle_id", "rank")
    )


def with_progress(projects):
    """Annotate ``progress``: the milestones' progress averaged by weight (0 without any)."""
    weighted = (
        Milestone.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(
            total=Sum(F("progress") * F("weight"), output_field=IntegerField()),
            weights=Sum("weight"),
        )
    )
    return projects.annotate(
        progress_total=Coalesce(Subquery(weighted.values("total")[:1]), Value(0)),
        progress_weights=Coalesce(Subquery(weighted.values("weights")[:1]), Value(0)),
        milestone_count=Count("milestones", distinct=True),
    )


def progress_of(project) -> int:
    """Return a project's rolled-up progress from its annotations (see ``with_progress``)."""
    weights = getattr(project, "progress_weights", 0)
    return round(project.progress_total / weights) if weights else 0


def adopted_projects(cycle: Cycle):
    return with_progress(
        Candidate.objects.filter(cycle=cycle, outcome=Candidate.Outcome.ADOPTED)
        .select_related("department")
        .order_by("rank", "number")
    )


# --- evaluation ------------------------------------------------------------------------


@dataclass
class EvaluationLine:
    project: Candidate
    rated: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    average: float | None = None
    rate: float | None = None  # (satisfied + basically) ÷ rated, in %
    verdict: str = ""
    verdict_label: str = ""


def members_of(cycle: Cycle) -> int:
    """Return the number of deputies entitled in the cycle's first round (the members)."""
    first = cycle.votes.order_by("round").first()
    return first.roll.count() if first else 0


def evaluation_results(cycle: Cycle) -> list[EvaluationLine]:
    """Return each adopted project's evaluation under the cycle's rule, in two queries.

    Share rule: 满意率 = (satisfied + basically satisfied) ÷ rated. Zhenhai rule: satisfied
    when satisfied votes exceed half of all members; basically satisfied when satisfied +
    basically satisfied exceed half of all members; otherwise unsatisfied."""
    projects = list(
        Candidate.objects.filter(cycle=cycle, outcome=Candidate.Outcome.ADOPTED).order_by(
            "rank", "number"
        )
    )
    counts = (
        Evaluation.objects.filter(project__cycle=cycle)
        .values("project_id")
        .annotate(
            rated=Count("pk"),
            satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
            basically=Count("pk", filter=Q(rating=Rating.BASICALLY)),
            unsatisfied=Count("pk", filter=Q(rating=Rating.UNSATISFIED)),
            total=Sum("score"),
            scored=Count("score"),
        )
        .order_by()
    )
    by_project = {row["project_id"]: row for row in counts}
    members = members_of(cycle) if cycle.satisfaction_rule == Cycle.SatisfactionRule.ZHENHAI else 0
    lines = []
    for project in projects:
        row = by_project.get(project.pk, {})
        line = EvaluationLine(
            project, rated=row.get("rated", 0), satisfied=row.get("satisfied", 0),
            basically=row.get("basically", 0), unsatisfied=row.get("unsatisfied", 0),
        )  # fmt: skip
        if cycle.evaluation_mode == Cycle.EvaluationMode.SCORE:
            if row.get("scored"):
                line.average = round(row["total"] / row["scored"], 1)
        elif line.rated:
            line.rate = round(100 * (line.satisfied + line.basically) / line.rated, 1)
            if cycle.satisfaction_rule == Cycle.SatisfactionRule.ZHENHAI:
                line.verdict = zhenhai_verdict(line.satisfied, line.basically, members)
                line.verdict_label = str(Rating(line.verdict).label)
        lines.append(line)
    return lines


def zhenhai_verdict(satisfied: int, basically: int, members: int) -> str:
    if satisfied * 2 > members:
        return Rating.SATISFIED
    if (satisfied + basically) * 2 > members:
        return Rating.BASICALLY
    return Rating.UNSATISFIED


# --- list filters (desk pages and API) ------------------------------------------------------

REGION_HELP = gettext_lazy("Only list records of this region and the regions below it")


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """``?year=2025``: a year from 2000 to 2100."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("label", gettext_lazy("Year"))
        super().__init__(*args, **kwargs)


def _cycle_filter():
    return IdFilter(field_name="cycle_id", label=gettext_lazy("Selection cycle id"))


def _vote_filter():
    return IdFilter(field_name="vote_id", label=gettext_lazy("Vote id"))


class CycleFilter(StrictFilterSet):
    """Selection cycles: the desk's list and the API."""

    region = RegionSubtreeFilter(help_text=REGION_HELP)
    stage = django_filters.ChoiceFilter(
        choices=Cycle.Stage.choices, label=gettext_lazy("Stage"), empty_label=gettext_lazy("All")
    )
    year = YearFilter()

    class Meta:
        model = Cycle
        fields = ["region", "stage", "year"]


class ProposalFilter(StrictFilterSet):
    region = RegionSubtreeFilter(help_text=REGION_HELP)
    cycle = _cycle_filter()
    state = django_filters.ChoiceFilter(choices=Proposal.State.choices, label=gettext_lazy("State"))
    source = django_filters.ChoiceFilter(
        choices=Proposal.Source.choices, label=gettext_lazy("Source")
    )

    class Meta:
        model = Proposal
        fields = ["region", "cycle", "state", "source"]


class CandidateFilter(StrictFilterSet):
    region = RegionSubtreeFilter(help_text=REGION_HELP)
    cycle = _cycle_filter()
    outcome = django_filters.ChoiceFilter(
        choices=Candidate.Outcome.choices, label=gettext_lazy("Result of the vote")
    )

    class Meta:
        model = Candidate
        fields = ["region", "cycle", "outcome"]


class ProjectFilter(StrictFilterSet):
    """Adopted projects: the desk's list and the API."""

    region = RegionSubtreeFilter(help_text=REGION_HELP)
    cycle = _cycle_filter()
    year = YearFilter(field_name="cycle__year")

    class Meta:
        model = Candidate
        fields = ["region", "cycle", "year"]


class VoteFilter(StrictFilterSet):
    region = RegionSubtreeFilter(help_text=REGION_HELP)
    cycle = _cycle_filter()
    state = django_filters.ChoiceFilter(choices=Vote.State.choices, label=gettext_lazy("State"))

    class Meta:
        model = Vote
        fields = ["region", "cycle", "state"]


class PaperEntryFilter(StrictFilterSet):
    vote = _vote_filter()
    state = django_filters.ChoiceFilter(
        choices=PaperEntry.State.choices, label=gettext_lazy("State")
    )

    class Meta:
        model = PaperEntry
        fields = ["vote", "state"]


class BallotFilter(StrictFilterSet):
    """Stored ballots of closed votes, by vote: nothing that narrows a ballot to a voter."""

    vote = _vote_filter()

    class Meta:
        model = Ballot
        fields = ["vote"]


class VoterRecordFilter(StrictFilterSet):
    vote = _vote_filter()

    class Meta:
        model = VoterRecord
        fields = ["vote"]
