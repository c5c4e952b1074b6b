"""Hand-written labelled sets of citizen issues for the concentrated issues, and their score.

Two sets, each written by a separate author who never saw the method nor its lexicon:

- ``bench/data/topics_dev.jsonl``: the set the method was tuned on;
- ``bench/data/topics_heldout.jsonl``: never tuned on; only measured.

Each item is one issue as people write it (``style``: board letters, 12345 hotline
summaries, one-liners, dialect and typos, long letters with several complaints) with the
village or community it comes from (``镇/村``) and its true topic: the same problem at the
same place or shared facility (``None``: it belongs to no group).

    python -m bench.topics_handwritten            # both sets: P, R, F1 per scope, worst cases
    python -m bench.topics_handwritten --set dev  # one set
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

SETS = ("dev", "heldout")
SCOPES = ("county", "township", "village")
TARGET = {"precision": 0.9, "recall": 0.8}  # county scope (issue 18)
TOWNSHIP_LEVEL = 3


@dataclass(frozen=True)
class Item:
    id: int
    region_key: str  # "镇/村"
    title: str
    description: str
    topic: str | None
    style: str


@dataclass(frozen=True)
class Issue:
    pk: int
    title: str
    description: str
    region_id: int


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    found_pairs: int
    true_pairs: int
    seconds: float


DATA = Path(__file__).resolve().parent / "data"


def items(name: str) -> list[Item]:
    """The issues of set ``name`` (``bench/data/topics_<name>.jsonl``, one issue a line;
    ``topics_<name>.md`` says who wrote it and how)."""
    rows = []
    with open(DATA / f"topics_{name}.jsonl", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                raw = json.loads(line)
                rows.append(Item(raw["id"], raw["region"], raw["title"], raw["description"],
                                 raw["topic"], raw["style"]))  # fmt: skip
    return rows


def regions(rows: list[Item]) -> tuple[dict[str, int], list[tuple[int, str, int, int | None]]]:
    """Region ids for the items' ``镇/村`` keys, and gazetteer rows (id, name, level, parent)."""
    ids: dict[str, int] = {}
    table: list[tuple[int, str, int, int | None]] = []
    for item in rows:
        town, _slash, village = item.region_key.partition("/")
        if town not in ids:
            ids[town] = len(ids) + 1
            table.append((ids[town], town, TOWNSHIP_LEVEL, None))
        key = item.region_key if village else town
        if key not in ids:
            ids[key] = len(ids) + 1
            table.append((ids[key], village, TOWNSHIP_LEVEL + 1, ids[town]))
    return ids, table


def issues_of(rows: list[Item], ids: dict[str, int]) -> list[Issue]:
    return [Issue(i.id, i.title, i.description, ids[i.region_key]) for i in rows]


def _pairs(groups) -> set[tuple[int, int]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def _truth_pairs(rows: list[Item]) -> set[tuple[int, int]]:
    by_topic: dict[str, list[int]] = defaultdict(list)
    for item in rows:
        if item.topic:
            by_topic[item.topic].append(item.id)
    return _pairs(by_topic.values())


def _scope_key(item: Item, scope: str) -> str:
    if scope == "county":
        return ""
    return item.region_key.split("/")[0] if scope == "township" else item.region_key


def evaluate(rows: list[Item], scope: str = "county", **options):
    """Score ``find_topics`` run on each part of ``scope``; return the score and the found and
    true pairs (for the worst cases)."""
    from petitions import topic_text, topics

    ids, table = regions(rows)
    places = topic_text.gazetteer(table, TOWNSHIP_LEVEL)
    parts: dict[str, list[Item]] = defaultdict(list)
    for item in rows:
        parts[_scope_key(item, scope)].append(item)
    found: set[tuple[int, int]] = set()
    true: set[tuple[int, int]] = set()
    started = time.perf_counter()
    for part in parts.values():
        groups = topics.find_topics(
            issues_of(part, ids), places=places, reader=topic_text.file_reader(), **options
        )
        found |= _pairs(t.pks for t in groups)
        true |= _truth_pairs(part)
    seconds = time.perf_counter() - started
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(found), len(true), seconds), found, true


def worst(rows: list[Item], found, true, count: int = 10) -> tuple[list, list]:
    """The wrong merges and the misses, grouped by the pair of true topics they concern,
    largest first: ((topic a, topic b), pairs, an example pair of items)."""
    by_id = {item.id: item for item in rows}

    def grouped(pairs):
        buckets: dict[tuple, list] = defaultdict(list)
        for a, b in pairs:
            key = tuple(sorted((by_id[a].topic or f"#{a}", by_id[b].topic or f"#{b}")))
            buckets[key].append((a, b))
        ranked = sorted(buckets.items(), key=lambda kv: -len(kv[1]))[:count]
        return [
            (key, len(pairs), (by_id[pairs[0][0]], by_id[pairs[0][1]])) for key, pairs in ranked
        ]

    return grouped(found - true), grouped(true - found)


def _short(item: Item) -> str:
    text = (item.title + "｜" + item.description).replace("\n", " ")
    return f"[{item.id} {item.region_key} {item.style}] {text[:60]}"


def report(name: str, show_worst: bool = True) -> dict[str, Score]:
    rows = items(name)
    print(f"\n== set {name}: {len(rows)} issues, "
          f"{len({i.topic for i in rows if i.topic})} topics, "
          f"{sum(1 for i in rows if not i.topic)} singletons")  # fmt: skip
    scores = {}
    for scope in SCOPES:
        score, found, true = evaluate(rows, scope)
        scores[scope] = score
        print(
            f"{scope:9} P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}  "
            f"pairs found {score.found_pairs:5d} true {score.true_pairs:5d}  "
            f"{score.seconds * 1000:6.0f} ms"
        )
        if scope == "county" and show_worst:
            merges, misses = worst(rows, found, true)
            by_id = {item.id: item for item in rows}
            del by_id
            print("  10 worst merges (wrong pairs, topics):")
            for key, n, (a, b) in merges:
                print(
                    f"    {n:3d}  {key[0]} + {key[1]}\n         {_short(a)}\n         {_short(b)}"
                )
            print("  10 worst misses (pairs not grouped, topic):")
            for key, n, (a, b) in misses:
                print(f"    {n:3d}  {key[0]}\n         {_short(a)}\n         {_short(b)}")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, action="append")
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args()
    for name in args.set or SETS:
        report(name, show_worst=not args.quiet)


if __name__ == "__main__":
    main()
