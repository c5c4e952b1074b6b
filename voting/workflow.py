"""State changes of selection cycles, proposals and candidates, and the preparation of a
vote. Ballots, paper entry and counting are in ``voting.ballots``; implementation and
evaluation in ``voting.projects``. Each function checks the actor through ``access``, locks
the row, checks the transition table, changes it and writes the audit event, all in one
transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, events
from portal.errors import DomainError, required_text
from portal.models import Department, Region
from portal.phones import PHONE_RE, normalize_phone
from stations.models import MandateLevel, Representative
from voting.models import Candidate, Cycle, Proposal, RollEntry, Vote

Stage = Cycle.Stage
CANDIDATE_STAGES = {Stage.SHORTLIST, Stage.DELIBERATE}
# The mandate level of the deputies of a congress at each region level.
MANDATE_OF_LEVEL = {
    Region.Level.CITY: MandateLevel.MUNICIPAL,
    Region.Level.COUNTY: MandateLevel.COUNTY,
    Region.Level.TOWNSHIP: MandateLevel.TOWNSHIP,
}


def office_object(actor, queryset, pk, *, lock: bool = True):
    """Return the row ``pk`` (locked) when the actor's office manages its region: 404 when
    the actor does not see it, 403 when the actor sees it but is not the office."""
    if lock:
        queryset = queryset.select_for_update()
    obj = access.get_object_or_404(actor, queryset, pk=pk)
    if not access.can_by_region(actor, access.MANAGE, obj):
        raise PermissionDenied(_("Only the congress office of the region does this."))
    return obj


# --- cycles ---------------------------------------------------------------------------


CYCLE_SETTINGS = (
    "description", "seats", "require_more_candidates", "pass_base", "live_tally",
    "evaluation_mode", "satisfaction_rule",
)  # fmt: skip


def _check_settings(values: dict) -> None:
    choices = {
        "pass_base": Cycle.PassBase.values,
        "evaluation_mode": Cycle.EvaluationMode.values,
        "satisfaction_rule": Cycle.SatisfactionRule.values,
    }
    for name, allowed in choices.items():
        if name in values and values[name] not in allowed:
            raise DomainError(_("Choose one of the offered values."), field=name)
    if "seats" in values and not (isinstance(values["seats"], int) and 1 <= values["seats"] <= 500):
        raise DomainError(_("Adopt between 1 and 500 projects."), field="seats")


@transaction.atomic
def cycle_create(*, actor, region_id: int, year: int, title: str, **settings) -> Cycle:
    """Open a selection cycle of a region's congress, in the soliciting stage."""
    region = access.visible(actor, Region.objects.filter(pk=region_id), access.MANAGE).first()
    if region is None:
        raise DomainError(_("Choose a region of your jurisdiction."), field="region")
    if region.level == Region.Level.VILLAGE:
        raise DomainError(
            _("Villages have no people's congress; choose a township or above."), field="region"
        )
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    unknown = set(settings) - set(CYCLE_SETTINGS)
    if unknown:
        raise DomainError(_("Unknown setting."), field=sorted(unknown)[0])
    _check_settings(settings)
    title = required_text(title, "title", _("Give the cycle a title."), 100)
    if Cycle.objects.filter(region=region, year=year, title=title).exists():
        raise DomainError(_("This region already has a cycle with this title."), field="title")
    cycle = Cycle.objects.create(region=region, year=year, title=title, **settings)
    events.record(actor=actor, target=cycle, action="cycle_create", after=cycle.stage)
    return cycle


@transaction.atomic
def cycle_configure(*, actor, cycle_id: int, **settings) -> Cycle:
    """Change the counting and evaluation rules; the counting rules are fixed once voting
    has started."""
    cycle = office_object(actor, Cycle.objects.all(), cycle_id)
    unknown = set(settings) - set(CYCLE_SETTINGS)
    if unknown:
        raise DomainError(_("Unknown setting."), field=sorted(unknown)[0])
    _check_settings(settings)
    counting = {"seats", "require_more_candidates", "pass_base"}
    if counting & set(settings) and cycle.votes.exists():
        raise DomainError(_("The counting rules cannot change once a vote has been prepared."))
    before = {name: getattr(cycle, name) for name in settings}
    for name, value in settings.items():
        setattr(cycle, name, value)
    cycle.save()
    events.record(actor=actor, target=cycle, action="cycle_configure",
                  data={"before": {k: str(v) for k, v in before.items()},
                        "after": {k: str(v) for k, v in settings.items()}})  # fmt: skip
    return cycle


