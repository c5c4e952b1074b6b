"""Chinese keyword search, inside each user's jurisdiction.

Every searchable model has a ``search_text`` column: its texts (title, description, replies…)
segmented by jieba in search mode, one word per space, written by ``refresh`` whenever the
workflow changes the record (``portal.states.move`` refreshes every moved record; creation
functions call ``refresh``). On PostgreSQL a GIN index on
``to_tsvector('simple', search_text)`` answers the query, also segmented by jieba, as an AND
of its words, ranked; elsewhere (the embedded SQLite setup) the same words are matched as
whole words with LIKE. Exact codes (查询码, 第N号, a phone's last digits for those allowed)
match directly through each kind's ``exact`` hook.

Apps register a ``Searchable`` per model in their ``search.py``; the search page, the staff
tables' keyword box, the admin's search box and the API's ``?q=`` all call ``matching``.
Results come only from the queryset the caller passes, which starts from ``access.visible``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FIELD = "search_text"
QUERY_MAX = 100  # characters of a query
TERMS_MAX = 8  # words of a query that count
# Words that carry no meaning of their own in a citizen's sentence.
STOP = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "很",
        "又",
        "还",
        "把",
        "被",
        "让",
        "给",
        "对",
        "从",
        "向",
        "到",
        "于",
        "为",
        "以",
        "之",
        "其",
        "这",
        "那",
        "有",
        "没",
        "不",
        "我",
        "你",
        "他",
        "她",
        "它",
        "们",
        "我们",
        "你们",
        "他们",
        "啊",
        "吧",
        "呢",
        "吗",
        "嘛",
        "呀",
        "哦",
        "请",
        "能",
        "会",
        "要",
        "想",
        "说",
        "着",
        "过",
        "一个",
        "一些",
        "这个",
        "那个",
        "什么",
        "怎么",
        "如何",
        "问题",
        "情况",
        "希望",
        "反映",
    ]
)
_lock = threading.Lock()
_ready = False


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _ready = True
    return jieba


def _clean(token: str) -> str:
    token = unicodedata.normalize("NFKC", token).strip().lower()
    if not token or all(not ch.isalnum() for ch in token):
        return ""
    return "" if token in STOP else token


def words(text: str) -> list[str]:
    """The words of ``text`` as the index keeps them, in order, each once: jieba's search
    mode (东门村 also gives 东门) and its full mode (every dictionary word in the text, so
    that 路灯 is kept in 村口路灯不亮, which the search mode cuts 村口/路/灯不亮); punctuation
    and empty words dropped."""
    if not text:
        return []
    jieba = _jieba()
    seen: dict[str, None] = {}
    for tokens in (jieba.cut_for_search(text, HMM=False), jieba.cut(text, cut_all=True)):
        for token in tokens:
            token = _clean(token)
            if token:
                seen.setdefault(token, None)
    return list(seen)


def query_words(q: str) -> list[str]:
    """The words of a query (jieba's precise mode: a query's 东门村路灯 is 东门村 AND 路灯)."""
    q = (q or "")[:QUERY_MAX]
    seen: dict[str, None] = {}
    for token in _jieba().cut(q, HMM=False):
        token = _clean(token)
        if token:
            seen.setdefault(token, None)
    return list(seen)[:TERMS_MAX]


def document(*texts: str | None) -> str:
    """The ``search_text`` of a record made of ``texts``: its words between spaces (the
    leading and trailing space make a whole-word LIKE possible on SQLite)."""
    found: dict[str, None] = {}
    for text in texts:
        for word in words(text or ""):
            found.setdefault(word, None)
    return f" {' '.join(found)} " if found else ""


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


def _tsquery(terms: list[str]) -> str:
    return " & ".join("'" + t.replace("'", "''").replace("\\", "") + "'" for t in terms)


def matching(queryset: QuerySet, q: str, user=None, *, ranked: bool = False) -> QuerySet:
    """The rows of ``queryset`` that match ``q``: every word of it, or a code typed exactly.
    ``ranked`` orders them by relevance (PostgreSQL), newest first among equals."""
    kind = _BY_MODEL.get(queryset.model)
    terms = query_words(q)
    exact = kind.exact(q.strip(), user) if kind and kind.exact else None
    if not terms and exact is None:
        return queryset.none()
    postgres = connections[queryset.db].vendor == "postgresql"
    if postgres and terms:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(FIELD, config="simple")
        query = SearchQuery(_tsquery(terms), search_type="raw", config="simple")
        condition = Q(search_vector=query)
        queryset = queryset.annotate(search_vector=vector)
        if exact is not None:
            condition |= exact
        queryset = queryset.filter(condition)
        if ranked:
            queryset = queryset.annotate(search_rank=SearchRank(vector, query)).order_by(
                "-search_rank", "-pk"
            )
        return queryset
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{FIELD}__contains": f" {term} "})
    if exact is not None:
        condition = (condition | exact) if terms else exact
    queryset = queryset.filter(condition)
    return queryset.order_by("-pk") if ranked else queryset


def highlight(text: str, q: str, width: int = 90) -> SafeString:
    """A snippet of ``text`` around the first word of ``q`` found in it, HTML-escaped, with
    the words of ``q`` marked (``<mark>``)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    terms = sorted(query_words(q), key=len, reverse=True)
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
