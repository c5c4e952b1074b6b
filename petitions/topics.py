"""Concentrated issues (反映比较集中): group citizen issues that raise the same problem.

Staff screening issues pick out what many people raise (DOMAIN.md §2) before putting it on
the supervision list. ``find_topics`` proposes those groups from the text alone:

1. each issue's title and description are segmented with jieba, complaint boilerplate
   (反映, 希望, 有关部门, …) is dropped, and the rest gives two sparse TF-IDF vectors: the
   words, and the character bigrams of the remaining text (these catch what jieba cuts
   badly: it reads 东门村路灯不亮 as 东门/村/路/灯不亮, the bigrams still hold 路灯);
   title terms count 1.5 times; a word's rarity blends the input's own counts with
   jieba's corpus figures, because a dozen issues say little about which words are rare;
2. the similarity of two issues is the mean of the cosines of both vectors; only pairs that
   share a term are scored, through an inverted index, so 2,000 issues take about a
   second rather than all n² pairs;
3. issues are grouped by average-linkage agglomeration: two groups join while the mean
   similarity over all their pairs stays above ``threshold`` (single linkage chains one
   problem into the next through a single shared place name; see bench/topics.md).

The caller scopes the input (region subtree, time window): everything passed in is
compared with everything else. ``topics_for`` does that scoping for a user.
"""

from __future__ import annotations

import functools
import heapq
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import truediv
from typing import Literal, Protocol

import jieba

# Chosen by bench/topics_eval.py on the labelled set of bench/topics_labelled.py.
DEFAULT_THRESHOLD = 0.16
LABEL_WORDS = 3


@dataclass(frozen=True)
class Method:
    """How issues are compared and grouped; the defaults are what bench/topics_eval.py
    measured best, the alternatives are kept for it to measure."""

    features: Literal["words", "bigrams", "both"] = "both"
    linkage: Literal["average", "single"] = "average"
    title_weight: float = 1.5  # a title's terms count this many times a description's
    word_share: float = 0.5  # share of the word cosine in the combined similarity
    subwords: bool = False  # also index the dictionary parts of long words (公交车 → 公交)
    hmm: bool = False  # let jieba guess words missing from its dictionary
    # how rare a word is: in the input, in jieba's corpus, or the geometric mean of both
    # (the input alone says little when it holds a dozen issues)
    idf: Literal["local", "background", "blend"] = "blend"
    floor_ratio: float = 0.5  # pairs below threshold·floor_ratio count as 0 in group means


DEFAULT_METHOD = Method()

# Words of complaint letters that say nothing about the problem itself.
_STOP_WORDS = """
    反映 反应 问题 希望 盼望 群众 村民 居民 市民 老百姓 百姓 住户 我们 我 你们 您 大家 本人
    能否 能不能 可否 是否 可以 应该 需要 解决 处理 有关部门 相关部门 有关 相关 部门 领导
    政府 代表 人大代表 请 请求 恳请 麻烦 帮忙 帮助 尽快 赶紧 一下 一个 这个 那个 这些 那些
    这样 那样 情况 现在 目前 已经 还是 一直 多次 好几次 谢谢 感谢 您好 你好 关于 对于
    由于 因为 所以 但是 而且 并且 如果 的话 什么 怎么 怎么办 为什么 进行 加强 重视 关注
    落实 盼复 回复 答复 建议 要求 强烈 非常 特别 十分 真的 实在 一些 有些 比较 希望能
    给予 得到 及早 早日 一点 还有 就是 这里 那里 这边 那边 每次 时候 各位 情况反映
    引起 好几 几次 住在 家住 没有 盼 望 问 好 请问 多谢 拜托 万分 感激
    的 地 得 了 着 过 是 在 和 与 及 或 也 都 就 又 才 把 被 让 给 对 向 从 到 去 吧 吗
    呢 啊 呀 哦 嘛 这 那 其 之 等 很 太 还 再 有 没 不 能 会 要 想 说 个 些 里 上 下 中
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_CONTENT = re.compile(r"[\w]")  # a token with no letter, digit or CJK is punctuation
_CJK = re.compile(r"[\u4e00-\u9fff]")


class Issue(Protocol):
    pk: int
    title: str
    description: str
    region_id: int


@dataclass(frozen=True)
class Topic:
    """A group of issues raising the same problem, largest first in ``find_topics``."""

    label: str  # the group's most characteristic words, e.g. "石浦 公交 班次"
    title: str  # a member's title naming the label's words, the nearest to the centre
    pks: tuple[int, ...]
    region_ids: tuple[int, ...]
    first_submitted_at: datetime | None = None
    last_submitted_at: datetime | None = None

    @property
    def count(self) -> int:
        return len(self.pks)


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    """Return the one jieba tokenizer of the process, its dictionary loaded (~1 s, once)."""
    jieba.setLogLevel(logging.WARNING)  # jieba prints its loading messages at DEBUG
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def warm_up() -> None:
    """Load jieba's dictionary and word rarities now rather than on the first request."""
    _tokenizer()
    _background_idf()