def _open_candidates(cycle: Cycle):
    return cycle.candidates.filter(withdrawn=False)


def check_candidate_count(cycle: Cycle) -> None:
    """Refuse a list that cannot be voted on: none, or not more than the seats (差额)."""
    total = _open_candidates(cycle).count()
    if total == 0:
        raise DomainError(_("The cycle has no candidate projects yet."))
    if cycle.require_more_candidates and total <= cycle.seats:
        raise DomainError(
            _("The list must hold more candidates (%(count)d now) than projects to adopt "
              "(%(seats)d).") % {"count": total, "seats": cycle.seats}
        )  # fmt: skip


@transaction.atomic
def cycle_advance(*, actor, cycle_id: int, to: str, note: str = "") -> Cycle:
    """Move the cycle to stage ``to`` (征集 → 初定 → 审议 → 票决 → 公布 → 监督 → 评估)."""
    cycle = office_object(actor, Cycle.objects.select_related("region"), cycle_id)
    if to not in Stage.values:
        raise DomainError(_("Unknown stage."), field="to")
    cycle.ensure_can_move_to(to)
    if to in (Stage.DELIBERATE, Stage.VOTE):
        check_candidate_count(cycle)
    if to == Stage.ANNOUNCE:
        last = cycle.votes.order_by("-round").first()
        if last is None or last.state != Vote.State.CLOSED:
            raise DomainError(_("Announce after the vote has been closed and counted."))
        if last.outcome != Vote.Outcome.DECIDED:
            raise DomainError(_("A tie at the cut-off needs a run-off before the announcement."))
    before = cycle.stage
    cycle.stage = to
    cycle.save(update_fields=["stage"])
    events.record(actor=actor, target=cycle, action="cycle_advance", before=before, after=to,
                  note=note)  # fmt: skip
    if to == Stage.EVALUATE:
        from voting.projects import notify_evaluation

        notify_evaluation(cycle)
    return cycle


# --- proposals ------------------------------------------------------------------------


def _proposer(actor, source: str, cycle: Cycle) -> dict:
    """Return who the proposal is from, checking that ``actor`` may propose as ``source``."""
    if source not in Proposal.Source.values:
        raise DomainError(_("Choose where the proposal comes from."), field="source")
    signed_in = actor is not None and actor.is_authenticated
    if not signed_in:
        if source != Proposal.Source.CITIZEN:
            raise PermissionDenied(_("Sign in to propose as a deputy or a department."))
        return {}
    if access.can_by_region(actor, access.MANAGE, cycle):
        return {"submitted_by": actor}  # the office enters proposals of every source
    if source == Proposal.Source.DEPUTY:
        deputy = Representative.objects.filter(user=actor, is_active=True).select_related(
            "region"
        ).first()  # fmt: skip
        if deputy is None or not deputy.region.is_within(cycle.region):
            raise PermissionDenied(_("Only deputies of the region propose as deputies."))
        return {"submitted_by": actor, "representative": deputy}
    if source == Proposal.Source.DEPARTMENT:
        department = actor.department
        if department is None or not (
            cycle.region.is_within(department.region) or department.region.is_within(cycle.region)
        ):
            raise PermissionDenied(_("Only departments of the region propose as departments."))
        return {"submitted_by": actor, "department": department}
    return {"submitted_by": actor}


def _within_reach(actor, cycle: Cycle) -> bool:
    """Return True when a signed-in actor may address the cycle at all: it is in their
    scope (``access``), or they are a deputy or a department of its region. A cycle out of
    reach is answered like one that does not exist, whatever its stage."""
    if access.visible(actor, Cycle.objects.filter(pk=cycle.pk)).exists():
        return True
    deputies = Representative.objects.filter(user=actor, is_active=True)
    if deputies.filter(region__path__startswith=cycle.region.path).exists():
        return True
    department = actor.department
    return department is not None and (
        cycle.region.is_within(department.region) or department.region.is_within(cycle.region)
    )


