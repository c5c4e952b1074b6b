from django import template

from supervision.suggestions import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def suggestion_desk_counts(context):
    """Return the desk card's counts per role of the signed-in user (a query per role)."""
    return queries.desk_counts(context["request"].user)
