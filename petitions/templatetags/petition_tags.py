from django import template

from petitions import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def petition_desk_counts(context):
    """Return the desk card's counts for the signed-in user (one query), or None."""
    return queries.desk_counts(context["request"].user)
