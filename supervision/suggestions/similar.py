"""Similar earlier suggestions, shown to a deputy while drafting (drafting help).

Words are cut with the jieba helpers of ``petitions.topics``; the score is the overlap of
the draft's words and character bigrams with each earlier suggestion's (a weighted Jaccard),
over the latest suggestions of the congresses the deputy files to that are on the office's
public ledger (``queries.public_ledger``). Only what is already on that ledger is shown: number, title, state, reply class — never a
draft or a returned text of another deputy.
"""

from __future__ import annotations

from dataclasses import dataclass

from petitions.topics import analyse
from portal.models import Region
from supervision.suggestions import queries

CANDIDATES = 500
THRESHOLD = 0.12
SHOWN = 5


@dataclass(frozen=True)
class Similar:
    pk: int
    label: str
    title: str
    state: str
    reply_class: str
    score: float


def _terms(text: str) -> set[str]:
    words, bigrams = analyse(text)
    return {f"w:{w}" for w in words} | {f"b:{b}" for b in bigrams}


def score(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_to(title: str, content: str, lead, exclude: int | None = None) -> list[Similar]:
    """Return up to five earlier suggestions to the congresses above ``lead`` that resemble
    the draft, most similar first."""
    draft = _terms(f"{title}\n{title}\n{content}")
    if not draft:
        return []
    paths = Region.ancestor_paths_of(lead.region.path)
    rows = (
        queries.public_ledger(paths)
        .exclude(pk=exclude)
        .only("pk", "number", "title", "content", "state", "reply_class")[:CANDIDATES]
    )
    found = []
    for row in rows:
        value = score(draft, _terms(f"{row.title}\n{row.title}\n{row.content}"))
        if value >= THRESHOLD:
            found.append(
                Similar(
                    row.pk, row.label, row.title, row.get_state_display(), row.reply_class, value
                )
            )
    found.sort(key=lambda item: -item.score)
    return found[:SHOWN]
