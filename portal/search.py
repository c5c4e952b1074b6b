"""Chinese keyword search, inside each user's jurisdiction.

Every searchable model has a ``search_text`` column: its texts (title, description, replies…)
segmented by jieba in search mode, one word per space, written by ``refresh`` whenever the
workflow changes the record (``portal.states.move`` refreshes every moved record; creation
functions call ``refresh``). On PostgreSQL a GIN index on
``to_tsvector('simple', search_text)`` answers the query, also segmented by jieba
(``portal.search_words``), as an AND of its slots — a word, or every phrase of a problem of
the lexicon (``portal.lexicon``) the query names — ranked; elsewhere (the embedded SQLite setup) the same words are matched as
whole words with LIKE. Exact codes (查询码, 第N号, a phone's last digits for those allowed)
match directly through each kind's ``exact`` hook.

Apps register a ``Searchable`` per model in their ``search.py``; the search page, the staff
tables' keyword box, the admin's search box and the API's ``?q=`` all call ``matching``.
Results come only from the queryset the caller passes, which starts from ``access.visible``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.search_words import (
    QUERY_MAX,
    STOP,
    TERMS_MAX,
    Slot,
    document,
    forget_places,
    phrase_words,
    place_names,
    place_of,
    query_slots,
    query_words,
    slot_words,
    words,
)

# The words live in portal.search_words; their names are the search's too.
__all__ = [
    "FIELD", "QUERY_MAX", "STOP", "TERMS_MAX", "Searchable", "Slot", "document",
    "forget_places", "highlight", "kind_of", "kinds", "matching", "phrase_words",
    "place_names", "place_of", "query_slots", "query_words", "refresh", "register", "slot_words",
    "text_of", "words",
]  # fmt: skip

FIELD = "search_text"
FEW_ROWS = 5000  # matches fetched by id first, when a list keeps its own order…
FEW_ESTIMATE = 20000  # …asked only when the planner expects at most this many

# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Searchable:
    """How one model is searched. ``texts(obj)`` are what is indexed; ``rows(user)`` the
    records the user may see (``access.visible``); ``exact(q, user)`` a condition for codes
    and numbers typed exactly (or None); ``title``/``body``/``url`` what a result shows."""

    key: str
    label: str
    model: type[models.Model]
    texts: Callable[[Any], Iterable[str | None]]
    rows: Callable[[Any], QuerySet]
    title: Callable[[Any], str]
    body: Callable[[Any], str]
    url: Callable[[Any], str]
    exact: Callable[[str, Any], Q | None] | None = None
    list_url: str = ""  # the staff table the results continue in (``?q=``)
    order: int = 50
    prefetch: tuple[str, ...] = ()  # related rows ``texts`` reads, loaded per batch


_KINDS: dict[str, Searchable] = {}
_BY_MODEL: dict[type[models.Model], Searchable] = {}


def register(kind: Searchable) -> Searchable:
    _KINDS[kind.key] = kind
    _BY_MODEL[kind.model] = kind
    return kind


def kinds() -> list[Searchable]:
    return sorted(_KINDS.values(), key=lambda k: k.order)


def kind_of(model) -> Searchable | None:
    return _BY_MODEL.get(model)


# --- writing ----------------------------------------------------------------------------------


def text_of(obj) -> str:
    kind = _BY_MODEL.get(type(obj))
    return document(*kind.texts(obj)) if kind else ""


def refresh(obj) -> None:
    """Write the ``search_text`` of ``obj`` (after the workflow changed it)."""
    kind = _BY_MODEL.get(type(obj))
    if kind is None:
        return
    text = document(*kind.texts(obj))
    if getattr(obj, FIELD, None) != text:
        type(obj).objects.filter(pk=obj.pk).update(**{FIELD: text})
        setattr(obj, FIELD, text)


# --- reading ----------------------------------------------------------------------------------


def _single(slot: Slot) -> bool:
    return len(slot) == 1 and len(slot[0]) == 1 and len(slot[0][0]) == 1


def _groups(slots: list) -> list[list]:
    """The sets of slots a match needs: every slot of a short query; of three or more slots
    (words of two characters or more, or concepts), all but one (all but two of five or
    more), so that a sentence typed as a query (晚上太吵睡不着) still finds 晚上吵得睡不着.
    Single characters are always needed. Accepts plain words too (each its own slot)."""
    from itertools import combinations

    single = [s for s in slots if (len(s) == 1 if isinstance(s, str) else _single(s))]
    multi = [s for s in slots if s not in single]
    if len(multi) < 3:
        return [list(slots)] if slots else []
    need = len(multi) - (1 if len(multi) <= 4 else 2)
    return [single + list(group) for group in combinations(multi, need)]


def _quoted(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "") + "'"


def _slot_tsquery(slot: Slot) -> str:
    ors = [" & ".join(_quoted(w) for w in alternative) for alternative in slot]
    if len(ors) == 1 and len(slot[0]) == 1:
        return ors[0]
    return "(" + " | ".join(f"({part})" for part in ors) + ")"


def _tsquery(slots: list[Slot]) -> str:
    return " & ".join(_slot_tsquery(slot) for slot in slots)


def _slot_q(slot: Slot) -> Q:
    condition = Q(pk__in=[])
    for alternative in slot:
        every = Q()
        for word in alternative:
            every &= Q(**{f"{FIELD}__contains": f" {word} "})
        condition |= every
    return condition


def _few_rows(model, vector, condition: Q) -> list | None:
    """The ids of a rare word's rows (at most ``FEW_ROWS``), or None for a common one. A list
    keeps its own order (newest first); for a rare word the planner, whose estimate of an OR
    of phrases is far too high, would walk that order's index past a million rows before it
    found them. Asked only when the estimate is small: a common word is left as it is."""
    from portal.pagination import estimated_count

    rows = model._default_manager.annotate(search_vector=vector).filter(condition).order_by()
    estimate = estimated_count(rows)
    if estimate is not None and estimate > FEW_ESTIMATE:
        return None
    few = list(rows.values_list("pk", flat=True)[: FEW_ROWS + 1])
    return few if len(few) <= FEW_ROWS else None


def matching(queryset: QuerySet, q: str, user=None, *, ranked: bool = False) -> QuerySet:
    """The rows of ``queryset`` that match ``q``: every slot of it (``query_slots``), or a
    code typed exactly. ``ranked`` orders them by relevance (PostgreSQL), newest first among
    equals."""
    kind = _BY_MODEL.get(queryset.model)
    slots = query_slots(q)
    exact = kind.exact(q.strip(), user) if kind and kind.exact else None
    if not slots and exact is None:
        return queryset.none()
    postgres = connections[queryset.db].vendor == "postgresql"
    groups = _groups(slots)
    if postgres and slots:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(FIELD, config="simple")
        raw = " | ".join(f"({_tsquery(group)})" for group in groups)
        query = SearchQuery(raw, search_type="raw", config="simple")
        condition = Q(search_vector=query)
        few = None if ranked else _few_rows(queryset.model, vector, condition)
        if few is not None:
            condition = Q(pk__in=few)
        else:
            queryset = queryset.annotate(search_vector=vector)
        if exact is not None:
            condition |= exact
        queryset = queryset.filter(condition)
        if ranked:
            queryset = queryset.annotate(search_rank=SearchRank(vector, query)).order_by(
                "-search_rank", "-pk"
            )
        return queryset
    condition = Q(pk__in=[]) if slots else Q()
    for group in groups:
        every = Q()
        for slot in group:
            every &= _slot_q(slot)
        condition |= every
    if exact is not None:
        condition = (condition | exact) if slots else exact
    queryset = queryset.filter(condition)
    return queryset.order_by("-pk") if ranked else queryset


def highlight(text: str, q: str, width: int = 90) -> SafeString:
    """A snippet of ``text`` around the first word of ``q`` found in it, HTML-escaped, with
    the words of ``q`` marked (``<mark>``)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    terms = sorted(slot_words(query_slots(q)), key=len, reverse=True)
    lowered = text.lower()
    first = min((i for i in (lowered.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, first - width // 3)
    snippet = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    if not terms:
        return mark_safe(escape(prefix + snippet + suffix))  # noqa: S308 (escaped)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(snippet):
        out.append(escape(snippet[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(snippet[last:]))
    return mark_safe(escape(prefix) + "".join(out) + escape(suffix))  # noqa: S308 (escaped)
