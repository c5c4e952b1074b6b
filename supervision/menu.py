"""The supervision links of the side menu (``portal.nav``)."""

from django.utils.translation import gettext_lazy as _

from portal import access
from portal.nav import Link, add
from supervision import queries
from supervision.models import Matter


def _visible(user) -> bool:
    return (
        access.is_office(user)
        or user.is_superuser
        or bool(user.department_id)
        or queries.my_matters(user).exists()
    )


def _waiting(user) -> int:
    waiting = queries.my_matters(user).filter(state=Matter.State.EVALUATING).count()
    if access.is_office(user):
        waiting += access.visible(user, Matter.objects.filter(state=Matter.State.LISTED)).count()
    return waiting


add(
    Link(
        "supervision",
        "matters",
        _("Supervision matters"),
        "supervision_desk:matter_list",
        _visible,
        _waiting,
        order=10,
    )
)
add(
    Link(
        "supervision",
        "matters-new",
        _("List a matter"),
        "supervision_desk:matter_new",
        lambda u: access.is_office(u, access.MANAGE),
        order=20,
    )
)
add(Link("statistics", "matter-statistics", _("Supervision statistics"),
         "supervision_desk:statistics", lambda u: access.is_office(u) or u.is_superuser,
         order=30))  # fmt: skip