@transaction.atomic
def proposal_submit(
    *, actor=None, cycle_id: int, source: str, title: str, description: str,
    proposer_name: str = "", proposer_phone: str = "", client_token: str | None = None,
) -> Proposal:  # fmt: skip
    """Take a proposal while the cycle is soliciting: from the public form (citizens), a
    deputy, a department, or the office entering one received otherwise. A retried
    submission with the same ``client_token`` returns the proposal it created."""
    if client_token:
        existing = Proposal.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    cycle = Cycle.objects.select_related("region").filter(pk=cycle_id).first()
    signed_in = actor is not None and actor.is_authenticated
    if cycle is None or (signed_in and not _within_reach(actor, cycle)):
        raise DomainError(_("No such selection cycle."), field="cycle")
    if cycle.stage != Stage.SOLICIT:
        raise DomainError(_("This cycle is no longer taking proposals."), field="cycle")
    who = _proposer(actor, source, cycle)
    title = required_text(title, "title", _("Give the proposal a short title."), 100)
    description = required_text(description, "description", _("Describe the project."), 5000)
    proposer_name = (proposer_name or "").strip()
    if len(proposer_name) > 64:
        raise DomainError(_("The name is longer than 64 characters."), field="proposer_name")
    phone = normalize_phone(proposer_phone)
    if phone and not PHONE_RE.match(phone):
        raise DomainError(_("Enter a valid phone number."), field="proposer_phone")
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                region=cycle.region, cycle=cycle, source=source, title=title,
                description=description, proposer_name=proposer_name, proposer_phone=phone,
                client_token=client_token or None, **who,
            )  # fmt: skip
    except IntegrityError:  # the same token raced in from a double click
        return Proposal.objects.get(client_token=client_token)
    events.record(actor=who.get("submitted_by"), target=proposal, action="proposal_submit",
                  after=proposal.state, data={"source": source})  # fmt: skip
    return proposal


def _root(proposal: Proposal) -> Proposal:
    while proposal.merged_into_id is not None:
        proposal = Proposal.objects.select_for_update().get(pk=proposal.merged_into_id)
    return proposal


@transaction.atomic
def proposal_merge(*, actor, proposal_id: int, into_id: int) -> Proposal:
    """Merge a duplicate proposal into another one of the same cycle; its support counts
    for the other."""
    proposal = office_object(actor, Proposal.objects.all(), proposal_id)
    if into_id == proposal.pk:
        raise DomainError(_("A proposal cannot be merged into itself."), field="into")
    target = access.visible(actor, Proposal.objects.select_for_update()).filter(pk=into_id).first()
    if target is None or target.cycle_id != proposal.cycle_id:
        raise DomainError(_("Choose a proposal of the same cycle."), field="into")
    target = _root(target)
    if target.pk == proposal.pk:
        raise DomainError(_("A proposal cannot be merged into itself."), field="into")
    if target.state not in (Proposal.State.SUBMITTED, Proposal.State.SHORTLISTED):
        raise DomainError(_("Merge into a proposal that is still open."), field="into")
    proposal.ensure_can_move_to(Proposal.State.MERGED)
    if proposal.cycle.stage not in (Stage.SOLICIT, Stage.SHORTLIST):
        raise DomainError(_("Proposals are merged while soliciting or shortlisting."))
    before = proposal.state
    proposal.state = Proposal.State.MERGED
    proposal.merged_into = target
    proposal.save(update_fields=["state", "merged_into"])
    Proposal.objects.filter(merged_into=proposal).update(merged_into=target)
    target.support += proposal.support
    target.save(update_fields=["support"])
    events.record(actor=actor, target=proposal, action="proposal_merge", before=before,
                  after=proposal.state, data={"into": target.pk})  # fmt: skip
    events.record(actor=actor, target=target, action="proposal_support",
                  data={"merged": proposal.pk, "support": target.support})  # fmt: skip
    return target


@transaction.atomic
def proposal_decline(*, actor, proposal_id: int, reason: str) -> Proposal:
    proposal = office_object(actor, Proposal.objects.all(), proposal_id)
    proposal.ensure_can_move_to(Proposal.State.DECLINED)
    proposal.decline_reason = required_text(
        reason, "reason", _("Say why it is not taken up."), 2000
    )
    before = proposal.state
    proposal.state = Proposal.State.DECLINED
    proposal.save(update_fields=["state", "decline_reason"])
    events.record(actor=actor, target=proposal, action="proposal_decline", before=before,
                  after=proposal.state, note=proposal.decline_reason)  # fmt: skip
    return proposal