def analyse(text: str, *, subwords: bool = False, hmm: bool = False) -> tuple[list[str], list[str]]:
    """Return the content words and the character bigrams of ``text``.

    Bigrams are taken inside runs of content words, so they never span punctuation or a
    dropped boilerplate word. With ``subwords``, long words also yield their dictionary
    two-character parts (公交车 → 公交), as jieba's search mode does.
    """
    tokenizer = _tokenizer()
    text = unicodedata.normalize("NFKC", text).lower()
    words: list[str] = []
    bigrams: list[str] = []
    run: list[str] = []

    def flush() -> None:
        joined = "".join(run)
        bigrams.extend(joined[i : i + 2] for i in range(len(joined) - 1))
        run.clear()

    for token in tokenizer.cut(text, HMM=hmm):
        token = token.strip()
        if not token or not _CONTENT.search(token) or token in STOP_WORDS:
            flush()
            continue
        run.append(token)
        words.append(token)
        if subwords and len(token) > 2 and _CJK.match(token):
            words.extend(
                token[i : i + 2]
                for i in range(len(token) - 1)
                if tokenizer.FREQ.get(token[i : i + 2])
            )
    flush()
    return words, bigrams


@dataclass
class _Text:
    """What the grouping reads of one issue."""

    terms: Counter  # ("w", word) / ("b", bigram) -> count, title counts weighted
    words: set[str]
    title_words: set[str]


def _text(issue: Issue, method: Method) -> _Text:
    title_words, title_bigrams = analyse(issue.title, subwords=method.subwords, hmm=method.hmm)
    body_words, body_bigrams = analyse(issue.description, subwords=method.subwords, hmm=method.hmm)
    terms: Counter = Counter()
    if method.features in ("words", "both"):
        for word in title_words:
            terms["w", word] += method.title_weight
        for word in body_words:
            terms["w", word] += 1.0
    if method.features in ("bigrams", "both"):
        for gram in title_bigrams:
            terms["b", gram] += method.title_weight
        for gram in body_bigrams:
            terms["b", gram] += 1.0
    return _Text(terms, set(title_words) | set(body_words), set(title_words))


@functools.cache
def _background_idf() -> tuple[dict[str, float], float]:
    """Return jieba's word rarity over its own large corpus, and its median (for words it
    does not know)."""
    import jieba.analyse

    table = jieba.analyse.TFIDF()
    return table.idf_freq, table.median_idf


