"""The entry points of ``supervision``: an issue put on a supervision matter (督事) moves
only with its matter, and leaves supervision when the matter settles it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from petitions.models import Petition, PetitionReply
from petitions.vocabulary import Action
from petitions.workflow.common import close, notify_citizen, staff_petition
from portal import states
from portal.errors import DomainError

State = Petition.State
SETTLEMENTS = ("resolved", "returned", "explained")


def petition_put_on_matter(*, actor, petition_id: int, note: str = "") -> Petition:
    """Bring an issue onto the supervision list for a matter being made from it: accept it if
    it waits for screening, escalate it if accepted. Called by ``supervision.workflow``
    inside its transaction; the office's right over the issue is checked here."""
    petition = staff_petition(actor, petition_id, for_matter=True)
    if hasattr(petition, "matter_link"):
        raise DomainError(
            _("Issue %(code)s is already linked to a supervision matter.")
            % {"code": petition.tracking_code},
            field="petitions",
        )
    if petition.state == State.SUBMITTED:
        states.move(petition, State.ACCEPTED, actor=actor, action=Action.ACCEPT, note=note)
    if petition.state == State.ACCEPTED:
        states.move(petition, State.ESCALATED, actor=actor, action=Action.ESCALATE, note=note)
    if petition.state != State.ESCALATED:
        raise DomainError(
            _("Issue %(code)s is “%(state)s” and cannot be put on the supervision list.")
            % {"code": petition.tracking_code, "state": petition.get_state_display()},
            field="petitions",
        )
    return petition


def petition_settle_by_matter(*, actor, petition_id: int, matter_id: int, outcome: str,
                              text: str) -> Petition:  # fmt: skip
    """Move an issue out of supervision with its matter: ``resolved`` (the group was
    satisfied: the result is the reply and the issue closes), ``returned`` (ordinary
    handling: back to screening) or ``explained`` (the explanation is the answer and the
    citizen rates it). Called only by ``supervision.workflow``, which has checked the
    actor's right over the matter; the link to that matter is checked here."""
    if outcome not in SETTLEMENTS:
        raise DomainError(_("Unknown outcome."), field="outcome")
    petition = Petition.objects.select_for_update().get(pk=petition_id)
    if not hasattr(petition, "matter_link") or petition.matter_link.matter_id != matter_id:
        raise DomainError(_("The issue is not linked to this matter."))
    if petition.state != State.ESCALATED:  # only the matter moves it: this is a bug
        raise DomainError(
            _("Issue %(code)s is no longer on the supervision list.")
            % {"code": petition.tracking_code}
        )
    data = {"matter": matter_id}
    if outcome == "returned":
        states.move(
            petition, State.ACCEPTED, actor=actor, action=Action.RETURN, note=text, data=data
        )
        return petition
    kind = (
        PetitionReply.Kind.SUPERVISION
        if outcome == "resolved"
        else PetitionReply.Kind.DIRECT_ANSWER
    )
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round, kind=kind, text=text,
        author=actor,
    )  # fmt: skip
    if outcome == "resolved":
        close(petition, State.RESOLVED, actor=actor, action=Action.CLOSE, note=text, data=data)
        notify_citizen(petition, "closed")
    else:
        states.move(
            petition, State.REPLIED, actor=actor, action=Action.ANSWER, note=text, data=data
        )
        notify_citizen(petition, "replied")
    return petition
