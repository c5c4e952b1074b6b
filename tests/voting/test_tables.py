"""The staff tables of livelihood-project ballots: the proposals collected and the candidate
projects, scoped to the office's jurisdiction, citizens masked, vote figures only once the
round is closed, the bulk "not taken up" through the workflow, exports and query counts."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from portal import access
from portal.models import Event
from tests.factories import staff_with_role
from tests.voting.conftest import allocate, build_cycle, cast_all
from voting import ballots, workflow
from voting.models import Candidate, Cycle, Proposal, Vote

pytestmark = pytest.mark.django_db

PROPOSALS = reverse("voting_desk:proposal_list")
CANDIDATES = reverse("voting_desk:candidate_list")


def soliciting(staff, region, count=3, **kwargs) -> Cycle:
    """A cycle still soliciting, with ``count`` citizens' proposals submitted."""
    cycle = workflow.cycle_create(
        actor=staff, region_id=region.pk, year=2026, title=f"{region.name}征集{count}", seats=2
    )
    for n in range(count):
        workflow.proposal_submit(
            cycle_id=cycle.pk, source=Proposal.Source.CITIZEN, title=f"{region.name}建议{n}",
            description="修一条路", proposer_name="张三丰", proposer_phone="13800001111",
            **kwargs,
        )  # fmt: skip
    return cycle


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {row["pk"] for row in response.context["rows"]}


def cells(response) -> dict[int, dict]:
    return {
        row["pk"]: {column.key: value for column, value in row["cells"]}
        for row in response.context["rows"]
    }


def export(client, url) -> list[tuple]:
    response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def sibling(vworld):
    return staff_with_role(vworld.base.regions["townA2"], username="m_township2")


# --- who sees what ---------------------------------------------------------------------


def test_township_staff_see_their_proposals_not_the_sibling_townships(client, vworld, sibling):
    regions = vworld.base.regions
    mine = soliciting(vworld.staff, regions["townA1"])
    theirs = soliciting(sibling, regions["townA2"])
    mine_ids = set(mine.proposals.values_list("pk", flat=True))
    theirs_ids = set(theirs.proposals.values_list("pk", flat=True))
    client.force_login(vworld.staff)
    assert listed(client.get(PROPOSALS)) == mine_ids
    assert listed(client.get(PROPOSALS, {"cycle": theirs.pk})) == set()
    client.force_login(sibling)
    assert listed(client.get(PROPOSALS)) == theirs_ids
    client.force_login(vworld.base.users["county"])
    assert listed(client.get(PROPOSALS)) == mine_ids | theirs_ids
    assert listed(client.get(PROPOSALS, {"region": regions["townA2"].pk})) == theirs_ids
    assert listed(client.get(PROPOSALS, {"cycle": mine.pk})) == mine_ids


def test_township_staff_see_their_candidates_not_the_sibling_townships(client, vworld, sibling):
    regions = vworld.base.regions
    mine = build_cycle(vworld.staff, regions["townA1"], proposals=3, candidates=3, seats=2,
                       stage=Cycle.Stage.DELIBERATE)  # fmt: skip
    theirs = build_cycle(sibling, regions["townA2"], proposals=2, candidates=2, seats=1,
                         stage=Cycle.Stage.DELIBERATE)  # fmt: skip
    mine_ids = set(mine.candidates.values_list("pk", flat=True))
    theirs_ids = set(theirs.candidates.values_list("pk", flat=True))
    client.force_login(vworld.staff)
    assert listed(client.get(CANDIDATES)) == mine_ids
    client.force_login(sibling)
    assert listed(client.get(CANDIDATES)) == theirs_ids
    client.force_login(vworld.base.users["county"])
    assert listed(client.get(CANDIDATES)) == mine_ids | theirs_ids
    assert listed(client.get(CANDIDATES, {"cycle": theirs.pk})) == theirs_ids
    assert listed(client.get(CANDIDATES, {"region": regions["townA1"].pk})) == mine_ids


@pytest.mark.parametrize("who", ["deputy", "handler"])
def test_the_tables_are_the_offices(client, vworld, who):
    client.force_login(vworld.base.users[who])
    assert client.get(PROPOSALS).status_code == 403
    assert client.get(CANDIDATES).status_code == 403


