"""Deputies' suggestions in the keyword search (``portal.search``): title, content, the
closing note and the units' replies; 第N号 (or N号) typed whole finds the session's number N,
未编号-N the unnumbered suggestion N."""

import re

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import search
from supervision.suggestions import queries
from supervision.suggestions.models import Suggestion

NUMBER = re.compile(r"^第?\s*(\d{1,9})\s*号$")
UNNUMBERED = re.compile(r"^未编号\s*[-－—]\s*(\d{1,9})$")


def _texts(suggestion):
    texts = [suggestion.title, suggestion.content, suggestion.closing_note]
    if suggestion.lead_id:  # the lead deputy's name finds their suggestions
        texts.append(suggestion.lead.name)
    if suggestion.pk:
        texts += [reply.text for reply in suggestion.replies.all()]
    return texts


def _exact(q: str, user):
    if found := NUMBER.match(q):
        return Q(number=int(found.group(1)))
    if found := UNNUMBERED.match(q):
        return Q(pk=int(found.group(1)), number__isnull=True)
    return None


search.register(
    search.Searchable(
        key="suggestions", label=_("Deputies' suggestions"), model=Suggestion, texts=_texts,
        rows=queries.suggestions_for, title=lambda s: f"{s.label} · {s.title}",
        body=lambda s: s.content,
        url=lambda s: reverse("suggestions_desk:detail", args=[s.pk]),
        exact=_exact, list_url="suggestions_desk:list", order=40, prefetch=("replies", "lead"),
    )
)  # fmt: skip
