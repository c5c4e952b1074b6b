"""The citizen-issue links of the side menu (``portal.nav``)."""

from django.utils.translation import gettext_lazy as _

from petitions import queries
from portal.nav import Link, add


def _waiting(user) -> int:
    counts = queries.desk_counts(user)
    if counts is None:
        return 0
    return counts.submitted if counts.office else counts.assigned


def _office(user) -> bool:
    return queries.is_office(user) or user.is_superuser


add(
    Link(
        "issues",
        "petitions",
        _("Issue ledger"),
        "petitions_desk:petition_list",
        lambda u: _office(u) or queries.is_handler(u),
        _waiting,
        order=10,
    )
)
add(
    Link(
        "issues",
        "petitions-new",
        _("Enter an issue"),
        "petitions_desk:petition_new",
        queries.may_enter,
        order=20,
    )
)
add(Link("issues", "petitions-topics", _("Concentrated issues"), "petitions_desk:topics",
         lambda u: queries.is_office(u), order=30))  # fmt: skip
