"""Staff entering a citizen issue taken by hotline, letter or visit."""

import pytest

from petitions.models import Petition
from tests.petitions.desk_helpers import State, detail

# --- staff entry --------------------------------------------------------------------


def entry(pworld, **overrides):
    data = {
        "channel": "hotline", "region": pworld.base.regions["villageA1"].pk, "category": "traffic",
        "title": "路灯不亮", "description": "村口路灯坏了一个月", "citizen_name": "王伯",
        "citizen_phone": "13900002222", "client_token": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_enter_an_issue_from_the_hotline(client, pworld):
    client.force_login(pworld.base.users["township"])
    form = client.get("/desk/petitions/new/")
    assert form.status_code == 200
    offered = set(form.context["form"].fields["region"].queryset)
    assert pworld.base.regions["villageA1"] in offered
    assert pworld.base.regions["townA2"] not in offered
    token = form.context["form"]["client_token"].value()
    response = client.post("/desk/petitions/new/", entry(pworld, client_token=token))
    petition = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(petition)
    assert (petition.channel, petition.created_by, petition.state) == (
        "hotline",
        pworld.base.users["township"],
        State.SUBMITTED,
    )
    again = client.post("/desk/petitions/new/", entry(pworld, client_token=token))
    assert again.status_code == 302 and Petition.objects.count() == 1  # a double click


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"description": "  "}, "description"),
        ({"citizen_phone": "12345"}, "citizen_phone"),
        ({"citizen_phone": "", "wants_feedback": "on"}, "citizen_phone"),
        ({"channel": "web"}, "channel"),
        ({"category": "aliens"}, "category"),
        ({"region": "townA2"}, "region"),
        ({"region": "abc"}, "region"),
    ],
)
def test_bad_entry_is_400_and_stores_nothing(client, pworld, overrides, field):
    if overrides.get("region") == "townA2":
        overrides["region"] = pworld.base.regions["townA2"].pk
    client.force_login(pworld.base.users["township"])
    response = client.post("/desk/petitions/new/", entry(pworld, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Petition.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "deputy"])
def test_only_managing_staff_enter_issues(client, pworld, who):
    client.force_login(pworld.base.users[who])
    assert client.get("/desk/petitions/new/").status_code == 403
    assert client.post("/desk/petitions/new/", entry(pworld)).status_code == 403
    client.force_login(pworld.handlers["townA1"])
    assert client.post("/desk/petitions/new/", entry(pworld)).status_code == 403
    assert not Petition.objects.exists()