# --- candidates -----------------------------------------------------------------------


def _candidate_fields(cycle: Cycle, data: dict) -> dict:
    title = required_text(data.get("title"), "title", _("Give the project a title."), 100)
    description = required_text(data.get("description"), "description", _("Describe the project."))
    try:
        budget = Decimal(str(data.get("budget")))
    except (ArithmeticError, ValueError, TypeError):
        raise DomainError(_("Enter the budget in 10,000 yuan."), field="budget") from None
    if not budget.is_finite() or budget < 0 or budget >= Decimal("1e10"):
        raise DomainError(_("Enter the budget in 10,000 yuan."), field="budget")
    department = data.get("department")
    if not isinstance(department, Department):
        department = Department.objects.filter(pk=department, is_active=True).first()
    paths = cycle.region.path.strip("/").split("/")
    ancestors = ["/" + "/".join(paths[: i + 1]) + "/" for i in range(len(paths))]
    if department is None or not (
        department.region.path in ancestors or department.region.is_within(cycle.region)
    ):
        raise DomainError(_("Choose a department of the region."), field="department")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, datetime.date) or not isinstance(ends, datetime.date):
        raise DomainError(_("Give the timeline's start and end."), field="starts_on")
    if ends < starts:
        raise DomainError(_("The end is before the start."), field="ends_on")
    return {"title": title, "description": description, "budget": budget,
            "department": department, "starts_on": starts, "ends_on": ends}  # fmt: skip


def _link_proposals(actor, cycle: Cycle, candidate: Candidate, proposal_ids: Sequence[int]):
    """Make ``proposal_ids`` the candidate's proposals: new ones are shortlisted, and one
    taken off that no other candidate holds goes back to submitted."""
    ids = sorted(set(proposal_ids))
    proposals = list(
        Proposal.objects.select_for_update().filter(pk__in=ids, cycle=cycle).order_by("pk")
    )
    if len(proposals) != len(ids):
        raise DomainError(_("Choose proposals of this cycle."), field="proposals")
    for proposal in proposals:
        if proposal.state in (Proposal.State.MERGED, Proposal.State.DECLINED):
            raise DomainError(
                _("“%(title)s” was merged or not taken up.") % {"title": proposal.title},
                field="proposals",
            )
        if proposal.state != Proposal.State.SHORTLISTED:
            proposal.ensure_can_move_to(Proposal.State.SHORTLISTED)
            before = proposal.state
            proposal.state = Proposal.State.SHORTLISTED
            proposal.save(update_fields=["state"])
            events.record(actor=actor, target=proposal, action="proposal_shortlist",
                          before=before, after=proposal.state,
                          data={"candidate": candidate.pk})  # fmt: skip
    removed = [p for p in candidate.proposals.select_for_update().order_by("pk") if p.pk not in ids]
    candidate.proposals.add(*proposals)
    if removed:
        candidate.proposals.remove(*removed)
    for proposal in removed:
        if proposal.candidates.exists() or proposal.state != Proposal.State.SHORTLISTED:
            continue  # still behind another candidate
        proposal.ensure_can_move_to(Proposal.State.SUBMITTED)
        proposal.state = Proposal.State.SUBMITTED
        proposal.save(update_fields=["state"])
        events.record(actor=actor, target=proposal, action="proposal_unshortlist",
                      before=Proposal.State.SHORTLISTED, after=proposal.state,
                      data={"candidate": candidate.pk})  # fmt: skip


@transaction.atomic
def candidate_create(
    *, actor, cycle_id: int, proposal_ids: Sequence[int] = (), **data
) -> Candidate:
    """Add a candidate project built from proposals (初定/审议), numbered on the ballot."""
    cycle = office_object(actor, Cycle.objects.select_related("region"), cycle_id)
    if cycle.stage not in CANDIDATE_STAGES:
        raise DomainError(_("Candidates are set while shortlisting or deliberating."))
    fields = _candidate_fields(cycle, data)
    number = (cycle.candidates.aggregate(n=Max("number"))["n"] or 0) + 1
    candidate = Candidate.objects.create(region=cycle.region, cycle=cycle, number=number, **fields)
    _link_proposals(actor, cycle, candidate, proposal_ids)
    events.record(actor=actor, target=candidate, action="candidate_create",
                  data={"proposals": sorted(set(proposal_ids))})  # fmt: skip
    return candidate


