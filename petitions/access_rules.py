"""Scope rules of citizen issues: the region's office, the handling unit it is assigned to,
and the deputies whose reception raised it."""

import functools
import operator

from django.db.models import Q

from petitions.models import (
    IssueTopic,
    Petition,
    PetitionPhoto,
    PetitionRating,
    PetitionReply,
    ReplyDeadline,
    TopicGroup,
)
from portal import access, hooks
from portal.access import MANAGE, VIEW, ScopeRule


def _petition(user, action):
    """A handling unit sees what is assigned to it and acts on it while it is being handled;
    a deputy sees the issues that came from their own receptions (``stations`` answers
    ``hooks.ISSUE_PARTICIPANTS`` with their ids)."""
    if action == VIEW:
        # Subqueries, not joins: a reverse link would be an outer join, which row locks
        # (SELECT ... FOR UPDATE) refuse on PostgreSQL.
        taking_part = [
            Q(pk__in=ids)
            for ids in hooks.emit(hooks.ISSUE_PARTICIPANTS, user=user)
            if ids is not None
        ]
        if user.department_id:
            taking_part.append(Q(department_id=user.department_id))
        return functools.reduce(operator.or_, taking_part) if taking_part else None
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
access.register(IssueTopic, ScopeRule(participant=_child))
# A group belongs to its county; what a user sees of it is its members they see.
access.register(TopicGroup, ScopeRule(region_field="county"))
