"""Concentrated issues kept current: each issue is matched when it arrives, the page reads.

``match`` reads a new issue (its problem and places, ``topic_text``), compares it with the
issues of its county over the last ``WINDOW_DAYS`` that could share its group (the same
family of problems, or, when it names none, the issues of its places), and settles the
group: it joins, founds or joins up groups exactly as ``topic_groups.group`` would group the
lot. ``regroup`` settles a whole county again (the periodic re-check, and after the lexicon
changed). Staff decisions (``petitions.workflow.topics``) hold in both: the members of a
confirmed group are pinned, a new issue joins the one confirmed group it is most like rather
than merging them, and an issue moved out never returns to that group.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from petitions import thesaurus, topic_groups, topic_text
from petitions.models import IssueTopic, Petition, TopicGroup
from portal import lexicon
from portal.models import Region

log = logging.getLogger(__name__)

WINDOW_DAYS = 90  # an issue is compared with the issues of its county this recent
CANDIDATES = 3000  # at most this many issues compared with a new one
SHOWN = 50  # groups on the page
_GAZETTEER_SECONDS = 300.0
_lock = threading.Lock()
_gazetteers: dict[int, tuple[float, topic_text.Gazetteer]] = {}
_reader: tuple[int, topic_text.ProblemReader] | None = None


def reader() -> topic_text.ProblemReader:
    """The problem reader of the current lexicon (rebuilt when staff phrases change)."""
    global _reader
    source = lexicon.current()
    version = lexicon.version()
    if _reader is None or _reader[0] != version:
        _reader = (version, topic_text.ProblemReader(source))
    return _reader[1]


def reading_version() -> int:
    """What an issue's stored reading was made with: the phrases staff approved, the lexicon
    file shipped with the portal and the reader's rules (``topic_text.RULES``). A release
    that changes the file or the rules makes every stored reading stale, so the periodic
    regrouping reads the issues again."""
    text = f"{lexicon.version()}:{_shipped_digest()}:{topic_text.RULES}"
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


@functools.cache
def _shipped_digest() -> int:
    return zlib.crc32(lexicon.SOURCE.read_bytes())


@functools.lru_cache(maxsize=4096)
def _county_cached(region_id: int) -> int:
    region = Region.objects.only("pk", "level", "parent_id").get(pk=region_id)
    while region.level > Region.Level.COUNTY and region.parent_id:
        region = Region.objects.only("pk", "level", "parent_id").get(pk=region.parent_id)
    return region.pk


def gazetteer(county_id: int) -> topic_text.Gazetteer:
    """The gazetteer of one county, read again every few minutes."""
    now = time.monotonic()
    cached = _gazetteers.get(county_id)
    if cached and now - cached[0] < _GAZETTEER_SECONDS:
        return cached[1]
    county = Region.objects.get(pk=county_id)
    rows = Region.objects.filter(path__startswith=county.path, level__gt=Region.Level.COUNTY)
    built = topic_text.gazetteer(
        rows.values_list("pk", "name", "level", "parent_id"), Region.Level.TOWNSHIP
    )
    with _lock:
        _gazetteers[county_id] = (now, built)
    return built


def gazetteer_for(region_ids: Iterable[int]) -> topic_text.Gazetteer:
    """One gazetteer for the counties of ``region_ids``."""
    counties = {_county_cached(pk) for pk in region_ids}
    parts = [gazetteer(c) for c in counties]
    if len(parts) == 1:
        return parts[0]
    return topic_text.Gazetteer(
        {k: v for p in parts for k, v in p.township_of.items()},
        {k: v for p in parts for k, v in p.villages.items()},
        {k: v for p in parts for k, v in p.townships.items()},
    )


def forget() -> None:
    """Read regions and the lexicon again (tests, after regions change)."""
    global _reader
    _gazetteers.clear()
    _county_cached.cache_clear()
    _reader = None


# --- reading issues --------------------------------------------------------------------


def _read(petitions: Sequence[Petition]) -> list[topic_text.Signature]:
    words = reader()
    out = []
    for petition in petitions:
        places = gazetteer(_county_cached(petition.region_id))
        out.append(topic_text.signature(petition, places, words))
    return out


def _row(petition: Petition, sig: topic_text.Signature, version: int) -> IssueTopic:
    return IssueTopic(
        petition_id=petition.pk, region_id=petition.region_id,
        county_id=_county_cached(petition.region_id), submitted_at=petition.submitted_at,
        problem=sig.problem or "", family=sig.family or "", places=sorted(sig.places),
        lexicon_version=version,
    )  # fmt: skip


def _texts(pks: Iterable[int]) -> dict[int, Petition]:
    return {
        p.pk: p
        for p in Petition.objects.filter(pk__in=list(pks)).only(
            "pk", "title", "description", "region_id", "submitted_at"
        )
    }


class _Texts:
    """The texts of a set of issues, read in one query the first time one is needed: most
    issues are grouped by their problem and never compared by wording."""

    def __init__(self, pks: Iterable[int]):
        self.pks = list(pks)
        self.loaded: dict[int, Petition] | None = None

    def of(self, pk: int) -> tuple[str, str]:
        if self.loaded is None:
            self.loaded = _texts(self.pks)
        petition = self.loaded.get(pk)
        return (petition.title, petition.description) if petition else ("", "")


def _signature_of(row: IssueTopic, texts: _Texts) -> topic_text.Signature:
    """A stored row as a signature (its words read from the text only if needed, without
    place names, as ``topic_text.signature`` reads them)."""
    pk, places = row.petition_id, gazetteer(row.county_id)

    def words() -> tuple[str, str]:
        return tuple(topic_text.without_places(text, places) for text in texts.of(pk))

    return topic_text.Signature(
        pk=pk, region_id=row.region_id, township_id=0,
        problem=row.problem or None, family=row.family or None, places=frozenset(row.places),
        terms=thesaurus.LazyTerms(texts=words),
    )  # fmt: skip


# --- matching --------------------------------------------------------------------------


def match(petition_id: int) -> IssueTopic | None:
    """Read the issue and settle its group; ``None`` when it no longer exists. Runs after
    the issue's own transaction: a failure here never loses the issue, and the periodic
    ``regroup`` matches what was missed."""
    petition = (
        Petition.objects.filter(pk=petition_id)
        .only("pk", "title", "description", "region_id", "submitted_at")
        .first()
    )
    if petition is None:
        return None
    [sig] = _read([petition])
    version = reading_version()
    with transaction.atomic():
        row = _row(petition, sig, version)
        IssueTopic.objects.update_or_create(
            petition_id=petition.pk,
            defaults={f: getattr(row, f) for f in ("region_id", "county_id", "submitted_at",
                                                   "problem", "family", "places",
                                                   "lexicon_version")},
        )  # fmt: skip
        row = IssueTopic.objects.select_for_update().get(petition_id=petition.pk)
        since = petition.submitted_at - timedelta(days=WINDOW_DAYS)
        near = IssueTopic.objects.filter(county_id=row.county_id, submitted_at__gte=since)
        if sig.family:
            near = near.filter(family=sig.family)
        else:  # by wording: the issues of its places
            region_ids = [int(k[2:]) for k in sig.places if k.startswith("r:")]
            near = near.filter(region_id__in=region_ids)
        found = near.exclude(petition_id=petition.pk).order_by("-submitted_at")
        linked = _linked(row.places, found.values_list("petition_id", "places")[:CANDIDATES])
        rows = [row, *IssueTopic.objects.filter(petition_id__in=linked).order_by("-submitted_at")]
        _settle(rows, only=petition.pk)
    return row


def _linked(places: Iterable[str], candidates) -> set[int]:
    """The candidates reachable from ``places`` through shared place keys: every join of the
    grouping is between issues sharing a place, so the new issue's group lies among them."""
    by_key: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for pk, keys in candidates:
        for key in keys:
            by_key[key].append((pk, keys))
    found: set[int] = set()
    seen: set[str] = set()
    todo = list(places)
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        for pk, keys in by_key.get(key, ()):
            if pk not in found:
                found.add(pk)
                todo.extend(keys)
    return found


