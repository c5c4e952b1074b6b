"""The admin: scoped lists, saving through the workflow, refusals as form errors."""

import pytest

from portal.models import Event
from tests.voting.conftest import build_cycle
from voting import workflow
from voting.models import Cycle

pytestmark = pytest.mark.django_db
PAGES = ["cycle", "proposal", "candidate", "vote", "paperentry", "ballot", "voterrecord",
         "milestone", "progressreport", "supervisionvisit", "evaluation"]  # fmt: skip


def test_every_voting_admin_list_opens_for_township_staff(vworld, client):
    build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3, candidates=3, seats=2)
    client.force_login(vworld.staff)
    for name in PAGES:
        assert client.get(f"/admin/voting/{name}/").status_code == 200, name


def test_cycle_added_in_the_admin_goes_through_the_workflow(vworld, client):
    client.force_login(vworld.staff)
    data = {"region": vworld.base.regions["townA1"].pk, "year": 2026, "title": "民生实事",
            "seats": 10, "require_more_candidates": "on", "pass_base": "entitled",
            "evaluation_mode": "levels", "satisfaction_rule": "share"}  # fmt: skip
    assert client.post("/admin/voting/cycle/add/", data).status_code == 302
    cycle = Cycle.objects.get()
    assert Event.objects.filter(action="cycle_create", target_id=cycle.pk).exists()
    sibling = {**data, "region": vworld.base.regions["townA2"].pk, "title": "别处"}
    refused = client.post("/admin/voting/cycle/add/", sibling)
    assert refused.status_code == 200 and Cycle.objects.count() == 1


def test_admin_action_moves_the_stage_and_reports_refusals(vworld, client):
    cycle = workflow.cycle_create(actor=vworld.staff, year=2026, title="民生实事",
                                  region_id=vworld.base.regions["townA1"].pk)  # fmt: skip
    client.force_login(vworld.staff)
    changelist = "/admin/voting/cycle/"
    client.post(changelist, {"action": "advance", "_selected_action": [cycle.pk]})
    cycle.refresh_from_db()
    assert cycle.stage == "shortlist"
    response = client.post(changelist, {"action": "advance", "_selected_action": [cycle.pk]},
                           follow=True)  # fmt: skip
    assert response.status_code == 200  # no candidates yet: a message, not a 500
    cycle.refresh_from_db()
    assert cycle.stage == "shortlist"


def _closed_vote_page(vworld, client, candidates):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from voting import ballots

    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=candidates,
                        candidates=candidates, seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)
    client.force_login(vworld.staff)
    url = f"/admin/voting/vote/{vote.pk}/change/"
    client.get(url)  # warm the per-user caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page.content.decode(), len(queries), cycle


def test_vote_page_shows_results_to_office_staff_in_the_same_queries(vworld, client):
    from voting.models import Candidate

    page, small, cycle = _closed_vote_page(vworld, client, 4)
    for candidate in Candidate.objects.filter(cycle=cycle):
        assert str(candidate) in page
    assert "field-status" in page
    _page, large, _cycle = _closed_vote_page(vworld, client, 10)
    assert small == large