@transaction.atomic
def candidate_update(*, actor, candidate_id: int, proposal_ids: Sequence[int] | None = None,
                     **data) -> Candidate:  # fmt: skip
    """Change a candidate's description, budget, department or timeline before the vote."""
    candidate = office_object(
        actor, Candidate.objects.select_related("cycle__region"), candidate_id
    )
    cycle = candidate.cycle
    if cycle.stage not in CANDIDATE_STAGES or cycle.votes.exists():
        raise DomainError(_("Candidates are set while shortlisting or deliberating."))
    fields = _candidate_fields(cycle, data)
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.save()
    if proposal_ids is not None:
        _link_proposals(actor, cycle, candidate, proposal_ids)
    events.record(actor=actor, target=candidate, action="candidate_update")
    return candidate


@transaction.atomic
def candidate_withdraw(*, actor, candidate_id: int, reason: str) -> Candidate:
    candidate = office_object(actor, Candidate.objects.select_related("cycle"), candidate_id)
    if candidate.cycle.stage not in CANDIDATE_STAGES or candidate.cycle.votes.exists():
        raise DomainError(_("Candidates are withdrawn while shortlisting or deliberating."))
    if candidate.withdrawn:
        raise DomainError(_("The candidate has already been withdrawn."))
    reason = required_text(reason, "reason", _("Say why the candidate is withdrawn."), 2000)
    candidate.withdrawn = True
    candidate.save(update_fields=["withdrawn"])
    events.record(actor=actor, target=candidate, action="candidate_withdraw", note=reason)
    return candidate


# --- preparing a vote -----------------------------------------------------------------


def default_roll(cycle: Cycle):
    """Return the deputies entitled to vote in the cycle's congress: active deputies with a
    current mandate of that congress's level elected in its region."""
    level = MANDATE_OF_LEVEL.get(cycle.region.level)
    today = timezone.localdate()
    current = Q(mandates__ended_on__isnull=True) | Q(mandates__ended_on__gte=today)
    return Representative.objects.filter(
        current, is_active=True, mandates__region=cycle.region, mandates__level=level
    ).distinct()


def _write_roll(vote: Vote, representative_ids) -> int:
    rows = [
        RollEntry(region=vote.region, vote=vote, representative_id=pk)
        for pk in sorted(set(representative_ids))
    ]
    RollEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def vote_prepare(
    *, actor, cycle_id: int, session: str = "", representative_ids: Sequence[int] | None = None,
    teller_ids: Sequence[int] = (),
) -> Vote:  # fmt: skip
    """Prepare round 1: the candidates on the ballot and the roll of entitled deputies
    (应到), a snapshot taken now (by default every deputy of the congress)."""
    cycle = office_object(actor, Cycle.objects.select_related("region"), cycle_id)
    if cycle.stage not in (Stage.DELIBERATE, Stage.VOTE):
        raise DomainError(_("A vote is prepared while deliberating or voting."))
    if cycle.votes.exists():
        raise DomainError(_("The cycle already has a vote; a tie goes to a run-off round."))
    check_candidate_count(cycle)
    if representative_ids is None:
        ids = list(default_roll(cycle).values_list("pk", flat=True))
    else:
        # An explicit roll is a part of the congress's deputies, never someone else's.
        ids = list(
            access.visible(
                actor, default_roll(cycle).filter(pk__in=set(representative_ids))
            ).values_list("pk", flat=True)
        )
        if len(ids) != len(set(representative_ids)):
            raise DomainError(
                _("Choose active deputies of this congress with a current mandate."),
                field="roll",
            )
    if not ids:
        raise DomainError(_("The roll of entitled deputies is empty."), field="roll")
    vote = Vote.objects.create(
        region=cycle.region, cycle=cycle, round=1, seats=cycle.seats,
        session=(session or "").strip()[:100],
    )  # fmt: skip
    vote.candidates.set(_open_candidates(cycle))
    entitled = _write_roll(vote, ids)
    _set_tellers(actor, vote, teller_ids)
    events.record(actor=actor, target=vote, action="vote_prepare", after=vote.state,
                  data={"entitled": entitled, "candidates": vote.candidates.count()})  # fmt: skip
    return vote


