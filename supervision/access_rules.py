"""Scope rules of supervision matters: the region's office (region grants), the members of the
matter's group (guardian grants on that one matter, removed when they leave) and the
department handling it (its current or an earlier round)."""

from django.db.models import Q

from portal import access
from portal.access import VIEW, ScopeRule
from supervision.models import (
    Evaluation,
    GroupMember,
    Matter,
    MatterIssue,
    Round,
    SupervisionGroup,
    WorkLog,
)


def _matter(user, action):
    """A handling unit sees the matters it handles or handled; it acts through the workflow's
    own checks (reports), never with the office's rights."""
    if action != VIEW or not user.department_id:
        return None
    handled = Round.objects.filter(department_id=user.department_id).values("matter_id")
    return Q(department_id=user.department_id) | Q(pk__in=handled)


def _child(user, action):
    if action != VIEW:
        return None
    return Q(matter_id__in=access.visible(user, Matter.objects.all()).values("pk"))


def _evaluation(user, action):
    if action != VIEW:
        return None
    visible = access.visible(user, Matter.objects.all()).values("pk")
    return Q(round__matter_id__in=visible)


def _member(user, action):
    if action != VIEW:
        return None
    visible = access.visible(user, Matter.objects.all()).values("pk")
    return Q(group__matter_id__in=visible)


access.register(Matter, ScopeRule(participant=_matter, object_grants=True))
access.register(MatterIssue, ScopeRule(participant=_child))
access.register(SupervisionGroup, ScopeRule(participant=_child))
access.register(Round, ScopeRule(participant=_child))
access.register(WorkLog, ScopeRule(participant=_child))
access.register(Evaluation, ScopeRule(participant=_evaluation))
access.register(GroupMember, ScopeRule(participant=_member))
