"""Supervision matters in the keyword search (``portal.search``): title, description, the
study's decision, the explanation and result told to the citizens, the published outcome,
the rounds' rectification opinions and reports and the group's findings on site; ``#N``
typed whole finds matter N."""

import re

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import search
from supervision import queries
from supervision.models import Evaluation, Matter, Round

NUMBER = re.compile(r"^#?(\d{1,18})$")  # the matter's number, with or without #


def _texts(matter):
    texts = [matter.title, matter.description, matter.study_decision, matter.explanation,
             matter.result, matter.published_title, matter.published_summary,
             search.place_of(matter)]  # fmt: skip
    if matter.pk:
        for rectification, report in Round.objects.filter(matter_id=matter.pk).values_list(
            "rectification", "completion_report"
        ):
            texts += [rectification, report]
        for findings, rectification in Evaluation.objects.filter(
            round__matter_id=matter.pk
        ).values_list("findings", "rectification"):
            texts += [findings, rectification]
    return texts


def _exact(q: str, user):
    found = NUMBER.match(q)
    return Q(pk=int(found.group(1))) if found else None


search.register(
    search.Searchable(
        key="matters", label=_("Supervision matters"), model=Matter, texts=_texts,
        rows=queries.matters_for, title=lambda m: m.title, body=lambda m: m.description,
        url=lambda m: reverse("supervision_desk:matter_detail", args=[m.pk]),
        exact=_exact, list_url="supervision_desk:matter_list", order=30,
    )
)  # fmt: skip