def _set_tellers(actor, vote: Vote, teller_ids: Sequence[int]) -> None:
    if not teller_ids:
        return
    from portal.models import User

    # Tellers are active accounts of the vote's region (or below) that the office manages.
    candidates = User.objects.filter(
        pk__in=set(teller_ids), is_active=True, region__path__startswith=vote.region.path
    )
    tellers = list(access.visible(actor, candidates, access.MANAGE))
    if len(tellers) != len(set(teller_ids)):
        raise DomainError(
            _("Choose active accounts of the vote's region as tellers."), field="tellers"
        )
    vote.tellers.set(tellers)


@transaction.atomic
def vote_runoff(*, actor, vote_id: int) -> Vote:
    """Prepare the run-off among the candidates tied at the cut-off: a new round for the
    seats left, with the same roll; the earlier round stays as it was counted."""
    previous = office_object(actor, Vote.objects.select_related("cycle"), vote_id)
    if previous.state != Vote.State.CLOSED or previous.outcome != Vote.Outcome.RUNOFF:
        raise DomainError(_("Only a counted round with a tie at the cut-off has a run-off."))
    if Vote.objects.filter(cycle=previous.cycle, round__gt=previous.round).exists():
        raise DomainError(_("The run-off of this round has already been prepared."))
    tied = previous.results.filter(status="tied").values_list("candidate_id", flat=True)
    adopted = previous.results.filter(status="adopted").count()
    vote = Vote.objects.create(
        region=previous.region, cycle=previous.cycle, round=previous.round + 1,
        seats=previous.seats - adopted, session=previous.session,
    )  # fmt: skip
    vote.candidates.set(list(tied))
    _write_roll(vote, previous.roll.values_list("representative_id", flat=True))
    vote.tellers.set(previous.tellers.all())
    events.record(actor=actor, target=vote, action="vote_runoff", after=vote.state,
                  data={"after_round": previous.round, "tied": sorted(tied),
                        "seats": vote.seats})  # fmt: skip
    return vote


@transaction.atomic
def vote_set_attendance(*, actor, vote_id: int, representative_ids: Sequence[int],
                        present: bool = True) -> int:  # fmt: skip
    """Record attendance (实到) of deputies on the roll; return how many rows changed."""
    vote = office_object(actor, Vote.objects.all(), vote_id)
    if vote.state == Vote.State.CLOSED:
        raise DomainError(_("The vote has been closed."))
    ids = set(representative_ids)
    on_roll = RollEntry.objects.filter(vote=vote, representative_id__in=ids)
    if on_roll.count() != len(ids):
        raise DomainError(_("Choose deputies on the roll of this vote."), field="roll")
    if not present and vote.voters.filter(representative_id__in=ids).exists():
        raise DomainError(_("A deputy who has a ballot is present."), field="roll")
    changed = on_roll.exclude(present=present).update(present=present)
    events.record(actor=actor, target=vote, action="vote_attendance",
                  data={"present": present, "deputies": sorted(ids), "changed": changed})  # fmt: skip
    return changed


@transaction.atomic
def vote_open(*, actor, vote_id: int) -> Vote:
    """Open the vote: deputies on the roll may cast their ballots and tellers enter paper."""
    vote = office_object(actor, Vote.objects.select_related("cycle"), vote_id)
    if vote.cycle.stage != Stage.VOTE:
        raise DomainError(_("Move the cycle to the vote stage first."))
    vote.ensure_can_move_to(Vote.State.OPEN)
    before = vote.state
    vote.state = Vote.State.OPEN
    vote.opened_at = timezone.now()
    vote.save(update_fields=["state", "opened_at"])
    events.record(actor=actor, target=vote, action="vote_open", before=before, after=vote.state)
    _notify_roll(vote)
    return vote


def _notify_roll(vote: Vote) -> None:
    from django.urls import reverse

    from portal.models import User
    from portal.notifications import notify

    users = User.objects.filter(
        representative__in=vote.roll.values("representative_id"), is_active=True
    )
    notify(
        recipients=users, kind="voting.vote_open",
        subject=_("The vote on “%(cycle)s” is open") % {"cycle": vote.cycle.title},
        url=reverse("voting_desk:ballot", args=[vote.pk]), target=vote,
    )  # fmt: skip
