"""Reception matters and deputies in the keyword search (``portal.search``): a matter by what
was raised and answered (found on its reception's page), a deputy by name and work unit (found
on the deputy's archive), or by the roster number typed whole."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import access, search
from stations.models import ReceptionMatter, Representative


def receptions_matters_for(user):
    """Return the reception matters ``user`` sees (the scope rule follows their reception)."""
    return access.visible(user, ReceptionMatter.objects.select_related("reception__station"))


def deputies_for(user):
    """Return the deputies ``user`` sees: the office's jurisdiction, a deputy themself."""
    return access.visible(user, Representative.objects.all())


def _roster_number(q: str, user):
    return Q(id_code=q) if q and len(q) <= 32 else None


search.register(
    search.Searchable(
        key="receptions", label=_("Reception matters"), model=ReceptionMatter,
        texts=lambda m: [m.content, m.answer], rows=receptions_matters_for,
        title=lambda m: f"{m.reception.station.name} · {m}",
        body=lambda m: f"{m.content}\n{m.answer}".strip(),
        url=lambda m: reverse("stations_desk:reception_edit", args=[m.reception_id]),
        list_url="stations_desk:reception_list", order=20,
    )
)  # fmt: skip

search.register(
    search.Searchable(
        key="deputies", label=_("Deputies"), model=Representative,
        texts=lambda d: [d.name, d.work_unit], rows=deputies_for, title=lambda d: d.name,
        body=lambda d: d.work_unit, url=lambda d: reverse("stations_desk:archive", args=[d.pk]),
        exact=_roster_number, list_url="stations_desk:deputy_list", order=70,
    )
)  # fmt: skip