def match_quietly(petition_id: int) -> None:
    """``match``, for the intake's after-commit: grouping never fails a submission; what
    fails here is logged and matched by the next ``regroup``."""
    try:
        match(petition_id)
    except Exception:  # noqa: BLE001 - any failure: the issue is stored, grouping waits
        log.exception("concentrated issues: matching issue %s failed", petition_id)


def _settle(rows: list[IssueTopic], only: int | None = None) -> None:
    """Group ``rows`` and write the groups (``only``: just the group of that issue)."""
    texts = _Texts(r.petition_id for r in rows)
    sigs = [_signature_of(r, texts) for r in rows]
    groups = {
        g.pk: g for g in TopicGroup.objects.filter(pk__in={r.group_id for r in rows if r.group_id})
    }
    moves: dict[int, list[int]] = defaultdict(list)  # group -> issues that join it
    touched: set[int] = set()
    for component in topic_groups.group(sigs):
        members = [rows[i] for i in component]
        if only is not None and all(m.petition_id != only for m in members):
            continue
        if len(members) == 1 and members[0].group_id is None:
            continue  # an issue alone, as it was: nothing to write
        for member, old in _settle_component(members, [sigs[i] for i in component], groups):
            moves[member.group_id].append(member.petition_id)
            touched.update(g for g in (member.group_id, old) if g)
    for group_id, pks in moves.items():
        IssueTopic.objects.filter(petition_id__in=pks).update(group_id=group_id)
    refresh(touched, known={s.pk: s for s in sigs})


