"""A stored ballot cannot be tied to its voter (ARCHITECTURE.md "Trust"), through any column
of the ballot and mark tables — found by introspection, so a column added later is tried too
— nor through any list or page that shows ballots, nor through their order.

Each deputy in these votes marks a ballot no other deputy marks, so the test (and only the
test) knows whose each stored ballot is from its marks. The marks themselves are what the
ballot says; every other attribute of a ballot must leave the voter's channel and place in
the order of voting unknown: no value seen only on one channel's ballots, no shape (a value
present or missing) that differs between the channels, no order that follows the order of
voting or groups the channels.
"""

import itertools
import re
import uuid
from collections import defaultdict

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.errors import field_names
from tests.factories import UserFactory, staff_with_role
from tests.voting.conftest import build_cycle
from voting import ballots, queries, workflow
from voting.models import Ballot, BallotChoice, Cycle, PaperEntry, Proposal, VoterRecord

pytestmark = pytest.mark.django_db

# Every way to mark 4 candidates with at most 2 yes for 2 seats: 72 ballots, all different.
PATTERNS = [p for p in itertools.product(("yes", "no", "abstain"), repeat=4) if p.count("yes") <= 2]
# The marks themselves (what the ballot says), as columns of the mark table.
CONTENT = {"candidate", "choice"}
PAPER, ELECTRONIC = VoterRecord.Channel.PAPER, VoterRecord.Channel.ELECTRONIC
# (paper voters, electronic voters): 1, 2 and many per channel.
SCENARIOS = {"1+1": (1, 1), "2+2": (2, 2), "1+many": (1, 12), "many+2": (12, 2),
             "many+many": (18, 18)}  # fmt: skip
# Orders are tried where chance cannot mimic them: with 18 + 18 ballots in random order, a
# rank correlation above 0.9 with the order of voting happens about once in 10^7, an order
# parting the channels that far (Somers' D above 0.9) about once in 10^5.
ORDER_LIMIT = 0.9


class Cast:
    """A vote run through the workflow: each deputy's marks, channel and place in the order
    of voting, known to the test from the marks alone."""

    def __init__(self, vworld, paper: int, electronic: int):
        staff, town = vworld.staff, vworld.base.regions["townA1"]
        self.staff = staff
        cycle = build_cycle(staff, town, proposals=4, candidates=4, seats=2)
        self.tellers = (UserFactory(username=f"t1_{paper}_{electronic}", is_staff=False,
                                    region=town),
                        UserFactory(username=f"t2_{paper}_{electronic}", is_staff=False,
                                    region=town))  # fmt: skip
        self.vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk,
                                          teller_ids=[t.pk for t in self.tellers])  # fmt: skip
        workflow.vote_open(actor=staff, vote_id=self.vote.pk)
        self.candidates = list(self.vote.candidates.order_by("number"))
        self.truth: dict[tuple, tuple[str, int]] = {}
        self.receipts: list[str] = []
        self.voters = vworld.voters[: paper + electronic]
        left = {PAPER: paper, ELECTRONIC: electronic}
        order = []
        while left[PAPER] or left[ELECTRONIC]:  # the channels take turns
            for channel in (PAPER, ELECTRONIC):
                if left[channel]:
                    order.append(channel)
                    left[channel] -= 1
        for place, (deputy, channel) in enumerate(zip(self.voters, order, strict=True)):
            marks = {c.pk: mark for c, mark in zip(self.candidates, PATTERNS[place], strict=True)}
            self.truth[self.key(marks.items())] = (channel, place)
            if channel == PAPER:
                t1, t2 = self.tellers
                ballots.paper_issue(actor=t1, vote_id=self.vote.pk, representative_ids=[deputy.pk])
                entry = ballots.paper_enter(actor=t1, vote_id=self.vote.pk, sheet=place + 1,
                                            choices=marks)  # fmt: skip
                ballots.paper_confirm(actor=t2, entry_id=entry.pk, choices=marks)
            else:
                self.receipts.append(
                    ballots.ballot_cast(actor=deputy.user, vote_id=self.vote.pk, choices=marks)
                )
        recorded = VoterRecord.objects.filter(vote=self.vote).order_by("id")
        assert [r.channel for r in recorded] == order  # the who-voted records say who and how

    @staticmethod
    def key(marks) -> tuple:
        return tuple(sorted((int(candidate), str(choice)) for candidate, choice in marks))

    def close(self):
        ballots.vote_close(actor=self.staff, vote_id=self.vote.pk)


