"""What the concentrated-issue grouping reads of one issue: its problem and its places.

An issue's *problem* is a concept of the lexicon of civic problems (``portal.lexicon``: the
file shipped with the portal, the phrases staff add in the admin, and their synonyms in the
thesaurus ``petitions.thesaurus``) found in its text: each phrase found scores its concept,
three times in the title, twice near the start of a long letter (where people put what they
came for), and the best-scoring family of concepts wins. A family whose narrower concepts are
different problems (垃圾清运, 垃圾分类 and 建筑垃圾 under 垃圾) gives the narrower one.

An issue's *places* are keys: its region (the village or community, else the township), the
villages named in its text, and named shared facilities (象山12路, 城东菜市场, 某某水产公司)
that people of several villages may complain about together. Issues share a place when they
share a key; a township named in passing (石浦镇东门村) is no key, or every village of the
township would be one place, except for buses and ferries, where it names the destination.

Text that names no problem of the lexicon keeps its words (``terms``) for a comparison of
wording, with the thesaurus folding synonyms (工钱, 工资, 薪资) onto one term.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from petitions import thesaurus
from portal import lexicon as lexicon_module

# The reader's rules; change it with the rules below, so that stored readings are read again.
RULES = 2
# Concepts that qualify a problem rather than name one.
MODIFIERS = frozenset({"夜间"})
# Families whose narrower concepts are facets of one problem: 路灯故障 is a street-light
# problem like 路灯; their issues group on the family.
ONE_PROBLEM = frozenset({"路灯", "道路", "工资", "渔港", "漏水", "电动车充电"})
# Families that are themes: their narrower concepts are unrelated problems and an issue
# naming only the theme (老人, 社保) never joins one of them.
THEMES = frozenset({"养老", "社保", "治安", "学校", "补贴", "医院", "救助"})
# Families where the place named in the text is where people want to go.
TRANSPORT = frozenset({"公交", "水上交通", "出租车", "非法营运"})

# Concepts that name a kind of place more than a problem (菜市场, 医院): they count little,
# so 菜市场缺斤短两 is about the scales, not the market.
PLACE_CONCEPTS = frozenset(
    {"公园广场", "菜市场", "医院", "学校", "旅游", "民宿", "文化设施", "渔船"}
)
PLACE_WEIGHT = 0.3
THEME_WEIGHT = 0.5
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0  # a phrase in the first LEAD characters of the description
LEAD = 60

# Named facilities: a proper name of two to eight characters before a facility word; the
# word is folded onto its kind (菜场 and 农贸市场 are one market).
_FACILITY_KINDS = {
    "市场": "农贸市场 菜市场 菜场 市场 批发市场 菜市",
    "码头": "码头 渔港 渡口",
    "车站": "客运站 汽车站 车站 客运中心",
    "小学": "中心小学 小学",
    "中学": "中学 初中 高中",
    "幼儿园": "幼儿园",
    "医院": "医院 卫生院 人民医院 中医院",
    "厂": "公司 加工厂 工厂 厂",
    "小区": "小区 花园 府 苑 家园 公寓 新村",
    "工地": "工地 项目",
    "公园": "公园 广场",
    "景区": "景区 沙滩 度假区",
    "园区": "工业园 园区",
    "养殖场": "养殖场 养猪场",
    "道路": "大道 路 街",
}
_KIND_OF = {word: kind for kind, words in _FACILITY_KINDS.items() for word in words.split()}
_FACILITY = re.compile(
    "([\u4e00-\u9fff]{2,12}?)(" + "|".join(sorted(_KIND_OF, key=len, reverse=True)) + ")"
)
_BUS_LINE = re.compile(r"(\d{1,3})\s*路")
# A facility name made of these is no name (这家厂, 附近的工厂, 我们村的公司).
_NOT_A_NAME = re.compile(
    r"^(?:这|那|该|一|每|某|附近|旁边|隔壁|村里|村口|我们|我家|家门口|对面|边上|周边|门口|"
    r"整个|所有|个|家|些|的|里|新建|新开|私人|小型|大型|本地|当地|有个|有家|有一|在|到|去|从|"
    r"住|是|靠|离|往|镇上|县里|县城|城里|村上|中心|镇|乡|村|社区|街道)"
)
PROPER_NAME_FREQ = 300  # a word this common in jieba's dictionary is no proper name
# Characters of grammar, counting and verbs of motion: a "name" holding one is a fragment
# of a sentence (说等工地, 躺在路).
_FUNCTION_CHARS = frozenset(
    "在给到说被从就把对由因年多三两几个盏了进送连躺蹲堆水人去来的是有和与跟让叫往向朝离"
    "自供燃保物电气费老旧倒好条处沿线外里内上下前后边旁头尾门口些每各该这那其我你他她它"
)
_GENERIC_NAME = frozenset(
    {"农贸", "水产", "加工", "养殖", "工业", "批发", "建筑", "施工", "中心", "公交", "马"}
)
# Problems that come from one source (a factory's smell, a site's dust): the source's
# township is their place when the text names an industrial source without its name.
POINT_SOURCES = frozenset({"异味", "扬尘", "河道污染", "污水", "施工噪音"})
_SOURCE_WORDS = re.compile(r"厂|企业|公司|工地|养殖场|加工|石矿|采石|搅拌站|冷库")


@dataclass(frozen=True)
class Gazetteer:
    """The places of one county: each region's township and the names people write."""

    township_of: Mapping[int, int]  # region id -> its township's id (a township: itself)
    villages: Mapping[str, int]  # a village's name as written (东门村, 东门) -> region id
    townships: Mapping[str, int]  # a township's name as written (石浦镇, 石浦) -> region id

    @functools.cached_property
    def pattern(self) -> re.Pattern | None:
        names = sorted({*self.villages, *self.townships}, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, names))) if names else None


