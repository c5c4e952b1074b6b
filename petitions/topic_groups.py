"""Grouping issues into concentrated issues, from their signatures (``topic_text``).

Two issues are one concentrated issue when they raise the same problem at the same place:

1. issues with the same problem that share a place key are joined (and so, in turn, every
   issue sharing a place with one of them: the residents of two villages complaining of one
   factory's smell are one group with each village's own complaints of it);
2. an issue naming only a broad concept (电梯, "the lift") joins the one narrower problem of
   that family raised at its place (电梯故障), when there is exactly one; never inside a
   theme (an issue about 老人 in general joins neither the meals nor the allowance);
3. issues naming no problem of the lexicon are compared by wording (synonyms folded) with
   issues of their places: similar ones join, and such a group joins at most the one
   problem group it is most similar to, so wording never bridges two problems.

The problem comes first, the place second: two problems in one village are never one group
(step 1 needs the same problem), one problem in two villages is two groups unless the texts
name one shared facility.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from petitions.thesaurus import cosine
from petitions.topic_text import ONE_PROBLEM, THEMES, Signature

SIMILAR = 0.42  # wording similarity of two issues naming no problem of the lexicon
SIMILAR_TO_PROBLEM = 0.5  # … for such an issue to join a group with a problem
SIMILAR_READ_DIFFERENTLY = 0.3  # … for two issues whose problems were read differently
SECONDARY = 2  # the first concerns of an issue, as read


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def group(
    signatures: Sequence[Signature],
    *,
    similar: float = SIMILAR,
    similar_to_problem: float = SIMILAR_TO_PROBLEM,
    similar_read_differently: float = SIMILAR_READ_DIFFERENTLY,
) -> list[list[int]]:
    """Return the groups as lists of indices into ``signatures`` (singletons included)."""
    n = len(signatures)
    union = _Union(n)
    at_place: dict[str, list[int]] = defaultdict(list)
    for i, sig in enumerate(signatures):
        for key in sig.places:
            at_place[key].append(i)

    # 1. one problem, one place
    first: dict[tuple[str, str], int] = {}
    for i, sig in enumerate(signatures):
        if sig.problem is None:
            continue
        for key in sig.places:
            j = first.setdefault((sig.problem, key), i)
            if j != i:
                union.join(i, j)

    # 2. a broad concept joins the one narrower problem of its place
    for i, sig in enumerate(signatures):
        if not _broad(sig):
            continue
        narrower = {
            union.find(j)
            for key in sig.places
            for j in at_place[key]
            if signatures[j].family == sig.family and signatures[j].problem != sig.family
        }
        if len(narrower) == 1:
            union.join(i, narrower.pop())

    # 3. a problem read differently: a neighbour that names this problem among its
    # own first concerns, and says it in similar words, is the same complaint (a long
    # letter whose main point was read as another of its points)
    for i, sig in enumerate(signatures):
        if sig.problem is None:
            continue
        for j in _neighbours(i, signatures, at_place):
            other = signatures[j]
            if (
                j > i
                and other.problem is not None
                and other.problem != sig.problem
                and (
                    sig.problem in other.named[:SECONDARY] or other.problem in sig.named[:SECONDARY]
                )
                and union.find(i) != union.find(j)
                and cosine(sig.terms, other.terms) >= similar_read_differently
            ):
                union.join(i, j)

    # 4. issues naming no problem: by wording, among themselves, then into one problem group
    loose = [i for i, sig in enumerate(signatures) if sig.problem is None]
    for i in loose:
        for j in _neighbours(i, signatures, at_place):
            if (
                signatures[j].problem is None
                and j > i
                and cosine(signatures[i].terms, signatures[j].terms) >= similar
            ):
                union.join(i, j)
    best: dict[int, tuple[float, int]] = {}
    for i in loose:
        root = union.find(i)
        for j in _neighbours(i, signatures, at_place):
            if signatures[j].problem is not None:
                score = cosine(signatures[i].terms, signatures[j].terms)
                if score >= similar_to_problem and score > best.get(root, (0.0, -1))[0]:
                    best[root] = (score, j)
    for root, (_score, j) in best.items():
        union.join(root, j)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[union.find(i)].append(i)
    return list(groups.values())


def _broad(sig: Signature) -> bool:
    return (
        sig.problem is not None
        and sig.problem == sig.family
        and sig.family not in THEMES
        and sig.family not in ONE_PROBLEM
    )


def _neighbours(i: int, signatures: Sequence[Signature], at_place) -> set[int]:
    return {j for key in signatures[i].places for j in at_place[key] if j != i}