# --- what each view of the stored ballots shows, by ballot ------------------------------


def stored_columns(cast: Cast) -> tuple[dict, dict, dict, set]:
    """Return (views, listings, key by ballot id, names of the key columns) from the
    database: one view per column of the ballot table, one per non-content column of the
    mark table (the ballot's values), the number of marks; listings in the table's own
    order and the default ordering."""
    marks = defaultdict(list)
    for row in BallotChoice.objects.filter(ballot__vote=cast.vote).values():
        marks[row["ballot_id"]].append(row)
    key_of = {pk: cast.key((m["candidate_id"], m["choice"]) for m in rows)
              for pk, rows in marks.items()}  # fmt: skip
    rows = list(Ballot.objects.filter(vote=cast.vote).values())
    assert {row["id"] for row in rows} == set(key_of)  # every ballot has marks
    views, keys = {}, set()
    for field in Ballot._meta.concrete_fields:
        views[f"ballot.{field.attname}"] = {key_of[r["id"]]: r[field.attname] for r in rows}
        if field.primary_key or field.unique:
            keys.add(f"ballot.{field.attname}")
    for field in BallotChoice._meta.concrete_fields:
        if field.name in CONTENT:
            continue
        if field.primary_key or field.unique or field.related_model is Ballot:
            keys.add(f"mark.{field.attname}")
        views[f"mark.{field.attname}"] = {
            key_of[pk]: tuple(sorted(str(m[field.attname]) for m in ms)) for pk, ms in marks.items()
        }
    views["mark.count"] = {key_of[pk]: len(ms) for pk, ms in marks.items()}
    if connection.vendor == "postgresql":  # the hidden columns
        for table, column in (("voting_ballot", "id"), ("voting_ballotchoice", "ballot_id")):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {column}, xmin::text FROM {table}")  # noqa: S608
                found = defaultdict(set)
                for pk, xmin in cursor.fetchall():
                    found[uuid.UUID(str(pk))].add(xmin)
            views[f"{table}.xmin"] = {key_of[pk]: tuple(sorted(found[pk])) for pk in key_of}
    listings = {}
    for table, column in (("voting_ballot", "id"), ("voting_ballotchoice", "ballot_id")):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - the stored order
            seen = list(dict.fromkeys(uuid.UUID(str(pk)) for (pk,) in cursor.fetchall()))
        listings[f"{table} as stored"] = [key_of[pk] for pk in seen]
    listings["default ordering"] = [key_of[b.pk] for b in Ballot.objects.filter(vote=cast.vote)]
    return views, listings, key_of, keys


def api_views(cast: Cast, client, key_of) -> tuple[dict, dict]:
    """Return the API's fields of each ballot (list and detail) and its listing order."""
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=cast.staff)[0].key}"}
    rows, url = [], "/api/v1/voting-ballots/"
    while url:
        page = client.get(url, **auth).json()
        rows += page["results"]
        url = page.get("next")
    assert len(rows) == len(key_of)
    views = defaultdict(dict)
    for row in rows:
        key = cast.key((m["candidate"], m["choice"]) for m in row["choices"])
        assert client.get(f"/api/v1/voting-ballots/{row['id']}/", **auth).json() == row
        for name, value in row.items():
            if name != "choices":
                views[f"api.{name}"][key] = value
        extra = sorted({name for m in row["choices"] for name in m} - CONTENT)
        for name in extra:
            views[f"api.choices.{name}"][key] = tuple(
                sorted(str(m.get(name)) for m in row["choices"])
            )
    listing = [cast.key((m["candidate"], m["choice"]) for m in row["choices"]) for row in rows]
    return dict(views), {"api list": listing}


