"""The suggestion links of the side menu (``portal.nav``)."""

from django.utils.translation import gettext_lazy as _

from portal import access
from portal.nav import Link, add
from supervision.suggestions import queries


def _waiting(user) -> int:
    total = 0
    for counts in queries.desk_counts(user):
        if counts.role == "office":
            total += counts.submitted + counts.first_review + counts.accepted
        elif counts.role == "unit":
            total += counts.handling
        else:
            total += counts.returned + counts.to_rate
    return total


def _visible(user) -> bool:
    return (
        access.is_office(user)
        or user.is_superuser
        or bool(user.department_id)
        or queries.representative_of(user) is not None
    )


def _office(user) -> bool:
    return access.is_office(user) or user.is_superuser


add(
    Link(
        "suggestions",
        "suggestions",
        _("Suggestions"),
        "suggestions_desk:list",
        _visible,
        _waiting,
        order=10,
    )
)
add(
    Link(
        "suggestions",
        "suggestions-new",
        _("Write a suggestion"),
        "suggestions_desk:new",
        lambda u: queries.representative_of(u) is not None,
        order=20,
    )
)
add(
    Link(
        "suggestions",
        "suggestions-assign",
        _("Assign to units"),
        "suggestions_desk:assign_batch",
        lambda u: access.is_office(u, access.MANAGE),
        order=30,
    )
)
add(
    Link(
        "statistics",
        "suggestion-statistics",
        _("Suggestion statistics"),
        "suggestions_desk:statistics",
        _office,
        order=40,
    )
)
add(Link("statistics", "suggestion-report", _("Yearly report of suggestions"),
         "suggestions_desk:report", _office, order=50))  # fmt: skip
