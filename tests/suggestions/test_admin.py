"""The admin of suggestions: scoped list, batch assignment action."""

from supervision.suggestions.models import Suggestion
from tests.suggestions.conftest import accepted

URL = "/admin/suggestions/suggestion/"


def test_admin_list_is_scoped(client, gworld):
    s = accepted(gworld)
    client.force_login(gworld.users["county"])
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{s.pk}/change/").status_code == 200
    client.force_login(gworld.users["county_b"])
    assert client.get(f"{URL}{s.pk}/change/").status_code == 404


def test_admin_batch_assignment(client, gworld):
    one, two = accepted(gworld), accepted(gworld, title="第二件")
    client.force_login(gworld.users["county"])
    page = client.post(URL, {"action": "assign_suggestions", "_selected_action": [one.pk, two.pk]})
    assert page.status_code == 200 and "unit_" in page.content.decode()
    done = client.post(URL, {
        "action": "assign_suggestions", "_selected_action": [one.pk, two.pk], "apply": "1",
        f"unit_{one.pk}": gworld.units["lead"].pk, f"leader_{one.pk}": "王副县长",
        f"unit_{two.pk}": gworld.units["co"].pk, f"leader_{two.pk}": "王副县长",
    })  # fmt: skip
    assert done.status_code == 302
    assert Suggestion.objects.filter(state="handling").count() == 2