CELL = re.compile(r'<t[dh] class="field-(\w+)[^"]*"[^>]*>(.*?)</t[dh]>', re.S)
READONLY = re.compile(
    r'class="form-row[^"]*field-(\w+)[^"]*".*?<div class="readonly">(.*?)</div>', re.S
)
LINK = re.compile(r"/admin/voting/ballot/([0-9a-f-]{36})/change/")


def _text(html: str) -> str:
    """Return what a cell shows: its text, and what its icons say (a boolean's alt text)."""
    html = re.sub(r'<img[^>]*\balt="([^"]*)"[^>]*>', r"\1", html)
    return re.sub(r"<[^>]+>", "", html).strip()


def admin_views(cast: Cast, client, key_of) -> tuple[dict, dict]:
    """Return the admin's columns of each ballot (list and change page) and its list order."""
    client.force_login(cast.staff)
    page = client.get("/admin/voting/ballot/?all=").content.decode()
    table = page.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    views, listing = defaultdict(dict), []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        ballot_id = uuid.UUID(LINK.search(row).group(1))
        key = key_of[ballot_id]
        listing.append(key)
        for name, cell in CELL.findall(row):
            views[f"admin list.{name}"][key] = _text(cell)
        change = client.get(f"/admin/voting/ballot/{ballot_id}/change/").content.decode()
        for name, value in READONLY.findall(change):
            views[f"admin page.{name}"][key] = _text(value)
    assert sorted(listing) == sorted(key_of.values())
    assert views  # the parsing found the columns
    return dict(views), {"admin list": listing}


# --- what counts as a link ---------------------------------------------------------------


def _kind(value) -> str:
    return "empty" if value in (None, "", "-", ()) else type(value).__name__


def _ranks(values) -> list[float]:
    def sort_key(value):
        return (value is None, value if isinstance(value, int | float) else str(value))

    order = sorted(range(len(values)), key=lambda i: sort_key(values[i]))
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):  # ties share their average rank
        end = start
        while end + 1 < len(order) and sort_key(values[order[end + 1]]) == sort_key(
            values[order[start]]
        ):
            end += 1
        for i in order[start : end + 1]:
            ranks[i] = (start + end) / 2
        start = end + 1
    return ranks


def _correlation(xs, ys) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return 0.0 if not sxx or not syy else sxy / (sxx * syy) ** 0.5


def _separation(ranks, paper) -> float:
    """Return how far an order sorts one channel before the other (Somers' D): 1 or -1 when
    it parts them completely, near 0 when it mixes them."""
    ours = [r for r, is_paper in zip(ranks, paper, strict=True) if is_paper]
    theirs = [r for r, is_paper in zip(ranks, paper, strict=True) if not is_paper]
    ahead = sum((a > b) - (a < b) for a in ours for b in theirs)
    return ahead / (len(ours) * len(theirs))


