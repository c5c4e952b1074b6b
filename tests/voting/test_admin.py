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
