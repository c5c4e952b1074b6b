"""The demo holds a selection cycle in every stage, and seeding twice changes nothing."""

from django.core.management import call_command

from portal.models import Event, User
from voting import queries
from voting.models import Cycle, Vote


def test_demo_has_a_cycle_in_every_stage_and_is_idempotent(seeded_demo, db, client):
    # seeded_demo: ``seed_demo`` on the empty database (tests/conftest.py)
    assert set(Cycle.objects.values_list("stage", flat=True)) == set(Cycle.Stage.values)
    before = (list(Cycle.objects.values_list("pk", "stage")), Event.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (list(Cycle.objects.values_list("pk", "stage")), Event.objects.count()) == before

    deputy = User.objects.get(username="deputy_shipu")
    open_votes = list(queries.open_votes_of(deputy))
    assert len(open_votes) == 1 and not open_votes[0].has_voted
    closed = Vote.objects.filter(state="closed").first()
    assert closed.outcome == "decided" and closed.returned == closed.issued == 5
    evaluating = Cycle.objects.get(stage="evaluate")
    assert queries.evaluation_results(evaluating)[0].satisfied == 1
    # The public pages of every demo cycle render.
    assert client.get("/voting/").status_code == 200
    for cycle in Cycle.objects.all():
        assert client.get(f"/voting/cycles/{cycle.pk}/").status_code == 200
    for vote in Vote.objects.all():
        assert client.get(f"/voting/votes/{vote.pk}/live/").status_code == 200