def _vectors(counts: list[Counter], method: Method) -> list[dict]:
    """Return unit TF-IDF vectors: sublinear tf, smoothed idf over the input itself (for
    words blended with jieba's, see ``Method.idf``).

    With both features, the word part and the bigram part are each normalised and scaled
    so that a dot product is ``word_share·cos_words + (1 - word_share)·cos_bigrams``.
    """
    n = len(counts)
    df: Counter = Counter()
    for terms in counts:
        df.update(terms.keys())
    idf = {term: math.log((1 + n) / (1 + d)) + 1.0 for term, d in df.items()}
    if method.idf != "local":
        known, median = _background_idf()
        for term in idf:
            if term[0] == "w":
                background = known.get(term[1], median)
                idf[term] = (
                    background if method.idf == "background" else math.sqrt(background * idf[term])
                )
    shares = {"w": 1.0, "b": 1.0}
    if method.features == "both":
        shares = {"w": method.word_share, "b": 1.0 - method.word_share}
    vectors = []
    for terms in counts:
        raw = {term: (1.0 + math.log(tf)) * idf[term] for term, tf in terms.items() if tf >= 1}
        norms: dict[str, float] = defaultdict(float)
        for (kind, _), weight in raw.items():
            norms[kind] += weight * weight
        scale = {kind: math.sqrt(shares[kind] / total) for kind, total in norms.items() if total}
        vectors.append({term: weight * scale[term[0]] for term, weight in raw.items()})
    return vectors


def similarities(vectors: list[dict], floor: float) -> list[dict[int, float]]:
    """Return, for each issue i, the cosine with each later issue j > i reaching ``floor``.

    Dot products are accumulated along an inverted index, so pairs that share no term cost
    nothing; each posting list is walked only past the current issue, so each pair once."""
    term_ids: dict = {}
    docs = [
        [(term_ids.setdefault(term, len(term_ids)), weight) for term, weight in vector.items()]
        for vector in vectors
    ]
    posting_docs: list[list[int]] = [[] for _ in term_ids]
    posting_weights: list[list[float]] = [[] for _ in term_ids]
    for i, doc in enumerate(docs):
        for term, weight in doc:
            posting_docs[term].append(i)
            posting_weights[term].append(weight)
    passed = [0] * len(term_ids)  # how far each posting list has been walked
    neighbours: list[dict[int, float]] = []
    for doc in docs:
        scores: dict[int, float] = defaultdict(float)
        for term, weight in doc:
            start = passed[term] = passed[term] + 1
            others = posting_docs[term]
            other_weights = posting_weights[term]
            for k in range(start, len(others)):
                scores[others[k]] += weight * other_weights[k]
        neighbours.append({j: score for j, score in scores.items() if score >= floor})
    return neighbours


