"""One read path: each list's filters are declared once (``voting.queries``) and used by the
API and the desk pages; an unknown or malformed parameter is an error naming it, never the
whole list."""

import pytest
from rest_framework.authtoken.models import Token

from tests.errors import field_names
from tests.voting.conftest import allocate, build_cycle, cast_all
from voting import ballots, workflow
from voting.models import Ballot, Candidate, Cycle, Proposal

pytestmark = pytest.mark.django_db

LISTS = [
    "voting-cycles", "voting-proposals", "voting-candidates", "voting-votes", "voting-paper",
    "voting-ballots", "voting-voters", "voting-projects",
]  # fmt: skip
# The id parameter each list has, to send a malformed value to.
ID_PARAM = {
    "voting-cycles": "region", "voting-proposals": "cycle", "voting-candidates": "cycle",
    "voting-votes": "cycle", "voting-paper": "vote", "voting-ballots": "vote",
    "voting-voters": "vote", "voting-projects": "cycle",
}  # fmt: skip


@pytest.fixture
def two_cycles(vworld):
    """Cycle ``done`` voted, counted and announced (two adopted projects); cycle ``later``
    deliberating with a prepared vote, in the same township."""
    staff, town = vworld.staff, vworld.base.regions["townA1"]
    done = build_cycle(staff, town, proposals=4, candidates=4, seats=2)
    vote = workflow.vote_prepare(actor=staff, cycle_id=done.pk)
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    a, b, c, _d = vote.candidates.order_by("number")
    voters = vworld.voters
    cast_all(vote, voters, allocate(voters, {a.pk: 30, b.pk: 28, c.pk: 10}, seats=2))
    ballots.vote_close(actor=staff, vote_id=vote.pk)
    workflow.cycle_advance(actor=staff, cycle_id=done.pk, to=Cycle.Stage.ANNOUNCE)
    later = build_cycle(staff, town, proposals=3, candidates=3, seats=2,
                        stage=Cycle.Stage.DELIBERATE)  # fmt: skip
    vworld.done, vworld.later, vworld.vote = done, later, vote
    vworld.later_vote = workflow.vote_prepare(actor=staff, cycle_id=later.pk)
    token = Token.objects.get_or_create(user=staff)[0]
    vworld.auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    return vworld


def _ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_candidates_and_proposals_are_filtered_by_cycle(two_cycles, client):
    auth, done, later = two_cycles.auth, two_cycles.done, two_cycles.later
    for path, model in (("voting-candidates", Candidate), ("voting-proposals", Proposal)):
        for cycle in (done, later):
            listed = _ids(client.get(f"/api/v1/{path}/", {"cycle": cycle.pk}, **auth))
            expected = set(model.objects.filter(cycle=cycle).values_list("pk", flat=True))
            assert listed == expected and expected
        assert _ids(client.get(f"/api/v1/{path}/", {"cycle": 10**9}, **auth)) == set()


def test_ballots_and_voters_are_filtered_by_vote(two_cycles, client):
    auth, vote, other = two_cycles.auth, two_cycles.vote, two_cycles.later_vote
    counted = _ids(client.get("/api/v1/voting-ballots/", {"vote": vote.pk}, **auth))
    assert counted == {str(pk) for pk in Ballot.objects.values_list("pk", flat=True)}
    assert len(counted) == len(two_cycles.voters)
    assert _ids(client.get("/api/v1/voting-ballots/", {"vote": other.pk}, **auth)) == set()
    voters = client.get("/api/v1/voting-voters/", {"vote": other.pk}, **auth).json()
    assert voters["count"] == 0


def test_cycles_votes_and_projects_take_their_filters(two_cycles, client):
    auth, done, later = two_cycles.auth, two_cycles.done, two_cycles.later
    announced = client.get("/api/v1/voting-cycles/", {"stage": "announce"}, **auth)
    assert _ids(announced) == {done.pk}
    assert _ids(client.get("/api/v1/voting-votes/", {"cycle": later.pk}, **auth)) == {
        two_cycles.later_vote.pk
    }
    projects = _ids(client.get("/api/v1/voting-projects/", {"cycle": done.pk}, **auth))
    assert len(projects) == 2
    assert _ids(client.get("/api/v1/voting-projects/", {"year": 2025}, **auth)) == set()


