"""Scope rules of deputies' suggestions.

Office staff see the suggestions of their region's subtree (region grants). Besides:
- the lead deputy and the co-signing deputies see their own suggestions; the lead deputy
  changes them only while they are a draft or returned for revision;
- a handling unit sees the suggestions on which it is an active lead or co-handling unit,
  and acts on them while they are being handled (which acts a co-handler may take is decided
  in ``workflow``: it cannot write the lead unit's reply);
- the township congress sees the suggestions that come from its township (first review);
- a supervising committee's members see the key suggestions they supervise.
"""

from django.db.models import Q

from portal import access
from portal.access import MANAGE, VIEW, ScopeRule
from portal.models import Region
from supervision.suggestions.models import (
    CoHandlerOpinion,
    Committee,
    ContactLog,
    Cosigner,
    DeadlineExtension,
    HandlingDeadline,
    Rating,
    Reply,
    Review,
    Session,
    Submission,
    Suggestion,
    SupervisionRecord,
    UnitAssignment,
)

State = Suggestion.State


def _my_representative(user):
    from stations.models import Representative

    return Representative.objects.filter(user_id=user.pk).values("pk")


def _my_units(user):
    return UnitAssignment.objects.filter(department_id=user.department_id, active=True).values(
        "suggestion_id"
    )


def _origin_subtree(user, action) -> Q | None:
    paths = access.region_paths(user, action)
    if not paths:
        return None
    regions = Region.objects.filter(access.subtree_q(paths, None)).values("pk")
    return Q(origin_region__in=regions)


def _suggestion(user, action):
    # Subqueries, not joins: row locks (SELECT ... FOR UPDATE) refuse outer joins.
    if action == VIEW:
        found = Q(lead__in=_my_representative(user)) | Q(
            pk__in=Cosigner.objects.filter(representative__user=user).values("suggestion_id")
        )
        found |= Q(
            committee__in=Committee.members.through.objects.filter(user_id=user.pk).values(
                "committee_id"
            )
        )
        if user.department_id:
            found |= Q(pk__in=_my_units(user))
        origin = _origin_subtree(user, VIEW)
        return found | origin if origin is not None else found
    if action == MANAGE:
        found = Q(lead__in=_my_representative(user), state__in=Suggestion.EDITABLE_STATES)
        if user.department_id:
            found |= Q(pk__in=_my_units(user), state=State.HANDLING)
        origin = _origin_subtree(user, MANAGE)
        if origin is not None:
            found |= origin & Q(state=State.FIRST_REVIEW)
        return found
    return None


def _child(field: str):
    def rule(user, action):
        if action != VIEW:
            return None
        visible = access.visible(user, Suggestion.objects.all()).values("pk")
        return Q(**{f"{field}__in": visible})

    return rule


def _everyone_sees(user, action):
    return Q(pk__isnull=False) if action == VIEW else None


def _committee(user, action):
    if action != VIEW:
        return None
    return Q(
        pk__in=Committee.members.through.objects.filter(user_id=user.pk).values("committee_id")
    )


access.register(Suggestion, ScopeRule(participant=_suggestion))
access.register(Session, ScopeRule(participant=_everyone_sees))
access.register(Committee, ScopeRule(participant=_committee))
for model in (
    Cosigner, Submission, Review, UnitAssignment, HandlingDeadline, ContactLog,
    CoHandlerOpinion, Reply, Rating, SupervisionRecord,
):  # fmt: skip
    access.register(model, ScopeRule(participant=_child("suggestion")))
access.register(DeadlineExtension, ScopeRule(participant=_child("deadline__suggestion")))