def links(name: str, values: dict, truth: dict, *, orders: bool, key: bool | None = None
          ) -> list[str]:  # fmt: skip
    """Return how the values of one column (by ballot) would tie ballots to voters.

    A key column (one value per ballot: declared so, or, when ``key`` is None, found so)
    may differ from ballot to ballot but must have the same shape on both channels; any
    other column must share a value between the channels."""
    keys = list(values)
    found = []
    paper = [str(values[k]) for k in keys if truth[k][0] == PAPER]
    electronic = [str(values[k]) for k in keys if truth[k][0] == ELECTRONIC]
    if key is None:
        key = len(set(paper + electronic)) == len(keys)
    if key:
        shapes = {channel: {_kind(values[k]) for k in keys if truth[k][0] == channel}
                  for channel in (PAPER, ELECTRONIC)}  # fmt: skip
        if shapes[PAPER] != shapes[ELECTRONIC]:
            found.append(f"{name}: its shape tells the channels apart {shapes}")
    elif set(paper).isdisjoint(electronic):
        found.append(f"{name}: its values part the paper from the electronic ballots")
    if orders and len({str(v) for v in values.values()}) > 1:
        ranks = _ranks([values[k] for k in keys])
        rho = _correlation(ranks, [float(truth[k][1]) for k in keys])
        if abs(rho) > ORDER_LIMIT:
            found.append(f"{name}: its order follows the order of voting (rank correlation "
                         f"{rho:.2f})")  # fmt: skip
        apart = _separation(ranks, [truth[k][0] == PAPER for k in keys])
        if abs(apart) > ORDER_LIMIT:
            found.append(f"{name}: its order parts the channels (Somers' D {apart:.2f})")
    return found


def listing_links(name: str, listing: list, truth: dict, *, orders: bool) -> list[str]:
    return links(name, {k: n for n, k in enumerate(listing)}, truth, orders=orders, key=True)


# --- the tests ------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_no_stored_column_list_or_order_ties_a_ballot_to_its_voter(vworld, client, scenario):
    paper, electronic = SCENARIOS[scenario]
    cast = Cast(vworld, paper, electronic)
    cast.close()
    orders = min(paper, electronic) >= 10

    stored, listings, key_of, keys = stored_columns(cast)
    shown = {}
    for extra_views, extra_listings in (api_views(cast, client, key_of),
                                        admin_views(cast, client, key_of)):  # fmt: skip
        shown.update(extra_views)
        listings.update(extra_listings)
    assert set(key_of.values()) == set(cast.truth)  # every ballot stored, each known
    problems = []
    for name, values in stored.items():
        problems += links(name, values, cast.truth, orders=orders, key=name in keys)
    for name, values in shown.items():  # what the API and the admin show
        problems += links(name, values, cast.truth, orders=orders)
    for name, listing in listings.items():
        problems += listing_links(name, listing, cast.truth, orders=orders)
    assert problems == []

    # Every ballot has the same shape: one mark for each candidate.
    expected = sorted(c.pk for c in cast.candidates)
    assert {tuple(c for c, _mark in key) for key in key_of.values()} == {tuple(expected)}
    # No stored reading of the tellers lets the paper ballots be subtracted from the rest.
    assert not PaperEntry.objects.filter(vote=cast.vote).exclude(
        first_reading__isnull=True, second_reading__isnull=True
    ).exists()  # fmt: skip
    # The tally is right, its channels counted from who voted; receipts still check.
    figures = queries.tally(cast.vote)
    assert (figures.returned, figures.paper_returned, figures.electronic) == (
        paper + electronic, paper, electronic,
    )  # fmt: skip
    results = {r.candidate_id: (r.yes, r.no, r.abstain) for r in cast.vote.results.all()}
    for n, candidate in enumerate(cast.candidates):
        marks = [PATTERNS[place][n] for place in range(paper + electronic)]
        assert results[candidate.pk] == tuple(marks.count(m) for m in ("yes", "no", "abstain"))
    assert all(ballots.check_receipt(code) is not None for code in cast.receipts)


def test_no_other_table_points_at_a_ballot_or_a_mark():
    assert {rel.related_model for rel in Ballot._meta.related_objects} == {BallotChoice}
    assert not BallotChoice._meta.related_objects
    for model in (Ballot, BallotChoice):
        assert model._meta.pk.get_internal_type() == "UUIDField"
        assert model._meta.pk.default is uuid.uuid4  # random, not time-ordered
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "DateField", "TimeField", "AutoField",
                            "BigAutoField", "SmallAutoField"}  # fmt: skip


