"""The demo suggestions: every state, numbered session suggestions, idempotent, scoped."""

from petitions import demo as petitions_demo
from portal.demo import core
from portal.models import User
from stations import demo as stations_demo
from supervision.suggestions import demo, queries
from supervision.suggestions.models import Suggestion


def _build():
    regions = core.build()
    stations_demo.build(regions)
    petitions_demo.build(regions)
    demo.build(regions)
    return regions


def test_demo_has_every_state_and_is_idempotent(db):
    _build()
    states = set(Suggestion.objects.values_list("state", flat=True))
    assert states == set(Suggestion.State.values)
    numbers = sorted(n for n in Suggestion.objects.values_list("number", flat=True) if n)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 6
    assert Suggestion.objects.filter(queries.overdue_q()).exists()
    count = Suggestion.objects.count()
    _build()
    assert Suggestion.objects.count() == count


def test_demo_accounts_see_their_suggestions(db):
    _build()
    deputy = User.objects.get(username="deputy_shipu")
    mine = queries.suggestions_for(deputy)
    assert mine.count() == Suggestion.objects.count()  # all filed by 郑海波
    traffic = User.objects.get(username="dept_traffic")
    assert set(queries.suggestions_for(traffic).values_list("state", flat=True)) == {
        "handling", "replied", "completed",
    }  # fmt: skip
    daxu = User.objects.get(username="daxu_staff")
    assert not queries.suggestions_for(daxu).exists()
    shipu = User.objects.get(username="shipu_staff")
    assert queries.suggestions_for(shipu).count() == Suggestion.objects.count()
