"""Proposals (征集) and the candidate projects built from them (初定/审议): submitting,
merging duplicates, declining, and setting the candidates on the ballot."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal import access, events, search, states
from portal.errors import DomainError, required_text
from portal.models import Department
from portal.phones import PHONE_RE, normalize_phone
from stations.models import Representative
from voting.models import Candidate, Cycle, Proposal
from voting.vocabulary import Action
from voting.workflow.cycles import office_object

Stage = Cycle.Stage
CANDIDATE_STAGES = {Stage.SHORTLIST, Stage.DELIBERATE}


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
            proposal = Proposal(
                region=cycle.region, cycle=cycle, source=source, title=title,
                description=description, proposer_name=proposer_name, proposer_phone=phone,
                client_token=client_token or None, **who,
            )  # fmt: skip
            proposal.search_text = search.text_of(proposal)  # its words, for the keyword search
            proposal.save()
    except IntegrityError:  # the same token raced in from a double click
        return Proposal.objects.get(client_token=client_token)
    events.record(actor=who.get("submitted_by"), target=proposal, action=Action.PROPOSAL_SUBMIT,
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
    states.move(proposal, Proposal.State.MERGED, actor=actor, action=Action.PROPOSAL_MERGE,
                changes={"merged_into": target}, data={"into": target.pk})  # fmt: skip
    Proposal.objects.filter(merged_into=proposal).update(merged_into=target)
    target.support += proposal.support
    target.save(update_fields=["support"])
    events.record(actor=actor, target=target, action=Action.PROPOSAL_SUPPORT,
                  data={"merged": proposal.pk, "support": target.support})  # fmt: skip
    return target


@transaction.atomic
def proposal_decline(*, actor, proposal_id: int, reason: str) -> Proposal:
    proposal = office_object(actor, Proposal.objects.all(), proposal_id)
    proposal.ensure_can_move_to(Proposal.State.DECLINED)
    reason = required_text(reason, "reason", _("Say why it is not taken up."), 2000)
    states.move(proposal, Proposal.State.DECLINED, actor=actor, action=Action.PROPOSAL_DECLINE,
                note=reason, changes={"decline_reason": reason})  # fmt: skip
    return proposal


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
            states.move(proposal, Proposal.State.SHORTLISTED, actor=actor,
                        action=Action.PROPOSAL_SHORTLIST, data={"candidate": candidate.pk})  # fmt: skip
    removed = [p for p in candidate.proposals.select_for_update().order_by("pk") if p.pk not in ids]
    candidate.proposals.add(*proposals)
    if removed:
        candidate.proposals.remove(*removed)
    for proposal in removed:
        if proposal.candidates.exists() or proposal.state != Proposal.State.SHORTLISTED:
            continue  # still behind another candidate
        states.move(proposal, Proposal.State.SUBMITTED, actor=actor,
                    action=Action.PROPOSAL_UNSHORTLIST, data={"candidate": candidate.pk})  # fmt: skip


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
    candidate = Candidate(region=cycle.region, cycle=cycle, number=number, **fields)
    candidate.search_text = search.text_of(candidate)  # its words, for the keyword search
    candidate.save()
    _link_proposals(actor, cycle, candidate, proposal_ids)
    events.record(actor=actor, target=candidate, action=Action.CANDIDATE_CREATE,
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
    search.refresh(candidate)
    if proposal_ids is not None:
        _link_proposals(actor, cycle, candidate, proposal_ids)
    events.record(actor=actor, target=candidate, action=Action.CANDIDATE_UPDATE)
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
    events.record(actor=actor, target=candidate, action=Action.CANDIDATE_WITHDRAW, note=reason)
    return candidate
