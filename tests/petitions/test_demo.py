"""The demo holds citizen issues in every state, and seeding twice changes nothing."""

from django.core.management import call_command

from petitions.models import Petition
from portal import access
from portal.models import Event, User


def test_demo_has_an_issue_in_every_state_and_is_idempotent(seeded_demo, db):
    # seeded_demo: ``seed_demo`` on the empty database (tests/conftest.py)
    states = set(Petition.objects.values_list("state", flat=True))
    assert states >= set(Petition.State.values)
    before = (list(Petition.objects.values_list("pk", "state", "round")), Event.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        list(Petition.objects.values_list("pk", "state", "round")),
        Event.objects.count(),
    ) == before
    handler = User.objects.get(username="dept_traffic")
    mine = access.visible(handler, Petition.objects.all())
    assert mine.exists() and all(p.department_id == handler.department_id for p in mine)
    assert Petition.objects.filter(published=True).exists()
