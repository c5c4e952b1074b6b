"""Concentrated issues (反映比较集中): citizen issues that raise the same problem at one place.

Staff screening issues pick out what many people raise (DOMAIN.md §2) before putting it on
the supervision list. ``find_topics`` groups issues by their problem and their place
(``petitions.topic_text`` reads both, ``petitions.topic_groups`` groups; bench/topics.md
measures it on hand-written sets). The portal keeps the groups current as issues arrive
(``petitions.topic_store``); ``topics_for`` reads the stored groups for a user.

This module keeps the text helpers other parts share: jieba, once per process, and the words
of complaint letters that say nothing about the problem.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import jieba

LABEL_WORDS = 3

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

    label: str  # the problem and the place, e.g. "东门村 · 路灯"
    title: str  # a member's title, one naming the problem if any
    pks: tuple[int, ...]
    region_ids: tuple[int, ...]
    first_submitted_at: datetime | None = None
    last_submitted_at: datetime | None = None
    group_id: int | None = None  # the stored group (``topic_store``), if any
    confirmed: bool = False  # confirmed by staff

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
    """Load jieba's dictionary, the thesaurus and the lexicon now rather than on the first
    request."""
    from petitions import thesaurus, topic_store

    _tokenizer()
    thesaurus.terms("路灯", "")
    topic_store.reader()


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


def find_topics(
    petitions: Iterable[Issue], *, min_size: int = 2, places=None, reader=None
) -> list[Topic]:
    """Return the groups of at least ``min_size`` issues raising the same problem at the
    same place, largest first (then the most recent).

    ``places`` is the gazetteer of the issues' county (``topic_text.gazetteer``), read from
    the database when not given; ``reader`` the lexicon's problem reader, likewise."""
    from petitions import topic_groups, topic_text

    items = list(petitions)
    if len(items) < max(min_size, 2):
        return []
    if places is None or reader is None:
        from petitions import topic_store

        places = places or topic_store.gazetteer_for({item.region_id for item in items})
        reader = reader or topic_store.reader()
    signatures = [topic_text.signature(item, places, reader) for item in items]
    found = [
        make_topic([items[i] for i in group], [signatures[i] for i in group], places)
        for group in topic_groups.group(signatures)
        if len(group) >= min_size
    ]
    found.sort(key=_order)
    return found


def _order(topic: Topic) -> tuple:
    latest = topic.last_submitted_at.timestamp() if topic.last_submitted_at else 0.0
    return (-topic.count, -latest, topic.pks)


def make_topic(items, signatures, places) -> Topic:
    """A topic of ``items`` (their signatures alongside): labelled by problem and place."""
    label = label_of(signatures, places)
    problem = Counter(s.problem for s in signatures if s.problem).most_common(1)
    named = [
        item
        for item, sig in zip(items, signatures, strict=True)
        if problem and sig.problem == problem[0][0]
    ]
    times = [t for t in (getattr(item, "submitted_at", None) for item in items) if t]
    return Topic(
        label=label,
        title=(named or items)[0].title,
        pks=tuple(sorted(item.pk for item in items)),
        region_ids=tuple(sorted({item.region_id for item in items})),
        first_submitted_at=min(times) if times else None,
        last_submitted_at=max(times) if times else None,
    )


def label_of(signatures, places) -> str:
    """ "东门村 · 路灯": the place most members share and their problem (or their most
    characteristic words when they name no problem of the lexicon)."""
    names = {pk: name for name, pk in places.villages.items()}
    names.update({pk: name for name, pk in places.townships.items()})
    for name, pk in places.villages.items():  # the longest way of writing a place wins
        if len(name) > len(names.get(pk, "")):
            names[pk] = name
    keys = Counter(key for s in signatures for key in s.places)
    place = ""
    if keys:
        key = keys.most_common(1)[0][0]
        kind, _colon, value = key.partition(":")
        if kind in ("r", "t"):
            place = names.get(int(value), "")
        elif kind == "bus":
            place = f"{value}路"
        else:
            place = value
    problems = Counter(s.problem for s in signatures if s.problem)
    if problems:
        what = problems.most_common(1)[0][0]
    else:
        weights: Counter = Counter()
        for s in signatures:
            weights.update(s.terms)
        what = " ".join(word for word, _w in weights.most_common(LABEL_WORDS))
    return f"{place} · {what}" if place else what


def topics_for(user, region, days: int = 30) -> list[Topic]:
    """Return the concentrated issues ``user`` sees in ``region``'s subtree over the last
    ``days`` days, not counting issues rejected or marked as duplicates (the stored groups,
    kept current as issues arrive)."""
    from petitions import topic_store

    return topic_store.topics_for(user, region, days=days)
