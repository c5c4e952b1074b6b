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
        "太",
        "非常",
        "特别",
        "比较",
        "一直",
        "总是",
        "经常",
        "还是",
        "已经",
        "现在",
        "目前",
    ]
)
_lock = threading.Lock()
_tokenizer = None


def _jieba():
    """The search's own jieba tokenizer (the place names it learns do not change how other
    parts of the portal segment), loaded once."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(60)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for name in _place_names():
                    tokenizer.add_word(name, freq=2000)
                _tokenizer = tokenizer
    return _tokenizer


PLACE_SUFFIXES = ("街道", "社区", "村", "镇", "乡", "县", "区", "市")


def _place_names() -> set[str]:
    """Every region's name, and the name without its 村/镇/社区 (沙塘湾村 → 沙塘湾), so that
    a place is one word, not three characters."""
    try:
        from portal.models import Region

        names = set(Region.objects.values_list("name", flat=True)[:20000])
    except Exception:  # no database yet (a management command before migrate)
        return set()
    found = set()
    for name in names:
        found.add(name)
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                found.add(name[: -len(suffix)])
                break
    return found


def forget_places() -> None:
    """Read the place names again on the next segmentation (after regions were imported)."""
    global _tokenizer
    _tokenizer = None


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


def _covered(word: str, others: list[str]) -> bool:
    """Whether shorter ``others`` found inside ``word`` cover every character of it."""
    marks = [False] * len(word)
    for other in others:
        if other == word or len(other) >= len(word):
            continue
        start = word.find(other)
        while start >= 0:
            for i in range(start, start + len(other)):
                marks[i] = True
            start = word.find(other, start + 1)
    return all(marks)


def query_words(q: str) -> list[str]:
    """The words of a query, as fine as the index keeps them: jieba's search mode, with a
    compound dropped when its parts cover it (拖欠工资 → 拖欠 AND 工资, which a letter may
    write apart), and a single character dropped when a word of the query contains it."""
    q = (q or "")[:QUERY_MAX]
    found: dict[str, None] = {}
    for token in _jieba().cut_for_search(q, HMM=False):
        token = _clean(token)
        if token:
            found.setdefault(token, None)
    tokens = list(found)
    parts = [t for t in tokens if len(t) >= 2]
    split = [t for t in tokens if not (len(t) >= 3 and _covered(t, parts))]
    # A word inside another word of the query adds nothing (东门 in 东门村, 不着 in 睡不着).
    kept = [t for t in split if not any(t != other and t in other for other in split)]
    return kept[:TERMS_MAX]


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


def _groups(terms: list[str]) -> list[list[str]]:
    """The sets of words a match needs: every word of a short query; of three or more words
    of two characters or more, all but one (all but two of five or more), so that a sentence
    typed as a query (晚上太吵睡不着) still finds 晚上吵得睡不着. Single characters are always
    needed."""
    from itertools import combinations

    single = [t for t in terms if len(t) == 1]
    multi = [t for t in terms if len(t) > 1]
    if len(multi) < 3:
        return [terms] if terms else []
    need = len(multi) - (1 if len(multi) <= 4 else 2)
    return [single + list(group) for group in combinations(multi, need)]


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
    groups = _groups(terms)
    if postgres and terms:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(FIELD, config="simple")
        raw = " | ".join(f"({_tsquery(group)})" for group in groups)
        query = SearchQuery(raw, search_type="raw", config="simple")
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
    condition = Q(pk__in=[]) if terms else Q()
    for group in groups:
        every = Q()
        for term in group:
            every &= Q(**{f"{FIELD}__contains": f" {term} "})
        condition |= every
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
