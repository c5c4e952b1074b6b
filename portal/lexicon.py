"""The lexicon of civic problems: the many ways people name one problem.

``portal/data/problem_lexicon.txt`` ships with the portal (a curated list, reviewed like
code). Each line is a concept: a name, optionally the broader concept it belongs to, and its
phrases (路灯故障 < 路灯: 路灯不亮 灯不亮 黑灯瞎火 …). The keyword search reads it at query
time: a query containing a phrase looks for every phrase of that concept and of the concepts
under it, so the index never needs rebuilding when the lexicon grows. A phrase written
``~说法`` is loose: it names its concept, but is not looked for on the concept's behalf.

Only data lives here; how a phrase is matched (its jieba words) is the search's business.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "data" / "problem_lexicon.txt"


@dataclass(frozen=True)
class Concept:
    name: str
    parent: str
    phrases: tuple[str, ...]
    # phrases written "~说法": loose colloquial fragments (没水用, 老人) that name the problem
    # when a query or a letter says them, but that the search does not look for when another
    # phrase of the concept was typed (they are also said of other things)
    loose: frozenset[str] = frozenset()


class LexiconError(ValueError):
    pass


def parse(text: str) -> dict[str, Concept]:
    """The concepts of a lexicon text, by name. A line that is not ``名称 [< 上位]: 说法 …``,
    a concept named twice or a parent never defined raises ``LexiconError`` with its line."""
    found: dict[str, Concept] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, colon, body = line.partition(":")
        written = [p for p in body.split() if p.lstrip("~")]
        phrases = tuple(dict.fromkeys(p.lstrip("~") for p in written))
        loose = frozenset(p.lstrip("~") for p in written if p.startswith("~"))
        name, _lt, parent = (part.strip() for part in head.partition("<"))
        if not colon or not name or not phrases:
            raise LexiconError(f"line {number}: expected '名称 [< 上位概念]: 说法 说法 …'")
        if name in found:
            raise LexiconError(f"line {number}: concept {name} is defined twice")
        found[name] = Concept(name=name, parent=parent, phrases=phrases, loose=loose)
    for concept in found.values():
        if concept.parent and concept.parent not in found:
            raise LexiconError(f"concept {concept.name}: unknown parent {concept.parent}")
    return found


class Lexicon:
    """The concepts and, for each phrase, the concepts it names."""

    def __init__(self, concepts: dict[str, Concept]):
        self.concepts = concepts
        self.children: dict[str, list[str]] = {}
        for concept in concepts.values():
            if concept.parent:
                self.children.setdefault(concept.parent, []).append(concept.name)
        self.by_phrase: dict[str, set[str]] = {}
        for concept in concepts.values():
            for phrase in concept.phrases:
                self.by_phrase.setdefault(phrase.lower(), set()).add(concept.name)
        self.longest = max((len(p) for p in self.by_phrase), default=0)
        # the lengths of the phrases starting with each character, longest first
        sizes: dict[str, set[int]] = {}
        for phrase in self.by_phrase:
            sizes.setdefault(phrase[0], set()).add(len(phrase))
        self.sizes_from = {char: sorted(found, reverse=True) for char, found in sizes.items()}

    def family(self, name: str, *, strict: bool = False) -> list[str]:
        """The phrases of concept ``name`` and of every concept under it, each once; ``strict``
        leaves out the loose ones (``~说法``)."""
        out: dict[str, None] = {}
        todo, seen = [name], set()
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.add(current)
            concept = self.concepts[current]
            out.update(
                dict.fromkeys(p for p in concept.phrases if not (strict and p in concept.loose))
            )
            todo.extend(self.children.get(current, []))
        return list(out)

    def is_above(self, name: str, other: str) -> bool:
        """Whether concept ``name`` is broader than ``other`` (an ancestor of it)."""
        seen: set[str] = set()
        current = self.concepts.get(other)
        while current is not None and current.parent and current.parent not in seen:
            if current.parent == name:
                return True
            seen.add(current.parent)
            current = self.concepts.get(current.parent)
        return False

    def find(
        self, text: str, boundaries: set[int] | None = None
    ) -> list[tuple[int, int, frozenset[str]]]:
        """The phrases found in ``text``: (start, end, the concepts named), longest first and
        never overlapping (of two as long, the one further left), in the order of the text.
        With ``boundaries`` (the offsets where the text's words start and end), a phrase
        must start and end on them: 漏 is not found in 漏洞."""
        lowered = text.lower()
        found = []
        for start, char in enumerate(lowered):
            for size in self.sizes_from.get(char, ()):
                end = start + size
                if end > len(lowered) or lowered[start:end] not in self.by_phrase:
                    continue
                if boundaries is None or (start in boundaries and end in boundaries):
                    found.append((-size, start))
        found.sort()
        taken = [False] * len(lowered)
        hits = []
        for negative, start in found:
            end = start - negative
            if any(taken[start:end]):
                continue
            hits.append((start, end, frozenset(self.by_phrase[lowered[start:end]])))
            for i in range(start, end):
                taken[i] = True
        return sorted(hits)


_lock = threading.Lock()
_current: Lexicon | None = None
_version = 0
_checked_at = 0.0
CHECK_SECONDS = 30.0  # how often a process looks for phrases added in the admin


def shipped() -> dict[str, Concept]:
    """The concepts of the lexicon file shipped with the portal."""
    return parse(SOURCE.read_text(encoding="utf-8"))


def with_phrases(concepts: dict[str, Concept], rows) -> dict[str, Concept]:
    """``concepts`` with added ``(concept, parent, phrase)`` rows: a phrase of a known concept
    joins it, one of a new concept makes it (under ``parent`` when that is known)."""
    merged = dict(concepts)
    for name, parent, phrase in rows:
        name, phrase = name.strip(), phrase.strip()
        if not name or not phrase:
            continue
        known = merged.get(name)
        if known is None:
            merged[name] = Concept(name, parent if parent in merged else "", (phrase,))
        elif phrase not in known.phrases:
            merged[name] = Concept(name, known.parent, (*known.phrases, phrase), known.loose)
    return merged


def _stored_version() -> int:
    """A number that changes whenever the approved phrases of the admin change."""
    import zlib

    from django.db.models import Count, Max

    from portal.lexicon_models import ProblemPhrase

    summary = ProblemPhrase.objects.filter(approved=True).aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("changed_at")
    )
    return zlib.crc32(repr(sorted(summary.items())).encode()) & 0x7FFFFFFF if summary["n"] else 0


def current() -> Lexicon:
    """The lexicon the portal runs with: the shipped file and the approved phrases staff
    added, re-read when those change (looked at every ``CHECK_SECONDS``)."""
    global _current, _version, _checked_at
    now = time.monotonic()
    if _current is not None and now - _checked_at < CHECK_SECONDS:
        return _current
    with _lock:
        version = _safe_version()
        if _current is None or version != _version:
            _current = Lexicon(with_phrases(shipped(), _stored_rows() if version else ()))
            _version = version
        _checked_at = now
    return _current


def version() -> int:
    """The version of the approved phrases ``current()`` was built with."""
    current()
    return _version


def _safe_version() -> int:
    from django.db import DatabaseError

    try:
        return _stored_version()
    except DatabaseError:  # no table yet (before migrate) or no database: the file alone
        return 0


def _stored_rows():
    from portal.lexicon_models import ProblemPhrase

    return (
        ProblemPhrase.objects.filter(approved=True)
        .order_by("pk")
        .values_list("concept", "parent", "phrase")
    )


def forget() -> None:
    """Read the lexicon again on next use."""
    global _current, _checked_at
    _current = None
    _checked_at = 0.0
