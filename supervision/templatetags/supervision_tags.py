"""The supervision card of the desk: a few counts, each one query."""

from django import template

from portal import access
from supervision import queries
from supervision.models import Matter

register = template.Library()
State = Matter.State


@register.simple_tag(takes_context=True)
def matter_desk_counts(context) -> dict | None:
    user = context["request"].user
    if not user.is_authenticated:
        return None
    mine = queries.my_matters(user).exclude(state__in=Matter.CLOSED_STATES)
    counts = {
        "mine": mine.count(),
        "to_evaluate": mine.filter(state=State.EVALUATING).count(),
        "unit": queries.matters_for(user)
        .filter(department_id=user.department_id, state=State.HANDLING)
        .count()
        if user.department_id
        else 0,
        "office": None,
        "overdue": 0,
    }
    if access.is_office(user):
        visible = access.visible(user, Matter.objects.all())
        counts["office"] = visible.filter(state=State.LISTED).count()
        counts["overdue"] = visible.filter(queries.overdue_q()).count()
    if not (counts["mine"] or counts["unit"] or counts["office"] is not None):
        return None
    return counts