@pytest.mark.parametrize("path", LISTS)
def test_an_unknown_parameter_is_a_400_naming_it(two_cycles, client, path):
    response = client.get(f"/api/v1/{path}/", {"cylce": "1"}, **two_cycles.auth)
    assert response.status_code == 400
    assert "cylce" in field_names(response)


@pytest.mark.parametrize("path", LISTS)
def test_a_malformed_parameter_is_a_400_naming_it(two_cycles, client, path):
    name = ID_PARAM[path]
    response = client.get(f"/api/v1/{path}/", {name: "abc"}, **two_cycles.auth)
    assert response.status_code == 400
    assert name in field_names(response)


def test_the_schema_documents_the_filters(client):
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]

    def params(path):
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    assert {"region", "cycle", "outcome"} <= params("/api/v1/voting-candidates/")
    assert {"region", "cycle", "state", "source"} <= params("/api/v1/voting-proposals/")
    assert {"region", "stage", "year"} <= params("/api/v1/voting-cycles/")
    assert "vote" in params("/api/v1/voting-ballots/")


# --- desk pages ------------------------------------------------------------------------


def test_the_desk_cycle_list_filters_by_stage(two_cycles, client):
    client.force_login(two_cycles.staff)
    page = client.get("/desk/voting/", {"stage": "announce"}).content.decode()
    assert f"/desk/voting/cycles/{two_cycles.done.pk}/" in page
    assert f"/desk/voting/cycles/{two_cycles.later.pk}/" not in page


@pytest.mark.parametrize("path", ["/desk/voting/", "/desk/voting/projects/"])
@pytest.mark.parametrize(("param", "value"), [("bogus", "1"), ("year", "abc"), ("cycle", "-1")])
def test_a_desk_list_shows_a_bad_filter_beside_the_filter_bar(
    two_cycles, client, path, param, value
):
    client.force_login(two_cycles.staff)
    response = client.get(path, {param: value})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="voting-filters"' in page and 'class="errorlist"' in page
    # The error names the filter as people read it; only an unknown parameter by its name.
    from voting import queries

    filters = queries.CycleFilter if path == "/desk/voting/" else queries.ProjectFilter
    known = filters.base_filters.get(param)
    assert (f"<li>{param}: " in page) is (known is None)
    assert known is None or f"<li>{known.label}: " in page
    assert f"/desk/voting/cycles/{two_cycles.done.pk}/" not in page  # an empty list


def test_the_desk_project_list_filters_by_year(two_cycles, client):
    client.force_login(two_cycles.staff)
    project = Candidate.objects.filter(cycle=two_cycles.done, outcome="adopted").first()
    url = f"/desk/voting/projects/{project.pk}/"
    assert url in client.get("/desk/voting/projects/", {"year": 2026}).content.decode()
    assert url not in client.get("/desk/voting/projects/", {"year": 2025}).content.decode()


REGION_LISTS = ["voting-cycles", "voting-proposals", "voting-candidates", "voting-votes",
                "voting-projects"]  # fmt: skip


@pytest.mark.parametrize("path", REGION_LISTS)
def test_a_region_outside_the_scope_is_refused_and_its_own_region_lists(two_cycles, client, path):
    auth, regions = two_cycles.auth, two_cycles.base.regions
    foreign = client.get(f"/api/v1/{path}/", {"region": regions["city2"].pk}, **auth)
    assert foreign.status_code == 400 and "region" in field_names(foreign)
    own = client.get(f"/api/v1/{path}/", **auth).json()["count"]
    assert (
        client.get(f"/api/v1/{path}/", {"region": regions["townA1"].pk}, **auth).json()["count"]
        == own
    )


def test_an_unknown_stage_is_refused_by_name(two_cycles, client):
    response = client.get("/api/v1/voting-cycles/", {"stage": "bogus"}, **two_cycles.auth)
    assert response.status_code == 400 and "stage" in field_names(response)