def test_a_cycle_out_of_scope_or_a_bad_filter_is_an_error_not_the_whole_list(
    client, vworld, sibling
):
    theirs = soliciting(sibling, vworld.base.regions["townA2"])
    client.force_login(vworld.staff)
    for params in ({"cycle": theirs.pk}, {"cycle": "x"}, {"outcome": "maybe"}, {"color": "red"}):
        response = client.get(CANDIDATES, params)
        assert response.status_code == 200 and response.context["errors"], params
        assert listed(response) == set()


def test_office_tables_are_in_the_side_menu_of_office_staff_only(client, vworld):
    client.force_login(vworld.staff)
    html = client.get(reverse("desk")).content.decode()
    assert PROPOSALS in html and CANDIDATES in html
    cache.clear()
    client.force_login(vworld.base.users["deputy"])
    html = client.get(reverse("desk")).content.decode()
    assert PROPOSALS not in html and CANDIDATES not in html


# --- what a row shows --------------------------------------------------------------------


def test_citizens_are_masked_on_the_page_and_in_the_export(client, vworld):
    cycle = soliciting(vworld.staff, vworld.base.regions["townA1"], count=1)
    client.force_login(vworld.staff)
    response = client.get(PROPOSALS)
    html = response.content.decode()
    assert "张**" in html and "张三丰" not in html and "13800001111" not in html
    (row,) = cells(response).values()
    assert row["source"] == gettext("Citizen")
    assert response.context["rows"][0]["url"] == reverse("voting_desk:cycle", args=[cycle.pk])
    rows = export(client, PROPOSALS)
    flat = " ".join(str(v) for line in rows for v in line)
    assert "张**" in flat and "张三丰" not in flat and "13800001111" not in flat
    assert "修一条路" in flat  # the full text, export only
    assert gettext("Text of the proposal") in rows[0]


def test_ballot_figures_are_hidden_while_the_vote_is_open(client, vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3, candidates=3,
                        seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk, session="第五次会议")
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    candidates = list(vote.candidates.order_by("number"))
    voters = vworld.voters[:30]
    targets = {c.pk: yes for c, yes in zip(candidates, (28, 25, 7), strict=True)}
    cast_all(vote, voters, allocate(voters, targets, seats=2))
    client.force_login(vworld.staff)

    response = client.get(CANDIDATES)
    for row in cells(response).values():
        assert (row["yes"], row["no"], row["abstain"]) == (None, None, None)
        assert row["outcome"] == gettext("Vote in progress")
    for line in export(client, CANDIDATES)[1:]:
        assert 28 not in line and 25 not in line
    # Nor can sorting by a figure order the rows by the running count.
    assert client.get(CANDIDATES, {"ordering": "-yes"}).context["errors"]

    ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)
    response = client.get(CANDIDATES)
    shown = cells(response)
    for result in Vote.objects.get(pk=vote.pk).results.all():
        row = shown[result.candidate_id]
        assert (row["yes"], row["no"], row["abstain"]) == (result.yes, result.no, result.abstain)
    first, _second, third = candidates
    assert shown[first.pk]["yes"] == 28
    assert shown[first.pk]["outcome"] == str(Candidate.Outcome.ADOPTED.label)
    assert shown[third.pk]["outcome"] == str(Candidate.Outcome.NOT_ADOPTED.label)
    assert shown[first.pk]["progress"] == "0%" and shown[third.pk]["progress"] == ""
    urls = {row["pk"]: row["url"] for row in response.context["rows"]}
    assert urls[first.pk] == reverse("voting_desk:project", args=[first.pk])
    assert urls[third.pk] == reverse("voting_desk:cycle", args=[cycle.pk])
    rows = export(client, CANDIDATES)
    header = rows[0]
    assert pgettext("ballot", "Yes") in header
    line = next(line for line in rows[1:] if first.title in line)
    assert line[header.index(pgettext("ballot", "Yes"))] == 28
    assert line[header.index(gettext("Budget (10,000 yuan)"))] == 100.5
    adopted = listed(client.get(CANDIDATES, {"outcome": "adopted"}))
    assert adopted == {first.pk, candidates[1].pk}