def test_nothing_lists_or_shows_a_ballot_while_the_vote_is_open(vworld, client):
    cast = Cast(vworld, 2, 2)
    vote, staff, (teller, _second) = cast.vote, cast.staff, cast.tellers
    stored = list(Ballot.objects.filter(vote=vote).values_list("pk", flat=True))
    assert len(stored) == 4
    marks = list(BallotChoice.objects.filter(ballot__vote=vote).values_list("pk", flat=True))
    secret = [form for pk in stored + marks for form in (str(pk), pk.hex)]

    token = Token.objects.create(user=staff)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/v1/voting-ballots/", **auth).json()["results"] == []
    for pk in stored:
        assert client.get(f"/api/v1/voting-ballots/{pk}/", **auth).status_code == 404

    client.force_login(staff)
    pages = {"/admin/voting/ballot/": 200, **{f"/admin/voting/ballot/{pk}/change/": None
                                               for pk in stored}}  # fmt: skip
    for url, status in pages.items():
        response = client.get(url)
        assert status is None or response.status_code == status, url
        body = response.content.decode()
        assert not any(form in body for form in secret), url
        assert response.status_code != 200 or "field-valid" not in body, url
    desk = [
        "/desk/",
        "/desk/voting/",
        f"/desk/voting/cycles/{vote.cycle_id}/",
        f"/desk/voting/votes/{vote.pk}/paper/",
        f"/api/v1/voting-votes/{vote.pk}/",
        f"/api/v1/voting-votes/{vote.pk}/tally/",
        "/api/v1/voting-paper/",
        "/api/v1/voting-voters/",
        f"/voting/votes/{vote.pk}/live.json",
    ]
    for user in (staff, teller):
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
        for url in desk:
            body = client.get(url, **headers).content.decode()
            assert not any(form in body for form in secret), (user, url)


# --- a proposal for a cycle out of reach --------------------------------------------------


def _propose(client, user, cycle_id, source="citizen"):
    token = Token.objects.get_or_create(user=user)[0]
    return client.post(
        "/api/v1/voting-proposals/",
        {"cycle": cycle_id, "source": source, "title": "修桥", "description": "村口石桥失修"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}",
    )  # fmt: skip


def test_a_proposal_for_a_foreign_cycle_is_answered_as_for_a_missing_one(vworld, client):
    staff, regions = vworld.staff, vworld.base.regions
    stopped = workflow.cycle_create(actor=staff, region_id=regions["townA1"].pk, year=2026,
                                    title="已停止征集")  # fmt: skip
    workflow.proposal_submit(cycle_id=stopped.pk, source="citizen", title="x", description="y")
    workflow.cycle_advance(actor=staff, cycle_id=stopped.pk, to=Cycle.Stage.SHORTLIST)
    soliciting = workflow.cycle_create(actor=staff, region_id=regions["townA1"].pk, year=2026,
                                       title="征集中")  # fmt: skip
    missing = max(stopped.pk, soliciting.pk) + 1000
    before = Proposal.objects.count()

    sibling_staff = staff_with_role(regions["townA2"], username="m_town_a2")
    sibling_deputy = vworld.base.users["deputy3"]  # a deputy of the sibling township
    for user, source in ((sibling_staff, "citizen"), (sibling_deputy, "deputy"),
                         (sibling_deputy, "citizen")):  # fmt: skip
        nowhere = _propose(client, user, missing, source)
        assert nowhere.status_code == 400 and "cycle" in field_names(nowhere)
        for cycle in (stopped, soliciting):
            answer = _propose(client, user, cycle.pk, source)
            assert (answer.status_code, answer.json()) == (400, nowhere.json()), (user, cycle)
    assert Proposal.objects.count() == before

    # Within reach, the cycle's state is the answer, as before.
    own = _propose(client, staff, stopped.pk)
    assert own.status_code == 400 and "已停止征集建议" in str(own.json())
    assert _propose(client, staff, soliciting.pk).status_code == 201
    deputy = vworld.voters[0].user
    assert _propose(client, deputy, soliciting.pk, "deputy").status_code == 201
