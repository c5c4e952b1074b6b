"""The side menu of every signed-in page: what each role sees, the counts of what waits,
the user's jurisdiction, and the minute the counts are kept."""

import re

import pytest

from portal import nav
from tests.petitions.conftest import pworld, submit, sworld, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def menu_links(html: str) -> dict[str, str]:
    """The menu's links by address, with the text shown (count included)."""
    menu = html.split('id="side-menu"', 1)[1].split("</details>", 1)[0]
    found = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', menu, flags=re.S)
    return {url: re.sub(r"<[^>]+>", " ", text).split() for url, text in found}


def test_office_staff_see_the_modules_with_what_waits_and_their_jurisdiction(client, pworld):  # noqa: F811
    for _n in range(2):
        submit(pworld)
    client.force_login(pworld.base.users["township"])
    html = client.get("/desk/").content.decode()
    links = menu_links(html)
    assert links["/desk/petitions/"][-1] == "2"  # two issues await screening
    assert "/desk/petitions/new/" in links and "/desk/petitions/topics/" in links
    assert "/desk/stations/statistics/" in links
    who = html.split('id="who-am-i"', 1)[1].split("</div>", 1)[0]
    assert "甲一镇" in who


def test_a_handling_unit_sees_its_worklist_but_not_the_offices_pages(client, pworld):  # noqa: F811
    client.force_login(pworld.handlers["townA1"])
    links = menu_links(client.get("/desk/").content.decode())
    assert "/desk/petitions/" in links
    assert "/desk/petitions/new/" not in links and "/desk/petitions/topics/" not in links
    assert "/desk/stations/statistics/" not in links


def test_a_deputy_logs_receptions_and_sees_no_office_statistics(client, pworld):  # noqa: F811
    client.force_login(pworld.deps["a1"].user)
    links = menu_links(client.get("/desk/").content.decode())
    assert "/desk/receptions/new/" in links
    assert "/desk/petitions/" not in links and "/desk/stations/statistics/" not in links


def test_counts_are_kept_a_minute_and_forgotten_on_demand(client, pworld, settings):  # noqa: F811
    settings.NAV_COUNT_SECONDS = 60
    clerk = pworld.base.users["township"]
    submit(pworld)
    client.force_login(clerk)
    assert menu_links(client.get("/desk/").content.decode())["/desk/petitions/"][-1] == "1"
    submit(pworld)
    assert menu_links(client.get("/desk/").content.decode())["/desk/petitions/"][-1] == "1"
    nav.forget(clerk)
    assert menu_links(client.get("/desk/").content.decode())["/desk/petitions/"][-1] == "2"


def test_every_menu_link_of_every_role_opens(client, pworld):  # noqa: F811
    users = [pworld.base.users["township"], pworld.base.users["county"],
             pworld.handlers["townA1"], pworld.deps["a1"].user]  # fmt: skip
    for user in users:
        client.force_login(user)
        for url in menu_links(client.get("/desk/").content.decode()):
            assert client.get(url).status_code == 200, (user.username, url)


def test_public_pages_show_no_menu_to_citizens(client):
    assert 'id="side-menu"' not in client.get("/").content.decode()