def test_a_runoffs_candidates_show_no_figures_until_the_runoff_closes(client, vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3, candidates=3,
                        seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk, session="第五次会议")
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    first, second, third = vote.candidates.order_by("number")
    targets = {first.pk: 38, second.pk: 22, third.pk: 22}  # a tie at the second seat
    cast_all(vote, vworld.voters, allocate(vworld.voters, targets, seats=2))
    vote = ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)
    assert vote.outcome == Vote.Outcome.RUNOFF
    runoff = workflow.vote_runoff(actor=vworld.staff, vote_id=vote.pk)
    workflow.vote_open(actor=vworld.staff, vote_id=runoff.pk)
    client.force_login(vworld.staff)
    shown = cells(client.get(CANDIDATES))
    assert shown[first.pk]["yes"] == 38  # decided in the closed first round
    for tied in (second, third):
        assert (shown[tied.pk]["yes"], shown[tied.pk]["no"]) == (None, None)
        assert shown[tied.pk]["outcome"] == gettext("Vote in progress")


# --- the bulk action -------------------------------------------------------------------


def _decline(client, pks, reason="与已有项目重复"):
    return client.post(
        PROPOSALS,
        {"op": "bulk", "bulk": "decline", "decline-reason": reason, "pk": pks, "query": ""},
    )


def test_office_declines_many_proposals_each_through_the_workflow(client, vworld, sibling):
    cycle = soliciting(vworld.staff, vworld.base.regions["townA1"])
    theirs = soliciting(sibling, vworld.base.regions["townA2"], count=1).proposals.get()
    first, second, kept = cycle.proposals.order_by("pk")
    client.force_login(vworld.staff)
    response = _decline(client, [first.pk, second.pk, theirs.pk])
    assert response.status_code == 302
    states = dict(Proposal.objects.values_list("pk", "state"))
    assert states[first.pk] == states[second.pk] == Proposal.State.DECLINED
    assert states[kept.pk] == states[theirs.pk] == Proposal.State.SUBMITTED
    assert Proposal.objects.get(pk=first.pk).decline_reason == "与已有项目重复"
    assert Event.objects.filter(action="proposal_decline").count() == 2
    # A declined proposal is skipped the second time; an empty reason is refused.
    _decline(client, [first.pk])
    assert Event.objects.filter(action="proposal_decline").count() == 2
    _decline(client, [kept.pk], reason="")
    assert Proposal.objects.get(pk=kept.pk).state == Proposal.State.SUBMITTED


def test_a_viewer_sees_proposals_but_cannot_decline_them(client, vworld):
    cycle = soliciting(vworld.staff, vworld.base.regions["townA1"], count=1)
    viewer = vworld.base.users["viewer"]
    assert access.is_office(viewer) and not access.is_office(viewer, access.MANAGE)
    client.force_login(viewer)
    response = client.get(PROPOSALS)
    assert listed(response) == {cycle.proposals.get().pk} and response.context["bulk"] == []
    _decline(client, [cycle.proposals.get().pk])
    assert cycle.proposals.get().state == Proposal.State.SUBMITTED


# --- cost ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    cache.clear()  # the side menu caches its counts
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_cost_a_fixed_number_of_queries(client, vworld, sibling):
    regions = vworld.base.regions
    client.force_login(vworld.base.users["county"])
    soliciting(vworld.staff, regions["townA1"], count=1)
    build_cycle(vworld.staff, regions["townA1"], proposals=2, candidates=2, seats=1,
                stage=Cycle.Stage.DELIBERATE)  # fmt: skip
    _queries(client, PROPOSALS)  # warm up (content types, sessions)
    small = {url: _queries(client, url) for url in (PROPOSALS, CANDIDATES)}
    soliciting(sibling, regions["townA2"], count=12)
    build_cycle(sibling, regions["townA2"], proposals=9, candidates=9, seats=3,
                stage=Cycle.Stage.DELIBERATE)  # fmt: skip
    large = {url: _queries(client, url) for url in (PROPOSALS, CANDIDATES)}
    assert large == small
    assert len(listed(client.get(CANDIDATES))) == 11
