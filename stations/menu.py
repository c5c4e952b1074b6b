"""The liaison-station links of the side menu (``portal.nav``)."""

from django.utils.translation import gettext_lazy as _

from portal import access
from portal.nav import Link, add


def _deputy(user) -> bool:
    return hasattr(user, "representative") and user.representative is not None


def _office(user) -> bool:
    return access.is_office(user) or user.is_superuser


def _deputy_or_office(user) -> bool:
    return _deputy(user) or _office(user)


add(
    Link(
        "reception",
        "receptions-new",
        _("Log a reception"),
        "stations_desk:reception_new",
        lambda u: _deputy(u) or access.is_office(u, access.MANAGE) or u.is_superuser,
        order=10,
    )
)
add(
    Link(
        "reception",
        "receptions",
        _("Reception log"),
        "stations_desk:reception_list",
        _deputy_or_office,
        order=20,
    )
)
add(
    Link(
        "statistics",
        "station-statistics",
        _("Station statistics"),
        "stations_desk:statistics",
        _office,
        order=10,
    )
)
add(Link("statistics", "contact-compliance", _("Double contact"),
         "stations_desk:contact_compliance", _office, order=20))  # fmt: skip
add(Link("reception", "deputies", _("Deputy roster"), "stations_desk:deputy_list", _office,
         order=30))  # fmt: skip
add(Link("reception", "stations", _("Liaison stations"), "stations_desk:station_list", _office,
         order=40))  # fmt: skip
