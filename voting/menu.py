"""The livelihood-project ballot links of the side menu (``portal.nav``)."""

from django.utils.translation import gettext_lazy as _

from portal import access
from portal.nav import Link, add
from voting import queries
from voting.models import Candidate, RollEntry


def _deputy(user) -> bool:
    return RollEntry.objects.filter(representative__user=user).exists()


def _waiting(user) -> int:
    return queries.open_votes_of(user).filter(has_voted=False).count()


def _projects(user) -> bool:
    return (
        access.is_office(user)
        or user.is_superuser
        or _deputy(user)
        or bool(user.department_id)
        and Candidate.objects.filter(department_id=user.department_id).exists()
    )


add(
    Link(
        "voting",
        "voting",
        _("Selection cycles and votes"),
        "voting_desk:home",
        lambda u: access.is_office(u) or u.is_superuser or _deputy(u),
        _waiting,
        order=10,
    )
)
add(Link("voting", "projects", _("Livelihood projects"), "voting_desk:projects", _projects,
         order=20))  # fmt: skip
add(Link("voting", "voting-proposals", _("Project proposals"), "voting_desk:proposal_list",
         lambda u: access.is_office(u), order=30))  # fmt: skip
add(Link("voting", "voting-candidates", _("Candidate projects"), "voting_desk:candidate_list",
         lambda u: access.is_office(u), order=40))  # fmt: skip
