"""Citizen issues in the keyword search (``portal.search``): title, description, replies,
the published outcome and the names of the issue's place; a tracking code typed whole; the
phone's last digits for the office that may see citizens' phones."""

import re

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from petitions import queries
from petitions.models import Petition
from portal import access, search

CODE = re.compile(r"^[0-9A-Za-z]{10}$")
DIGITS = re.compile(r"^\d{4,11}$")


def _texts(petition):
    texts = [petition.title, petition.description, petition.published_title,
             petition.published_summary, petition.public_reason,
             search.place_of(petition)]  # fmt: skip
    if petition.pk:  # prefetched by build_search_index, else one query
        texts += [reply.text for reply in petition.replies.all()]
    return texts


def _exact(q: str, user):
    if CODE.match(q):
        return Q(tracking_code=q.upper())
    if DIGITS.match(q) and user is not None and access.is_office(user, access.MANAGE):
        return Q(citizen_phone__endswith=q)
    return None


search.register(
    search.Searchable(
        key="petitions", label=_("Citizen issues"), model=Petition, texts=_texts,
        rows=queries.petitions_for, title=lambda p: f"{p.tracking_code} · {p.title}",
        body=lambda p: p.description,
        url=lambda p: reverse("petitions_desk:petition_detail", args=[p.pk]),
        exact=_exact, list_url="petitions_desk:petition_list", order=10, prefetch=("replies",),
    )
)  # fmt: skip