def _settle_component(members, sigs, groups) -> list[tuple[IssueTopic, int | None]]:
    """Decide the group of each member of one component; return the members that move, with
    the group each leaves. ``groups``: the stored groups by id (new ones are added)."""
    present = {m.group_id for m in members if m.group_id in groups}
    confirmed = [groups[g] for g in sorted(present) if groups[g].confirmed]
    free = [m for m in members if not m.pinned]
    sig_of = {s.pk: s for s in sigs}
    moved: list[tuple[IssueTopic, int | None]] = []
    if confirmed:
        # the split or confirmed groups of staff stay apart: each free issue joins the one
        # it is most like
        words = {g.pk: _centre([sig_of[m.petition_id] for m in members if m.group_id == g.pk])
                 for g in confirmed}  # fmt: skip
        for member in free:
            options = [g for g in confirmed if g.pk != member.kept_out_of_id]
            if not options:
                continue
            best = max(
                options,
                key=lambda g: thesaurus.cosine(sig_of[member.petition_id].terms, words[g.pk]),
            )
            if member.group_id != best.pk:
                moved.append((member, member.group_id))
                member.group_id = best.pk
        return moved
    counts = Counter(m.group_id for m in free if m.group_id)
    target_id = counts.most_common(1)[0][0] if counts else None
    joining = [m for m in free if m.kept_out_of_id is None or m.kept_out_of_id != target_id]
    if target_id is None and len(joining) >= 2:
        target = TopicGroup.objects.create(
            county_id=members[0].county_id, problem=_problem(sigs), label="", title=""
        )
        groups[target.pk] = target
        target_id = target.pk
    if target_id is not None:
        for member in joining:
            if member.group_id != target_id:
                moved.append((member, member.group_id))
                member.group_id = target_id
    return moved


def _centre(sigs: Sequence[topic_text.Signature]) -> dict[str, float]:
    total: Counter = Counter()
    for sig in sigs:
        total.update(sig.terms)
    return dict(total)


def _problem(sigs: Sequence[topic_text.Signature]) -> str:
    found = Counter(s.problem for s in sigs if s.problem).most_common(1)
    return found[0][0] if found else ""


def refresh(group_ids: Iterable[int], known: dict | None = None) -> None:
    """Relabel groups after their members changed; delete unconfirmed ones left with fewer
    than two members (their last member goes back to being alone). A few queries for any
    number of groups; ``known``: signatures already built, by issue."""
    groups = list(TopicGroup.objects.filter(pk__in=list(group_ids)))
    if not groups:
        return
    members: dict[int, list[IssueTopic]] = defaultdict(list)
    for row in IssueTopic.objects.filter(group__in=groups).order_by("-submitted_at"):
        members[row.group_id].append(row)
    gone = [g for g in groups if len(members[g.pk]) < 2 and not g.confirmed]
    if gone:
        IssueTopic.objects.filter(group__in=gone).update(group=None)
        TopicGroup.objects.filter(pk__in=[g.pk for g in gone]).delete()
    kept = [g for g in groups if g not in gone]
    texts = _Texts(
        m.petition_id
        for g in kept
        for m in members[g.pk][:200]
        if m.petition_id not in (known or {})
    )
    chosen: dict[int, int] = {}
    for group in kept:
        shown = members[group.pk][:200]
        sigs = [(known or {}).get(m.petition_id) or _signature_of(m, texts) for m in shown]
        group.problem = _problem(sigs)
        group.label = _label(sigs, gazetteer(group.county_id))[:120]
        # the title of the newest member naming the group's problem (else the newest)
        named = [m for m in shown if m.problem == group.problem] or shown
        if named:
            chosen[group.pk] = named[0].petition_id
    titles = dict(Petition.objects.filter(pk__in=chosen.values()).values_list("pk", "title"))
    for group in kept:
        group.title = titles.get(chosen.get(group.pk), "")[:100]
    TopicGroup.objects.bulk_update(kept, ["problem", "label", "title"])


def _label(sigs, places) -> str:
    from petitions.topics import label_of

    return label_of(sigs, places)


