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
        from stations.models import ReceptionMatter

        # A subquery, not a join: the reverse link would be an outer join, which row locks
        # (SELECT ... FOR UPDATE) refuse on PostgreSQL.
        mine = Q(
            pk__in=ReceptionMatter.objects.filter(
                reception__recorded_by=user, petition__isnull=False
            ).values("petition_id")
        )
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
