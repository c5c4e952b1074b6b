"""The desk card's figures, in a fixed number of queries."""

from django import template

from portal import access
from voting import queries
from voting.models import Candidate, RollEntry

register = template.Library()


@register.simple_tag(takes_context=True)
def voting_desk_summary(context) -> dict:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    office = access.is_office(user, access.MANAGE)
    return {
        "open_votes": list(queries.open_votes_of(user)[:5]),
        "deputy_projects": RollEntry.objects.filter(representative__user=user).exists(),
        "office": office,
        "cycles": list(queries.cycles_for(user, access.MANAGE)[:5]) if office else [],
        "department_projects": bool(user.department_id)
        and Candidate.objects.filter(
            department_id=user.department_id, outcome=Candidate.Outcome.ADOPTED
        ).exists(),
    }
