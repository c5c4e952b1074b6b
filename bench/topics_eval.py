"""Measure concentrated-issue detection on the labelled set (no database, about 2 minutes).

    python -m bench.topics_eval            # the tables of bench/topics.md
    python -m bench.topics_eval --quick    # the default method only

Runs ``petitions.topics.find_topics`` on ``bench.topics_labelled.build()`` and prints
pairwise precision, recall and F1: pairs of issues put in one group against pairs with the
same true topic. Each set is run in three scopes, as a caller would scope it: the whole
county at once (258 issues), each township on its own (~65) and each village on its own
(~10-25); pairs are pooled over the parts of a scope. A method's threshold is the one with
the best F1 averaged over the three scopes.

Choices are made on three tuning sets (seeds SEED+1..SEED+3, means shown); the chosen
method is then scored on the held-out set (SEED), which the tests also use, and on a set
nine times larger (2,002 issues), where chaining and speed show.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass, replace
from itertools import combinations

from bench import topics_labelled
from petitions import topics

THRESHOLDS = (0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.24, 0.28, 0.35, 0.45)
TUNING_SEEDS = tuple(topics_labelled.SEED + k for k in (1, 2, 3))
SCOPES = ("county", "township", "village")
DEFAULT = topics.DEFAULT_METHOD
VARIANTS = {
    f"{features} {linkage}": replace(DEFAULT, features=features, linkage=linkage)
    for linkage in ("average", "single")
    for features in ("both", "words", "bigrams")
}
OPTIONS = {
    "default": DEFAULT,
    "title weight 1.5": replace(DEFAULT, title_weight=1.5),
    "title weight 2": replace(DEFAULT, title_weight=2.0),
    "title weight 3": replace(DEFAULT, title_weight=3.0),
    "word share 0.3": replace(DEFAULT, word_share=0.3),
    "word share 0.7": replace(DEFAULT, word_share=0.7),
    "sub-words": replace(DEFAULT, subwords=True),
    "jieba HMM on": replace(DEFAULT, hmm=True),
    "local idf": replace(DEFAULT, idf="local"),
    "background idf": replace(DEFAULT, idf="background"),
    "floor ratio 1.0": replace(DEFAULT, floor_ratio=1.0),
}


@dataclass(frozen=True)
class Issue:
    """The attributes ``find_topics`` reads, from a labelled item."""

    pk: int
    title: str
    description: str
    region_id: int


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    found: float  # groups found
    true: float  # true topics with two issues or more
    seconds: float


def issues(items) -> list[Issue]:
    return [
        Issue(item.id, item.title, item.description, topics_labelled.region_id(item.region_key))
        for item in items
    ]


def _pairs(groups) -> set[tuple[int, int]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def _truth(items) -> dict[str, list[int]]:
    truth: dict[str, list[int]] = {}
    for item in items:
        if item.topic is not None:
            truth.setdefault(item.topic, []).append(item.id)
    return {topic: ids for topic, ids in truth.items() if len(ids) > 1}


def score(items, found: list[topics.Topic], seconds: float = 0.0) -> Score:
    """Return pairwise precision, recall and F1 of ``found`` against the items' topics."""
    return _pooled([(items, found)], seconds)


def _pooled(parts, seconds: float) -> Score:
    hits = found_count = true_count = groups = topics_count = 0
    for items, found in parts:
        truth = _truth(items)
        true_pairs = _pairs(truth.values())
        found_pairs = _pairs(topic.pks for topic in found)
        hits += len(true_pairs & found_pairs)
        found_count += len(found_pairs)
        true_count += len(true_pairs)
        groups += len(found)
        topics_count += len(truth)
    precision = hits / found_count if found_count else 1.0
    recall = hits / true_count if true_count else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, groups, topics_count, seconds)


def _scope_key(item, scope: str) -> str:
    if scope == "county":
        return ""
    return item.region_key.split("/")[0] if scope == "township" else item.region_key


def run(items, scope: str = "county", repeat: int = 1, **options) -> Score:
    """Return the score of ``find_topics`` run on each part of ``scope`` separately, timed
    (median of ``repeat`` runs of all parts)."""
    parts: dict[str, list] = {}
    for item in items:
        parts.setdefault(_scope_key(item, scope), []).append(item)
    runs, results = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        results = [(part, topics.find_topics(issues(part), **options)) for part in parts.values()]
        runs.append(time.perf_counter() - started)
    return _pooled(results, statistics.median(runs))


def mean(scores: list[Score]) -> Score:
    return Score(
        *(statistics.fmean(getattr(s, name) for s in scores) for name in Score.__annotations__)
    )


@dataclass(frozen=True)
class Tuned:
    threshold: float
    by_scope: dict[str, Score]  # means over the tuning sets

    @property
    def f1(self) -> float:
        return statistics.fmean(s.f1 for s in self.by_scope.values())


