"""Homophone typos in a query (拉圾 → 垃圾, 炸骗 → 诈骗, 冲电 → 充电).

Chinese is typed by pinyin, so most typos are another character with the same sound. A piece
of the query that is no word (jieba's dictionary knows it barely or not at all) is compared
with the words that sound the same with one character changed; the most common of them, if
it is a common word, is searched too (beside what was typed: the records keep citizens'
typos as well). Tones are ignored, as an input method does. Works offline: the readings come
with ``pypinyin``, the word frequencies with jieba's dictionary.
"""

from __future__ import annotations

import re
import threading

RARE = 5  # a piece at most this frequent in jieba's dictionary may be a typo
COMMON = 30  # a correction must be at least this frequent…
RATIO = 10  # …and this many times more frequent than what was typed
HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

_lock = threading.Lock()
_sounds: dict[str, set[str]] | None = None  # toneless pinyin → the characters read so
_readings: dict[str, tuple[str, ...]] = {}


def _tables() -> dict[str, set[str]]:
    global _sounds
    if _sounds is None:
        with _lock:
            if _sounds is None:
                from pypinyin import pinyin_dict
                from pypinyin.contrib.tone_convert import to_normal

                sounds: dict[str, set[str]] = {}
                for point, readings in pinyin_dict.pinyin_dict.items():
                    normal = tuple(dict.fromkeys(to_normal(r) for r in readings.split(",")))
                    _readings[chr(point)] = normal
                    for reading in normal:
                        sounds.setdefault(reading, set()).add(chr(point))
                _sounds = sounds
    return _sounds


def correction(piece: str, frequency) -> str | None:
    """The word ``piece`` was probably meant to be, or None. ``frequency(word)`` is the
    word's count in the dictionary (0 when unknown)."""
    if not HAN.match(piece):
        return None
    typed = frequency(piece)
    if typed > RARE:
        return None
    sounds = _tables()
    best, best_count = None, max(COMMON, typed * RATIO) - 1
    for at, char in enumerate(piece):
        # As typed: the character's usual reading (占 is zhan, not its rare tie).
        for reading in _readings.get(char, ())[:1]:
            for other in sounds.get(reading, ()):
                if other == char:
                    continue
                word = piece[:at] + other + piece[at + 1 :]
                count = frequency(word)
                if count > best_count:
                    best, best_count = word, count
    return best


def corrected(
    q: str, tokens: list[str], frequency, keep: frozenset[str] = frozenset()
) -> tuple[str, dict[str, str]]:
    """``q`` with its typos replaced, and each correction → what was typed. ``tokens`` are
    jieba's words of ``q``; runs of single characters are tried as one piece (炸/骗), unless
    one of them is a word of ``keep`` (stop words: 没水 is no typo of 墨水)."""
    pieces: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1:
            run.append(token)
            continue
        if run:
            pieces.append("".join(run))
            run = []
        if token:
            pieces.append(token)
    out, fixes = [], {}
    for piece in pieces:
        fix = None if any(char in keep for char in piece) else correction(piece, frequency)
        if fix:
            fixes[fix] = piece
        out.append(fix or piece)
    return "".join(out), fixes
