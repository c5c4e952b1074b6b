"""The staff and handling-unit pages of citizen issues: who sees which issue, the citizen's
name and phone, and the photos."""

import io

import pytest
from django.utils.translation import gettext
from PIL import Image

from tests.petitions.conftest import submit
from tests.petitions.desk_helpers import LIST, State, act, detail, forwarded, listed, sibling_staff

# --- who sees what ------------------------------------------------------------------


def test_handler_lands_on_the_issues_assigned_to_its_unit(client, pworld):
    mine = forwarded(pworld)
    submit(pworld)  # not forwarded: the office's alone
    submit(pworld, region_key="townA2")
    client.force_login(pworld.handlers["townA1"])
    response = client.get(LIST)
    assert listed(response) == {mine.pk}
    assert response.context["title"] == gettext("Issues assigned to my unit")
    client.force_login(pworld.handlers["townA2"])
    assert listed(client.get(LIST)) == set()


def test_staff_see_their_subtree_newest_first(client, pworld):
    first, second = submit(pworld), submit(pworld, region_key="townA1")
    other = submit(pworld, region_key="townA2")
    client.force_login(pworld.base.users["township"])
    response = client.get(LIST)
    assert [p.pk for p in response.context["page"]] == [second.pk, first.pk]
    client.force_login(pworld.base.users["county"])
    assert listed(client.get(LIST)) == {first.pk, second.pk, other.pk}


def test_sibling_township_staff_get_404_on_detail_and_actions(client, pworld):
    petition = submit(pworld)
    client.force_login(sibling_staff(pworld))
    assert client.get(detail(petition)).status_code == 404
    assert act(client, petition, "accept").status_code == 404
    assert act(client, petition, "reject", reason="x").status_code == 404
    assert client.get(LIST).context["page"].paginator.count == 0
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_unknown_action_is_404_and_get_is_405(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["township"])
    assert act(client, petition, "explode").status_code == 404
    assert client.get(f"/desk/petitions/{petition.pk}/accept/").status_code == 405


def test_viewer_sees_the_issue_but_gets_403_on_actions(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["viewer"])
    page = client.get(detail(petition))
    assert page.status_code == 200 and page.context["action_forms"] == []
    for action, data in [("accept", {}), ("reject", {"reason": "x"}), ("reply", {"text": "x"})]:
        assert act(client, petition, action, **data).status_code == 403
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_handler_cannot_take_office_actions(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    assert act(client, petition, "forward", department=pworld.units["townA1"].pk).status_code == 403
    assert act(client, petition, "rate", rating="satisfied").status_code == 403


# --- the citizen's name and phone ---------------------------------------------------


def test_list_masks_the_citizen_for_everyone(client, pworld):
    forwarded(pworld)
    for user in (pworld.base.users["township"], pworld.handlers["townA1"]):
        client.force_login(user)
        html = client.get(LIST).content.decode()
        assert "138****1111" in html and "13800001111" not in html
        assert "李**" in html and "李大姐" not in html


@pytest.mark.parametrize(
    ("who", "full"),
    [("township", True), ("county", True), ("viewer", False), ("handler_a1", True)],
)
def test_detail_shows_the_full_citizen_only_to_the_office_and_the_assigned_unit(
    client, pworld, who, full
):
    petition = forwarded(pworld)
    user = pworld.handlers["townA1"] if who == "handler_a1" else pworld.base.users[who]
    client.force_login(user)
    html = client.get(detail(petition)).content.decode()
    assert ("13800001111" in html and "李大姐" in html) is full
    assert ("138****1111" in html) is not full


def test_after_handing_back_the_unit_no_longer_sees_the_issue(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    response = act(client, petition, "hand_back", reason="属于县交通局职责")
    assert response.status_code == 302 and response["Location"] == LIST
    petition.refresh_from_db()
    assert petition.state == State.ACCEPTED and petition.department is None
    assert client.get(detail(petition)).status_code == 404


# --- photos -------------------------------------------------------------------------


def _jpeg() -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(buffer, "JPEG")
    return buffer.getvalue(), 8, 6


def test_photos_are_served_only_to_those_who_see_the_issue(client, pworld, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    petition = submit(pworld, photos=[_jpeg()])
    photo = petition.photos.get()
    url = f"/desk/petitions/photos/{photo.pk}/"
    client.force_login(pworld.base.users["township"])
    page = client.get(detail(petition)).content.decode()
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(sibling_staff(pworld))
    assert client.get(url).status_code == 404
    client.force_login(pworld.handlers["townA1"])  # not assigned (yet)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert client.get("/desk/petitions/photos/999999/").status_code == 302
