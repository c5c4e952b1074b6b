"""The words of the keyword search (``portal.search``): how texts and queries are cut.

Texts are segmented by jieba (its search and full modes) with the search's own tokenizer,
which knows every region's name as one word; stop words are dropped. A query is cut as
finely as the index and read for the phrases of the lexicon of civic problems
(``portal.lexicon``): each phrase found becomes a *slot* holding every phrase of its concept.
"""

from __future__ import annotations

import threading
import unicodedata

from django.db import models

QUERY_MAX = 100  # characters of a query
TERMS_MAX = 8  # words of a query that count
PHRASE_FREQUENCY = 1000  # how common a typo correction takes a phrase of the lexicon to be
GENERIC = 5000  # a word this common in jieba's dictionary (东西, 家里, 处理) only qualifies
# Words that carry no meaning of their own in a citizen's sentence.
STOP = frozenset(
    """
    的 了 是 在 和 与 及 或 也 都 就 很 又 还 把 被 让 给 对 从 向 到 于 为 以 之 其 这 那 有 没 不 我 你 他 她 它 们 我们 你们 他们 啊
    吧 呢 吗 嘛 呀 哦 请 能 会 要 想 说 着 过 一个 一些 这个 那个 什么 怎么 如何 问题 情况 希望 反映 太 非常 特别 比较 一直 总是 经常 还是 已经
    现在 目前
    """.split()  # noqa: SIM905 (a word list reads better as text)
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
                places = _place_names()
                for name in {*places, *places.values()} - {""}:
                    tokenizer.add_word(name, freq=2000)
                _short.clear()
                _short.update((name, short) for name, short in places.items() if short)
                _places.clear()
                _places.update({*places, *places.values()} - {""})
                _tokenizer = tokenizer
    return _tokenizer


PLACE_SUFFIXES = ("街道", "社区", "村", "镇", "乡", "县", "区", "市")


_short: dict[str, str] = {}  # a place's full name → its name without 村/镇/社区
_places: set[str] = set()  # every place name the tokenizer knows


def _place_names() -> dict[str, str]:
    """Every region's name, and the name without its 村/镇/社区 (沙塘湾村 → 沙塘湾), so that
    a place is one word, not three characters: full name → short name ("" when none)."""
    try:
        from portal.models import Region

        names = set(Region.objects.values_list("name", flat=True)[:20000])
    except Exception:  # no database yet (a management command before migrate)
        return {}
    found = {}
    for name in names:
        found[name] = ""
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                found[name] = name[: -len(suffix)]
                break
    return found


def forget_places() -> None:
    """Read the place names again on the next segmentation (after regions were imported)."""
    global _tokenizer
    _tokenizer = None
    _phrases.clear()
    _region_names.clear()


_region_names: dict[int, str] = {}


def _regions_changed(**_kwargs) -> None:
    _region_names.clear()


models.signals.post_save.connect(_regions_changed, sender="portal.Region", weak=False)
models.signals.post_delete.connect(_regions_changed, sender="portal.Region", weak=False)


def place_of(record) -> str:
    """``place_names`` of a record's ``region``, using the region already loaded with it."""
    loaded = "region" in record._state.fields_cache
    return place_names(record.region if loaded else record.region_id)


def place_names(region) -> str:
    """The names of a record's region and of the regions above it (沙塘湾村 石浦镇 象山县 …),
    indexed with the record so that a place typed in a query finds what was raised there even
    when the text does not name it. ``region``: a Region (its path is known: one query) or
    its id (two queries); then remembered."""
    if region is None:
        return ""
    region_id = getattr(region, "pk", region)
    names = _region_names.get(region_id)
    if names is None:
        from portal.models import Region

        path = getattr(region, "path", None)
        if path is None:
            path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
        rows = Region.objects.filter(path__in=Region.ancestor_paths_of(path)) if path else []
        names = " ".join(r.name for r in sorted(rows, key=lambda r: len(r.path)))
        _region_names[region_id] = names
    return names


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
    places = [t for t in tokens if t in _places]
    parts = [t for t in tokens if len(t) >= 2]
    split = [t for t in tokens if t in places or not (len(t) >= 3 and _covered(t, parts))]
    # A place is one word (金山社区, not 金山 AND 社区).
    split = [t for t in split if not any(t != p and t in p for p in places)]
    # A word inside another word of the query adds nothing (东门 in 东门村, 不着 in 睡不着).
    kept = [t for t in split if not any(t != other and t in other for other in split)]
    return kept[:TERMS_MAX]


# A slot is one thing a match needs: alternatives, each a set of words all required. A plain
# word is one alternative of one word; a concept of the lexicon (portal.lexicon) is each of
# its phrases (路灯 | 灯 & 不亮 | 黑灯瞎火 …).
Slot = tuple[tuple[str, ...], ...]


def phrase_words(phrase: str) -> tuple[str, ...]:
    """The words a lexicon phrase needs; none (the phrase is ignored) when it comes down to
    one character it was not (没水 → 水: stop words are not indexed)."""
    cached = _phrases.get(phrase)
    if cached is None:
        found = tuple(query_words(phrase))
        if len(phrase) > 1 and len(found) == 1 and len(found[0]) == 1:
            found = ()
        cached = _phrases[phrase] = found
    return cached


_phrases: dict[str, tuple[str, ...]] = {}


def query_slots(q: str) -> list[Slot]:
    """What a query needs, in its order: each problem phrase of the lexicon it contains
    becomes the whole concept (欠薪 → 欠薪 | 拖欠 & 工资 | 工钱 …); the rest are its words
    (``query_words``). A phrase must begin and end where jieba's words of the query do. A
    homophone typo (拉圾) is searched as the word meant (垃圾) too (``portal.search_typos``)."""
    from portal import lexicon, search_typos

    q = unicodedata.normalize("NFKC", q or "")[:QUERY_MAX]
    known = lexicon.current()
    tokenizer = _jieba()
    slots: list[tuple[int, Slot]] = []

    # the concepts the query names: their names → (offset, what was typed of them)
    named_at: dict[frozenset[str], tuple[int, list[str]]] = {}

    def add(at: int, slot: Slot) -> None:
        if slot and all(slot != other for _at, other in slots):
            slots.append((at, slot))

    def concepts(text: str, base: int) -> list[tuple[int, str]]:
        """Note the concepts named in ``text``; return what is left, with its offsets."""
        last, rest = 0, []
        for start, end, names in known.find(text, boundaries=_edges(text)):
            rest.append((base + last, text[last:start]))
            last = end
            named_at.setdefault(names, (base + start, []))[1].append(text[start:end].lower())
        rest.append((base + last, text[last:]))
        return rest

    def frequency(word: str) -> int:
        """jieba's count of a word; a phrase of the lexicon counts as a common word, so that
        a typo of it is found (居主证 → 居住证)."""
        count = tokenizer.FREQ.get(word, 0)
        return max(count, PHRASE_FREQUENCY) if word in known.by_phrase else count

    fixes: dict[str, str] = {}
    pieces: list[tuple[int, str]] = []
    for offset, piece in concepts(q, 0):
        fixed, found = search_typos.corrected(
            piece, list(tokenizer.cut(piece, HMM=False)), frequency, STOP
        )
        fixes.update(found)
        pieces += concepts(fixed, offset) if found else [(offset, piece)]
    for names, (at, typed) in named_at.items():
        # A broader concept beside a narrower one of its own says nothing more (学校 in
        # 孩子在学校被欺负, where 欺负 is 校园欺凌 < 学校): only the narrower one is needed.
        if any(other != names and all(any(known.is_above(n, m) for m in other) for n in names)
               for other in named_at):  # fmt: skip
            continue
        # what was typed, and every phrase of the concepts it names but the loose ones
        phrases = dict.fromkeys(typed)
        for name in sorted(names):
            phrases.update(dict.fromkeys(known.family(name, strict=True)))
        add(at, tuple(dict.fromkeys(w for w in map(phrase_words, phrases) if w)))
    named = bool(slots)
    for offset, piece in pieces:
        for word in query_words(piece):
            if named and len(word) == 1:
                continue  # what a phrase left of its word (人 of 狗咬人)
            if named and word not in _places and tokenizer.FREQ.get(word, 0) >= GENERIC:
                continue  # a common word beside a problem (拿不到 工钱, 扔 东西) narrows nothing
            slot = ((word,), (_short[word],)) if word in _short else ((word,),)
            add(offset + max(piece.lower().find(word), 0), slot)  # 东门村 | 东门
    ordered = [slot for _at, slot in sorted(slots, key=lambda pair: pair[0])][:TERMS_MAX]
    if fixes:  # what was typed is searched too: records keep citizens' typos
        typed = {(fix,): tuple(query_words(wrong)) for fix, wrong in fixes.items()}
        ordered = [
            slot + tuple(typed[a] for a in slot if a in typed and typed[a] and typed[a] not in slot)
            for slot in ordered
        ]
    return ordered


def _edges(q: str) -> set[int]:
    """The offsets where jieba's words of ``q`` begin and end."""
    edges, at = {0}, 0
    for token in _jieba().cut(q, HMM=False):
        at += len(token)
        edges.add(at)
    return edges


def slot_words(slots: list[Slot]) -> list[str]:
    """Every word the slots may match (for highlighting), each once."""
    return list(dict.fromkeys(w for slot in slots for alternative in slot for w in alternative))


def document(*texts: str | None) -> str:
    """The ``search_text`` of a record made of ``texts``: its words between spaces (the
    leading and trailing space make a whole-word LIKE possible on SQLite)."""
    found: dict[str, None] = {}
    for text in texts:
        for word in words(text or ""):
            found.setdefault(word, None)
    return f" {' '.join(found)} " if found else ""