def regroup(county_id: int, *, days: int = WINDOW_DAYS) -> int:
    """Read again the issues of a county's last ``days`` (those missed, those read by an
    older lexicon) and settle all its groups; return how many issues were read."""
    since = timezone.now() - timedelta(days=days)
    version = reading_version()
    petitions = list(
        Petition.objects.filter(
            region__path__startswith=Region.objects.get(pk=county_id).path, submitted_at__gte=since
        ).only("pk", "title", "description", "region_id", "submitted_at")
    )
    stored = IssueTopic.objects.filter(petition_id__in=[p.pk for p in petitions])
    current = set(stored.filter(lexicon_version=version).values_list("petition_id", flat=True))
    stale = [p for p in petitions if p.pk not in current]
    with transaction.atomic():
        if stale:
            rows = [_row(p, s, version) for p, s in zip(stale, _read(stale), strict=True)]
            IssueTopic.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["petition"],
                update_fields=["region", "county", "submitted_at", "problem", "family", "places",
                               "lexicon_version"],
            )  # fmt: skip
        rows = list(
            IssueTopic.objects.select_for_update().filter(
                county_id=county_id, submitted_at__gte=since
            )
        )
        _settle(rows)
    return len(stale)


CATCH_UP = 200  # issues the page matches itself when intake's matching did not happen
CATCH_UP_WINDOW = timedelta(minutes=15)  # … among the newest; the periodic regroup does the rest


def _catch_up(petitions) -> None:
    """Match the issues of the window that were never read (intake's after-commit matching
    failed, or they predate it); the periodic ``regroup`` does the rest."""
    for pk in petitions.filter(topic_link__isnull=True).values_list("pk", flat=True)[:CATCH_UP]:
        match_quietly(pk)


# --- reading groups --------------------------------------------------------------------


def topics_for(user, region: Region, days: int = 30):
    """The stored groups of ``region``'s subtree with two members or more submitted in the
    last ``days``, counted and listed among the issues ``user`` sees, largest first."""
    from petitions.topics import Topic
    from portal import access

    since = timezone.now() - timedelta(days=days)
    visible = (
        access.visible(user, Petition.objects.all())
        .filter(region__path__startswith=region.path, submitted_at__gte=since)
        .exclude(state__in=[Petition.State.REJECTED, Petition.State.DUPLICATE])
    )
    _catch_up(visible.filter(submitted_at__gte=timezone.now() - CATCH_UP_WINDOW))
    # The window is read from the groups' own table (index issuetopic_grouped): an office
    # whose grants cover the region sees every issue of it; anyone else only what
    # ``access.visible`` gives.
    links = IssueTopic.objects.filter(group__isnull=False, submitted_at__gte=since).exclude(
        petition__state__in=[Petition.State.REJECTED, Petition.State.DUPLICATE]
    )
    if region.level >= Region.Level.COUNTY:
        links = links.filter(county_id=_county_cached(region.pk))
    if region.level != Region.Level.COUNTY:
        links = links.filter(region__path__startswith=region.path)
    covered = any(region.path.startswith(path) for path in access.region_paths(user))
    if not (covered or user.is_superuser):
        links = links.filter(petition__in=visible.values("pk"))
    counted = list(
        links.values("group")
        .annotate(n=Count("pk"), first=Min("submitted_at"), last=Max("submitted_at"))
        .filter(n__gte=2)
        .order_by("-n", "-last", "group")[:SHOWN]
    )
    ids = [row["group"] for row in counted]
    groups = {g.pk: g for g in TopicGroup.objects.filter(pk__in=ids)}
    members: dict[int, list[tuple[int, int]]] = {}
    for pk, group_id, region_id in (
        links.filter(group__in=ids)
        .order_by("-submitted_at")
        .values_list("petition_id", "group_id", "region_id")
    ):
        members.setdefault(group_id, []).append((pk, region_id))
    return [
        Topic(
            label=groups[row["group"]].label,
            title=groups[row["group"]].title,
            pks=tuple(pk for pk, _r in members.get(row["group"], [])),
            region_ids=tuple(sorted({r for _p, r in members.get(row["group"], [])})),
            first_submitted_at=row["first"],
            last_submitted_at=row["last"],
            group_id=row["group"],
            confirmed=groups[row["group"]].confirmed,
        )  # fmt: skip
        for row in counted
        if row["group"] in groups
    ]


def regroup_all(*, days: int = WINDOW_DAYS) -> int:
    """``regroup`` every county that had issues in the last ``days``."""
    since = timezone.now() - timedelta(days=days)
    regions = set(
        Petition.objects.filter(submitted_at__gte=since)
        .values_list("region_id", flat=True)
        .distinct()
    )
    return sum(
        regroup(county, days=days) for county in sorted({_county_cached(r) for r in regions})
    )