def tune(tuning, method: topics.Method, thresholds=THRESHOLDS, show: str = "") -> Tuned:
    """Return the threshold with the best F1 averaged over the scopes and tuning sets."""
    best: Tuned | None = None
    for threshold in thresholds:
        by_scope = {
            scope: mean([run(items, scope, threshold=threshold, method=method) for items in tuning])
            for scope in SCOPES
        }
        result = Tuned(threshold, by_scope)
        if show:
            print(_row(show, result))
        if best is None or result.f1 > best.f1:
            best = result
    assert best is not None
    return best


HEADER = (
    f"{'method':18} {'thresh':>6} {'P':>6} {'R':>6} {'F1':>6} {'found':>6} {'true':>5} "
    f"{'ms':>5} | {'F1 town':>7} {'F1 vill':>7} {'F1 mean':>7}"
)


def _row(name: str, tuned: Tuned) -> str:
    county = tuned.by_scope["county"]
    return (
        f"{name:18} {tuned.threshold:6.2f} {county.precision:6.3f} {county.recall:6.3f} "
        f"{county.f1:6.3f} {county.found:6.1f} {county.true:5.0f} {county.seconds * 1000:5.0f}"
        f" | {tuned.by_scope['township'].f1:7.3f} {tuned.by_scope['village'].f1:7.3f} "
        f"{tuned.f1:7.3f}"
    )


def _held_out(items, threshold: float, method: topics.Method) -> str:
    lines = []
    for scope in SCOPES:
        s = run(items, scope, threshold=threshold, method=method)
        lines.append(
            f"  {scope:9} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
            f"{s.found:.0f} groups for {s.true:.0f} topics  {s.seconds * 1000:.0f} ms"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the default method only")
    args = parser.parse_args()

    started = time.perf_counter()
    topics.warm_up()
    print(f"jieba dictionary loaded in {time.perf_counter() - started:.2f} s (once a process)")
    held_out = topics_labelled.build()
    tuning = [topics_labelled.build(seed=seed) for seed in TUNING_SEEDS]
    print(f"each set: {len(held_out)} issues, {len(_truth(held_out))} true topics, "
          f"{sum(1 for item in held_out if item.topic is None)} singletons; "
          f"tuning seeds {TUNING_SEEDS}, held-out seed {topics_labelled.SEED}\n")  # fmt: skip

    threshold = topics.DEFAULT_THRESHOLD
    if not args.quick:
        print("1. features and linkage; P, R, F1, groups found, true topics and time for the")
        print("   whole county; F1 of township and village scopes; means over the tuning sets")
        print(HEADER)
        tuned: dict[str, tuple[topics.Method, Tuned]] = {}
        for name, method in VARIANTS.items():
            tuned[name] = (method, tune(tuning, method, show=name))
            print()
        print("2. the other choices, each changed alone from the default, at its best threshold")
        print(HEADER)
        for name, method in OPTIONS.items():
            result = tune(tuning, method, THRESHOLDS[:9])
            print(_row(name, result))
        print()
        print("best threshold of each variant:")
        for name, (_, result) in tuned.items():
            print(f"  {name:16} {result.threshold:.2f}  mean F1 {result.f1:.3f}")
        threshold = tuned["both average"][1].threshold
        print(f"chosen: both features, average linkage, threshold {threshold:.2f} "
              f"(petitions.topics.DEFAULT_THRESHOLD = {topics.DEFAULT_THRESHOLD:.2f})\n")  # fmt: skip

        print("3. each variant at its tuned threshold on the set nine times larger")
        large = topics_labelled.build(scale=9)
        print(f"   ({len(large):,} issues, whole county, one run):")
        for name, (method, result) in tuned.items():
            s = run(large, threshold=result.threshold, method=method)
            print(f"  {name:16} {result.threshold:.2f}  P {s.precision:.3f}  R {s.recall:.3f}  "
                  f"F1 {s.f1:.3f}  {s.found:.0f} groups for {s.true:.0f}  {s.seconds:.2f} s")  # fmt: skip
        print()

    print(
        f"4. the default (threshold {topics.DEFAULT_THRESHOLD:.2f}, {DEFAULT}) on the held-out set:"
    )
    print(_held_out(held_out, topics.DEFAULT_THRESHOLD, DEFAULT))
    for scale in (9, 20):
        items = topics_labelled.build(scale=scale)
        s = run(items, repeat=3)
        print(f"  x{scale:<2} whole county, {len(items):,} issues: {s.seconds:.2f} s "
              f"(median of 3), F1 {s.f1:.3f}, {s.found:.0f} groups")  # fmt: skip


if __name__ == "__main__":
    main()