_SUFFIXES = ("社区", "街道", "村", "镇", "乡", "岛")


def short_names(name: str) -> list[str]:
    """The ways a region's name is written: 东门村 → 东门村, 东门; 石浦镇 → 石浦镇, 石浦."""
    out = [name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.append(name[: -len(suffix)])
            break
    return out


def gazetteer(rows: Iterable[tuple[int, str, int, int | None]], township_level: int) -> Gazetteer:
    """A gazetteer from ``(id, name, level, parent id)`` rows of one county's regions."""
    rows = list(rows)
    level_of = {pk: level for pk, _n, level, _p in rows}
    township_of: dict[int, int] = {}
    villages: dict[str, int] = {}
    townships: dict[str, int] = {}
    for pk, name, level, parent in rows:
        if level == township_level:
            township_of[pk] = pk
            for written in short_names(name):
                townships.setdefault(written, pk)
        elif level > township_level:
            township_of[pk] = parent if level_of.get(parent) == township_level else pk
            for written in short_names(name):
                villages.setdefault(written, pk)
    return Gazetteer(township_of, villages, townships)


@dataclass(frozen=True)
class Signature:
    """What grouping needs of one issue."""

    pk: int
    region_id: int
    township_id: int
    problem: str | None  # the concept grouped on, None when the text names none
    family: str | None  # the problem's broadest concept
    places: frozenset[str]
    terms: Mapping[str, float] = field(default_factory=dict, compare=False, hash=False)
    named: tuple[str, ...] = ()  # the concepts found, best first (for labels and audits)


class ProblemReader:
    """Finds the problem of a text in one version of the lexicon."""

    def __init__(self, source: lexicon_module.Lexicon):
        expanded = {}
        for name, concept in source.concepts.items():
            phrases = list(concept.phrases)
            for phrase in concept.phrases:
                phrases.extend(thesaurus.synonyms(phrase))
            expanded[name] = lexicon_module.Concept(
                name, concept.parent, tuple(dict.fromkeys(phrases))
            )
        # a synonym that already names another concept keeps only that concept
        owned = defaultdict(set)
        for concept in source.concepts.values():
            for phrase in concept.phrases:
                owned[phrase.lower()].add(concept.name)
        for name, concept in expanded.items():
            kept = [
                p for p in concept.phrases if p.lower() not in owned or name in owned[p.lower()]
            ]
            expanded[name] = lexicon_module.Concept(name, concept.parent, tuple(kept))
        self.lexicon = lexicon_module.Lexicon(expanded)
        self.root: dict[str, str] = {}
        # a concept's problem: itself under its family's root, else its ancestor there (电梯困人
        # < 电梯故障 < 电梯 is a 电梯故障 problem; the search keeps it narrower, not the grouping)
        self.facet: dict[str, str] = {}
        for name in expanded:
            top, below = name, name
            while expanded[top].parent:
                below, top = top, expanded[top].parent
            self.root[name] = top
            self.facet[name] = below

    def read(self, title: str, description: str) -> tuple[str | None, str | None, tuple[str, ...]]:
        """The problem grouped on, its family, and every concept found (best first)."""
        family_score: dict[str, float] = defaultdict(float)
        concept_score: dict[str, float] = defaultdict(float)
        first_seen: dict[str, int] = {}
        for offset, text, where in ((0, title, "title"), (1000, description, "body")):
            for start, _end, names in self.lexicon.find(normalise(text)):
                lead = LEAD_WEIGHT if start < LEAD else 1.0
                weight = TITLE_WEIGHT if where == "title" else lead
                names = sorted(n for n in names if n not in MODIFIERS)  # the same on every run
                for name in names:
                    share = weight / len(names)
                    if self.root[name] in PLACE_CONCEPTS:
                        share *= PLACE_WEIGHT
                    elif name in THEMES:  # 老人, 社保 alone say little of the problem
                        share *= THEME_WEIGHT
                    concept_score[name] += share
                    family_score[self.root[name]] += share
                    first_seen.setdefault(self.root[name], offset + start)
        if not family_score:
            return None, None, ()
        family = max(family_score, key=lambda f: (family_score[f], -first_seen[f]))
        named = tuple(sorted(concept_score, key=lambda c: -concept_score[c]))
        if family in ONE_PROBLEM:
            return family, family, named
        narrower = [c for c in named if self.root[c] == family and c != family]
        return (self.facet[narrower[0]] if narrower else family), family, named


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def places_of(
    region_id: int, title: str, description: str, family: str | None, places: Gazetteer
) -> frozenset[str]:
    """The place keys of an issue (see the module's docstring)."""
    township = places.township_of.get(region_id, region_id)
    keys = {f"r:{region_id}"}
    text = normalise(f"{title} {description}")
    if places.pattern is not None:
        for match in places.pattern.finditer(text):
            name = match.group(0)
            if name in places.villages:
                keys.add(f"r:{places.villages[name]}")
            elif family in TRANSPORT:
                keys.add(f"t:{places.townships[name]}")
    if family in TRANSPORT:
        keys.add(f"t:{township}")  # a bus or ferry serves a township, not one village
        keys.update(f"bus:{int(n)}" for n in _BUS_LINE.findall(text))
    if family in POINT_SOURCES and _SOURCE_WORDS.search(text):
        keys.add(f"src:{township}:{family}")
    for raw, word in _FACILITY.findall(text):
        key = _facility_key(raw, _KIND_OF[word], township, places)
        if key:
            keys.add(key)
    return frozenset(keys)


def _facility_key(raw: str, kind: str, township: int, places: Gazetteer) -> str:
    """The key of a named facility, "" when the words before the facility word are no name.

    The name is what follows the last place name before the facility word (丹西街道悦澜府 →
    悦澜), else the last word there, when it is rare enough to be a proper name (大雨路 is
    no road). A facility named only by its place (丹西农贸市场, 西周镇中心小学, 西周小学) is
    that township's; a facility with a name of its own is one place wherever people live."""
    chunk = raw.rsplit("的", 1)[-1]
    where = None
    if places.pattern is not None:
        for match in places.pattern.finditer(chunk):
            written = match.group(0)
            if written in places.villages:
                where = places.township_of.get(places.villages[written])
            else:
                where = places.townships[written]
            chunk = chunk[match.end() :]
    name = _proper_name(chunk)
    if name:
        return f"f::{name}:{kind}"
    if where is not None and kind not in ("厂", "小区", "工地", "道路"):
        return f"f:{where}::{kind}"
    return ""


def _proper_name(chunk: str) -> str:
    from petitions.topics import _tokenizer

    chunk = chunk.strip()
    if len(chunk) < 2:
        return ""
    tokenizer = _tokenizer()
    words = [w for w in tokenizer.cut(chunk, HMM=True) if w.strip()]
    name = words[-1] if words else ""
    if (
        len(name) < 2
        or name in _GENERIC_NAME
        or _NOT_A_NAME.match(name)
        or any(char in _FUNCTION_CHARS for char in name)
        or (tokenizer.FREQ.get(name) or 0) > PROPER_NAME_FREQ
    ):
        return ""
    return name


def without_places(text: str, places: Gazetteer) -> str:
    """The text without its place names: two issues of one village share them whatever
    their problem."""
    return places.pattern.sub(" ", normalise(text)) if places.pattern is not None else text


def signature(issue, places: Gazetteer, reader: ProblemReader) -> Signature:
    """The signature of ``issue`` (anything with pk, region_id, title and description)."""
    problem, family, named = reader.read(
        without_places(issue.title, places), without_places(issue.description, places)
    )
    region_id = issue.region_id
    return Signature(
        pk=issue.pk,
        region_id=region_id,
        township_id=places.township_of.get(region_id, region_id),
        problem=problem,
        family=family,
        places=places_of(region_id, issue.title, issue.description, family, places),
        terms=thesaurus.LazyTerms(
            without_places(issue.title, places), without_places(issue.description, places)
        ),
        named=named,
    )


@functools.cache
def file_reader() -> ProblemReader:
    """A reader of the lexicon as shipped (no phrases added by staff): for measurements."""
    return ProblemReader(
        lexicon_module.Lexicon(
            lexicon_module.parse(lexicon_module.SOURCE.read_text(encoding="utf-8"))
        )
    )
