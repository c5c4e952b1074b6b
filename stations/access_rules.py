"""Scope rules of the stations app: region grants plus what a deputy takes part in.

``portal.access`` applies them; this module only declares them.
"""

from django.db.models import Q

from portal import access
from portal.access import MANAGE, VIEW, ScopeRule
from stations.models import (
    Activity,
    CommitteeContact,
    ContactVisit,
    DutyRule,
    DutyShift,
    Household,
    Mandate,
    Reception,
    ReceptionMatter,
    Representative,
    RepresentativeGroup,
    Station,
    StationMembership,
)


def _my_stations(user):
    return StationMembership.objects.filter(representative__user=user).values("station_id")


def _receptions_i_attended(user):
    return Reception.deputies.through.objects.filter(representative__user=user).values(
        "reception_id"
    )


def _representative(user, action):
    return Q(user=user) if action == VIEW else None


def _mandate(user, action):
    return Q(representative__user=user) if action == VIEW else None


def _station(user, action):
    return Q(pk__in=_my_stations(user)) if action == VIEW else None


def _membership(user, action):
    return Q(representative__user=user) if action == VIEW else None


def _shift(user, action):
    return Q(station_id__in=_my_stations(user)) if action == VIEW else None


def _reception(user, action):
    if action == VIEW:
        return Q(recorded_by=user) | Q(pk__in=_receptions_i_attended(user))
    if action == MANAGE:
        return Q(recorded_by=user, locked_at__isnull=True)
    return None


def _matter(user, action):
    if action == VIEW:
        return Q(reception__recorded_by=user) | Q(reception_id__in=_receptions_i_attended(user))
    if action == MANAGE:
        return Q(reception__recorded_by=user, reception__locked_at__isnull=True)
    return None


def issues_from_own_receptions(*, user):
    """Answer ``hooks.ISSUE_PARTICIPANTS``: the citizen issues that matters of receptions the
    user recorded became (a deputy follows what they forwarded)."""
    return ReceptionMatter.objects.filter(
        reception__recorded_by=user, petition__isnull=False
    ).values("petition_id")


def _household(user, action):
    return Q(representative__user=user) if action in (VIEW, MANAGE) else None


def _committee_contact(user, action):
    return (Q(member=user) | Q(representative__user=user)) if action == VIEW else None


def _visit(user, action):
    if action == VIEW:
        return (
            Q(household__representative__user=user)
            | Q(committee_contact__member=user)
            | Q(recorded_by=user)
        )
    if action == MANAGE:
        return Q(recorded_by=user)
    return None


def _activity(user, action):
    if action != VIEW:
        return None
    taking_part = Activity.participants.through.objects.filter(representative__user=user)
    return Q(pk__in=taking_part.values("activity_id"))


access.register(Representative, ScopeRule(participant=_representative))
access.register(RepresentativeGroup, ScopeRule())
access.register(Mandate, ScopeRule(participant=_mandate))
access.register(Station, ScopeRule(participant=_station))
access.register(StationMembership, ScopeRule(participant=_membership))
access.register(DutyRule, ScopeRule())
access.register(DutyShift, ScopeRule(participant=_shift))
access.register(Reception, ScopeRule(participant=_reception))
access.register(ReceptionMatter, ScopeRule(participant=_matter))
access.register(Household, ScopeRule(participant=_household))
access.register(CommitteeContact, ScopeRule(participant=_committee_contact))
access.register(ContactVisit, ScopeRule(participant=_visit))
access.register(Activity, ScopeRule(participant=_activity))