def _single_linkage(neighbours: list[dict[int, float]], threshold: float) -> list[list[int]]:
    parent = list(range(len(neighbours)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, scores in enumerate(neighbours):
        for j, score in scores.items():
            if score >= threshold:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(neighbours)):
        groups[root(i)].append(i)
    return list(groups.values())


def _average_linkage(neighbours: list[dict[int, float]], threshold: float) -> list[list[int]]:
    """Merge the two groups with the highest mean pairwise similarity while it reaches
    ``threshold``; pairs below the scoring floor count as 0.

    The heap holds one entry per group: the mean with its best neighbour when last looked
    at. A merge never raises a mean above what either part had with that neighbour, so an
    entry can only be too high; it is checked when popped and pushed back if so."""
    n = len(neighbours)
    size = [1] * n
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: list[dict[int, float]] = [{} for _ in range(n)]  # group -> group -> sum of sims
    for i, scores in enumerate(neighbours):
        for j, score in scores.items():
            links[i][j] = links[j][i] = score

    def best(group: int) -> tuple[int, float]:
        row = links[group]
        if not row:
            return -1, 0.0
        others = list(row)
        means = list(map(truediv, row.values(), map(size.__getitem__, others)))
        top = max(means)
        return others[means.index(top)], top / size[group]

    heap = [(-mean, i) for i in range(n) for _, mean in [best(i)] if mean >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, group = heapq.heappop(heap)
        if group not in members:
            continue  # merged into another group
        other, mean = best(group)
        if mean < threshold:
            continue  # and it never rises again
        if mean < -negative - 1e-12:
            heapq.heappush(heap, (-mean, group))
            continue
        # the smaller group's links move to the larger: each link moves O(log n) times
        a, b = (group, other) if size[group] >= size[other] else (other, group)
        members[a].extend(members.pop(b))
        size[a] += size[b]
        del links[a][b]
        for third, total in links[b].items():
            if third != a:
                del links[third][b]
                links[a][third] = links[third][a] = links[a].get(third, 0.0) + total
        links[b] = {}
        _, mean = best(a)
        if mean >= threshold:
            heapq.heappush(heap, (-mean, a))
    return list(members.values())


def _label(group: list[int], texts: list[_Text], idf: dict[str, float]) -> list[str]:
    """Return the words most characteristic of the group: used by most of its members
    (in a title counts twice), rare elsewhere."""
    score: Counter = Counter()
    for i in group:
        for word in texts[i].words:
            if len(word) > 1 and not word.isdigit():
                score[word] += idf[word] * (2 if word in texts[i].title_words else 1)
    chosen: list[str] = []
    for word, _ in score.most_common():
        # a part of a word already chosen (公交 of 公交车) adds nothing to the label
        if not any(word in kept or kept in word for kept in chosen):
            chosen.append(word)
        if len(chosen) == LABEL_WORDS:
            break
    return chosen


def find_topics(
    petitions: Iterable[Issue],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_size: int = 2,
    method: Method = DEFAULT_METHOD,
) -> list[Topic]:
    """Return the groups of at least ``min_size`` issues raising the same problem, largest
    first (then the most recent). A higher ``threshold`` gives fewer, tighter groups."""
    items = list(petitions)
    if len(items) < max(min_size, 2):
        return []
    texts = [_text(item, method) for item in items]
    vectors = _vectors([text.terms for text in texts], method)
    floor = threshold * method.floor_ratio if method.linkage == "average" else threshold
    neighbours = similarities(vectors, floor)
    if method.linkage == "single":
        groups = _single_linkage(neighbours, threshold)
    else:
        groups = _average_linkage(neighbours, threshold)
    groups = [sorted(group) for group in groups if len(group) >= min_size]

    word_df: Counter = Counter()
    for text in texts:
        word_df.update(text.words)
    word_idf = {w: math.log((1 + len(items)) / (1 + d)) + 1.0 for w, d in word_df.items()}
    topics = [_topic(group, items, texts, vectors, word_idf) for group in groups]
    topics.sort(key=_order)
    return topics


def _order(topic: Topic) -> tuple:
    latest = topic.last_submitted_at.timestamp() if topic.last_submitted_at else 0.0
    return (-topic.count, -latest, topic.pks)


def _topic(group, items, texts, vectors, word_idf) -> Topic:
    label = _label(group, texts, word_idf)
    centre: dict = defaultdict(float)
    for i in group:
        for term, weight in vectors[i].items():
            centre[term] += weight

    def representative(i: int) -> tuple[int, float]:
        # a title naming the label's words first ("反映一个民生问题" names none), then the
        # issue nearest the group's centre
        named = sum(1 for word in label if word in items[i].title)
        return named, sum(centre[term] * weight for term, weight in vectors[i].items())

    times = [t for t in (getattr(items[i], "submitted_at", None) for i in group) if t]
    return Topic(
        label=" ".join(label),
        title=items[max(group, key=representative)].title,
        pks=tuple(items[i].pk for i in group),
        region_ids=tuple(sorted({items[i].region_id for i in group})),
        first_submitted_at=min(times) if times else None,
        last_submitted_at=max(times) if times else None,
    )


def topics_for(user, region, days: int = 30, **options) -> list[Topic]:
    """Return the concentrated issues ``user`` sees in ``region``'s subtree over the last
    ``days`` days, not counting issues rejected or marked as duplicates."""
    # Imported here so that find_topics runs on plain objects without Django set up
    # (bench/topics_eval.py).
    from django.utils import timezone

    from petitions.models import Petition
    from portal import access

    since = timezone.now() - timedelta(days=days)
    petitions = (
        access.visible(user, Petition.objects.all())
        .filter(region__path__startswith=region.path, submitted_at__gte=since)
        .exclude(state__in=[Petition.State.REJECTED, Petition.State.DUPLICATE])
        .only("pk", "title", "description", "region", "submitted_at")
        .order_by("pk")
    )
    return find_topics(petitions, **options)
