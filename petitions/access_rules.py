"""Scope rules of citizen issues: the region's office, the handling unit it is assigned to,
and the deputies whose reception raised it."""

from django.db.models import Q

from petitions.models import Petition, PetitionPhoto, PetitionRating, PetitionReply, ReplyDeadline
from portal import access
from portal.access import MANAGE, VIEW, ScopeRule


def _petition(user, action):
    """A handling unit sees what is assigned to it and acts on it while it is being handled;
    a deputy sees the issues that came from their own receptions."""
    if action == VIEW:
        mine = Q(reception_matter__reception__recorded_by=user)
        return mine | Q(department_id=user.department_id) if user.department_id else mine
    if action == MANAGE and user.department_id:
        return Q(department_id=user.department_id, state=Petition.State.FORWARDED)
    return None


def _child(user, action):
    if action != VIEW:
        return None
    visible = access.visible(user, Petition.objects.all()).values("pk")
    return Q(petition_id__in=visible)


access.register(Petition, ScopeRule(participant=_petition))
access.register(PetitionPhoto, ScopeRule(participant=_child))
access.register(PetitionReply, ScopeRule(participant=_child))
access.register(PetitionRating, ScopeRule(participant=_child))
access.register(ReplyDeadline, ScopeRule())
