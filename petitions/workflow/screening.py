"""Screening (梳理): accept an issue, refuse it, close it as a duplicate, answer it from the
office, put it on the supervision list; or act at once on a group of issues that raise the
same problem (集中反映)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from petitions.models import Petition, PetitionReply
from petitions.vocabulary import Action
from petitions.workflow.common import close, notify_citizen, staff_petition
from portal import access, states
from portal.errors import DomainError, required_text

State = Petition.State
GROUP_ACTIONS = ("accept", "escalate")
MAX_GROUP = 500


@transaction.atomic
def petition_accept(*, actor, petition_id: int, note: str = "") -> Petition:
    petition = staff_petition(actor, petition_id)
    states.move(petition, State.ACCEPTED, actor=actor, action=Action.ACCEPT, note=note)
    return petition


@transaction.atomic
def petition_reject(*, actor, petition_id: int, reason: str) -> Petition:
    """Do not accept the issue, with a reason the citizen sees."""
    petition = staff_petition(actor, petition_id)
    petition.public_reason = required_text(
        reason, "reason", _("Give the reason the citizen will see.")
    )
    close(petition, State.REJECTED, actor=actor, action=Action.REJECT, note=petition.public_reason)
    notify_citizen(petition, "closed")
    return petition


@transaction.atomic
def petition_mark_duplicate(*, actor, petition_id: int, original_id: int) -> Petition:
    petition = staff_petition(actor, petition_id)
    if original_id == petition.pk:
        raise DomainError(_("An issue cannot duplicate itself."), field="original")
    original = access.visible(actor, Petition.objects.all()).filter(pk=original_id).first()
    if original is None:
        raise DomainError(_("No such issue."), field="original")
    original = original.duplicate_of or original
    petition.duplicate_of = original
    # The original's code is not shown: without a phone, the code alone opens that issue.
    petition.public_reason = _(
        "The same problem has already been raised and is handled together with the earlier issue."
    )
    close(
        petition, State.DUPLICATE, actor=actor, action=Action.DUPLICATE,
        data={"original": original.pk},
    )  # fmt: skip
    notify_citizen(petition, "closed")
    return petition


@transaction.atomic
def petition_answer(*, actor, petition_id: int, text: str) -> Petition:
    """Answer the citizen directly from the congress office (no handling unit needed)."""
    petition = staff_petition(actor, petition_id)
    text = required_text(text, "text", _("Write the answer."))
    petition.ensure_can_move_to(State.REPLIED)
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round,
        kind=PetitionReply.Kind.DIRECT_ANSWER, text=text, author=actor,
    )  # fmt: skip
    states.move(petition, State.REPLIED, actor=actor, action=Action.ANSWER)
    notify_citizen(petition, "replied")
    return petition


@transaction.atomic
def petition_escalate(*, actor, petition_id: int, note: str = "") -> Petition:
    """Put the issue on the supervision list (督事); the supervision app takes it from here."""
    petition = staff_petition(actor, petition_id)
    states.move(petition, State.ESCALATED, actor=actor, action=Action.ESCALATE, note=note)
    return petition


@transaction.atomic
def petitions_group_act(*, actor, petition_ids: Sequence[int], action: str, note: str = "") -> int:
    """Act at once on a group of issues that raise the same problem (集中反映): accept them
    all, or accept and put them all on the supervision list. All or nothing; issues already
    past that step are left as they are. Return how many issues moved."""
    if action not in GROUP_ACTIONS:
        raise DomainError(_("Unknown group action."), field="action")
    ids = sorted(set(petition_ids))
    if not ids:
        raise DomainError(_("Choose the issues of the group."), field="petitions")
    if len(ids) > MAX_GROUP:
        raise DomainError(_("At most 500 issues at a time."), field="petitions")
    moved = 0
    for pk in ids:
        petition = staff_petition(actor, pk)
        before = petition.state
        data = {"group": len(ids)}
        if petition.state == State.SUBMITTED:
            states.move(
                petition, State.ACCEPTED, actor=actor, action=Action.ACCEPT, note=note, data=data
            )
        if action == "escalate" and petition.state == State.ACCEPTED:
            states.move(
                petition, State.ESCALATED, actor=actor, action=Action.ESCALATE, note=note,
                data=data,
            )  # fmt: skip
        moved += petition.state != before
    return moved
