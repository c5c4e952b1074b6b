"""The citizens' issue form and its receipt.

Messages are compared through gettext, so the tests hold in English and after translation.
The tracking pages are tested in test_public_tracking.py, the published results in
test_public_results.py.
"""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image

from petitions import workflow
from petitions.models import Petition, PetitionPhoto
from portal import captcha, ratelimit
from portal.errors import DomainError
from portal.models import Event
from tests.petitions.conftest import submit
from tests.petitions.public_helpers import NEW_URL, TRACK_URL, form_data, text
from tests.portal.test_images import jpeg_with_exif, png_header_bomb

pytestmark = pytest.mark.usefixtures("_media")  # uploads go to a temporary folder


def png(size=(40, 30), colour=(10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name="photo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def nothing_stored(media) -> bool:
    files = [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
    return (
        not Petition.objects.exists()
        and not PetitionPhoto.objects.exists()
        and not Event.objects.filter(action="petition_submit").exists()
        and not files
    )


def errors_of(response) -> dict:
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


# --- the form ------------------------------------------------------------------------


def test_the_form_lists_townships_by_county_and_has_a_captcha(client, pworld):
    response = client.get(NEW_URL)
    assert response.status_code == 200
    page = text(response)
    assert '<optgroup label="甲县">' in page and '<optgroup label="乙县">' in page
    for name in ("甲一镇", "甲二镇", "乙一镇"):
        assert name in page
    token = response.context["captcha_token"]
    assert captcha.is_valid_token(token)
    assert f"{reverse('petitions:captcha')}?t=" in page
    assert uuid.UUID(response.context["client_token"]).version == 4
    assert 'name="consent"' in page and _("Privacy notice") in page
    assert "public.js" in page and "http://" not in page.replace("http://www.w3.org", "")


def test_the_home_page_links_to_the_citizen_pages(client, db):
    page = client.get("/").content.decode()
    for name in ("petitions:new", "petitions:track", "petitions:results"):
        assert f'href="{reverse(name)}"' in page


def test_submit_with_a_photo_gives_a_receipt_and_a_clean_jpeg(client, pworld, _media):
    data = form_data(pworld, photos=[upload(png())])
    response = client.post(NEW_URL, data)
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:submitted", args=[petition.tracking_code])
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200 and petition.tracking_code in receipt.content.decode()
    assert (petition.region, petition.channel, petition.category) == (
        pworld.base.regions["villageA1"],
        "web",
        "traffic",
    )
    assert (petition.citizen_name, petition.citizen_phone, petition.wants_feedback) == (
        "王大伯",
        "13800001111",
        True,
    )
    assert petition.client_token == data["client_token"] and petition.created_by is None
    photo = petition.photos.get()
    stored = photo.image.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and (photo.width, photo.height) == image.size == (40, 30)
    assert b"Exif" not in stored and photo.image.name.endswith(".jpg")


def test_a_photo_with_location_data_is_stored_without_it(client, pworld):
    data = form_data(pworld, photos=[upload(jpeg_with_exif(), "IMG_0001.JPG", "image/jpeg")])
    assert client.post(NEW_URL, data).status_code == 302
    stored = PetitionPhoto.objects.get().image.read()
    assert b"Exif" not in stored and b"SecretCamMaker" not in stored


def test_a_jpeg_with_a_trailing_payload_is_stored_without_it(client, pworld):
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(out, format="JPEG")
    payload = b"<?php echo 'PAYLOAD-7f3a'; ?>" * 10
    data = form_data(pworld, photos=[upload(out.getvalue() + payload, "a.jpg", "image/jpeg")])
    assert client.post(NEW_URL, data).status_code == 302
    stored = PetitionPhoto.objects.get().image.read()
    assert stored.startswith(b"\xff\xd8") and b"PAYLOAD-7f3a" not in stored


def test_the_receipt_is_only_for_the_session_that_submitted(client, pworld):
    response = client.post(NEW_URL, form_data(pworld))
    code = Petition.objects.get().tracking_code
    assert client.get(response["Location"]).status_code == 200
    client.cookies.clear()
    assert client.get(response["Location"]).status_code == 404
    other = submit(pworld)
    assert client.get(reverse("petitions:submitted", args=[other.tracking_code])).status_code == 404
    assert code != other.tracking_code


def test_the_form_is_protected_against_cross_site_posts(pworld):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(NEW_URL, form_data(pworld)).status_code == 403
    browser.get(NEW_URL)
    data = form_data(pworld, csrfmiddlewaretoken=browser.cookies["csrftoken"].value)
    assert browser.post(NEW_URL, data).status_code == 302
    assert Petition.objects.count() == 1


def test_a_station_pre_fills_the_place_and_is_recorded(client, pworld):
    station = pworld.stations["a1v"]  # the village station of villageA1
    response = client.get(f"{NEW_URL}?station={station.pk}")
    form = response.context["form"]
    regions = pworld.base.regions
    assert form.initial["county"] == str(regions["countyA"].pk)
    assert form.initial["township"] == str(regions["townA1"].pk)
    assert form.initial["village"] == str(regions["villageA1"].pk)
    page = text(response)
    assert station.name in page
    assert f'name="station_id" value="{station.pk}"' in page
    assert f'<option value="{regions["villageA1"].pk}" selected>' in page
    data = form_data(pworld, station_id=str(station.pk))
    assert client.post(f"{NEW_URL}?station={station.pk}", data).status_code == 302
    assert Petition.objects.get().station == station


@pytest.mark.parametrize("value", ["999999", "abc", "closed"])
def test_an_unknown_or_closed_station_is_ignored(client, pworld, value):
    station = pworld.stations["a1"]
    if value == "closed":
        station.is_active = False
        station.save()
        value = str(station.pk)
    response = client.get(f"{NEW_URL}?station={value}")
    assert response.status_code == 200 and response.context["station"] is None
    assert "township" not in response.context["form"].initial
    assert client.post(NEW_URL, form_data(pworld, station_id=value)).status_code == 302
    assert Petition.objects.get().station is None


def test_a_township_alone_is_enough(client, pworld):
    data = form_data(pworld, village="", county=None)
    assert client.post(NEW_URL, data).status_code == 302
    assert Petition.objects.get().region == pworld.base.regions["townA1"]


def bomb_upload():
    return upload(png_header_bomb(30000, 30000), "bomb.png")


BAD_INPUT = [
    ({"title": "", "description": "", "category": ""}, {"title", "description", "category"}),
    ({"title": "长" * 100_000}, {"title"}),
    ({"citizen_phone": "12345"}, {"citizen_phone"}),
    ({"citizen_phone": "", "wants_feedback": "on"}, {"citizen_phone"}),
    ({"township": "1000000000", "village": ""}, {"township"}),
    ({"township": "abc", "village": ""}, {"township"}),
    ({"village": "PLACEHOLDER_TOWNA2"}, {"village"}),
    ({"category": "aliens"}, {"category"}),
    ({"consent": None}, {"consent"}),
    ({"captcha": "0000"}, {"captcha"}),
    ({"captcha": None}, {"captcha"}),
    ({"captcha_token": "forged"}, {"captcha"}),
    ({"client_token": "not-a-uuid"}, {"client_token"}),
    ({"description": "x" * 5001}, {"description"}),
    ({"citizen_name": "名" * 65}, {"citizen_name"}),
    ({"title": "bad\x00byte"}, {"title"}),
]


@pytest.mark.parametrize(("overrides", "fields"), BAD_INPUT)
def test_bad_input_is_a_form_error_and_stores_nothing(client, pworld, _media, overrides, fields):
    if overrides.get("village") == "PLACEHOLDER_TOWNA2":  # a region that is not a village of
        overrides = {"village": str(pworld.base.regions["townA2"].pk)}  # the chosen township
    response = client.post(NEW_URL, form_data(pworld, **overrides))
    assert response.status_code == 200
    assert set(errors_of(response)) == fields
    assert nothing_stored(_media)


@pytest.mark.parametrize(
    ("photos", "expected"),
    [
        ([upload(b"hello, I am text", "photo.jpg", "image/jpeg")], "JPEG、PNG 或 WebP"),
        ([bomb_upload()], "像素"),
        ([upload(png(), f"p{n}.png") for n in range(4)], "3"),
        ([upload(b"\xff\xd8" + b"\0" * (9 * 1024 * 1024), "big.jpg", "image/jpeg")], "8 MB"),
        ([upload(png()), upload(b"GIF89a...", "second.gif", "image/gif")], "second.gif"),
    ],
    ids=["text-named-jpg", "image-bomb", "four-photos", "nine-mb-photo", "one-bad-of-two"],
)
def test_bad_photos_are_a_form_error_and_store_nothing(client, pworld, _media, photos, expected):
    response = client.post(NEW_URL, form_data(pworld, photos=photos))
    assert response.status_code == 200
    errors = errors_of(response)
    assert set(errors) == {"photos"} and expected in errors["photos"][0]
    assert response.context["photos_dropped"]
    assert nothing_stored(_media)


def test_a_20_mb_upload_is_refused_before_it_is_read(client, pworld, _media):
    big = upload(b"\xff\xd8" + b"\0" * (20 * 1024 * 1024), "huge.jpg", "image/jpeg")
    response = client.post(NEW_URL, form_data(pworld, photos=[big]))
    assert response.status_code == 413
    assert "12 MB" in response.context["problem"] and response.context["problem"] in text(response)
    assert nothing_stored(_media)


def test_a_malformed_body_is_a_message_not_a_500(client, pworld, _media):
    response = client.post(
        NEW_URL, data=b"--x\r\nnonsense", content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code < 500
    assert nothing_stored(_media)


def test_the_form_comes_back_with_the_text_kept_a_new_captcha_and_the_same_token(client, pworld):
    data = form_data(pworld, consent=None)
    response = client.post(NEW_URL, data)
    page = text(response)
    assert data["title"] in page and data["description"] in page
    assert response.context["client_token"] == data["client_token"]
    assert response.context["captcha_token"] != data["captcha_token"]
    assert f'value="{data["captcha"]}"' not in page  # the answer is not echoed back


def test_a_captcha_is_single_use(client, pworld):
    first = form_data(pworld)
    assert client.post(NEW_URL, first).status_code == 302
    again = form_data(pworld, captcha_token=first["captcha_token"], captcha=first["captcha"])
    response = client.post(NEW_URL, again)
    assert set(errors_of(response)) == {"captcha"}
    assert Petition.objects.count() == 1


def test_a_wrong_answer_burns_the_captcha(client, pworld):
    data = form_data(pworld)
    right = data["captcha"]
    client.post(NEW_URL, dict(data, captcha="9"))
    response = client.post(NEW_URL, dict(data, captcha=right))
    assert set(errors_of(response)) == {"captcha"} and not Petition.objects.exists()


def test_a_double_submit_with_the_same_client_token_creates_one_issue(client, pworld):
    data = form_data(pworld, photos=[upload(png())])
    first = client.post(NEW_URL, data)
    data["photos"] = [upload(png())]
    second = client.post(NEW_URL, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Petition.objects.count() == 1 and PetitionPhoto.objects.count() == 1


def test_a_script_in_the_title_is_stored_as_typed_and_shown_escaped(client, pworld):
    title = "<script>alert('x')</script>路灯"
    response = client.post(NEW_URL, form_data(pworld, title=title, citizen_phone="13900002222"))
    petition = Petition.objects.get()
    assert petition.title == title
    for page in (
        client.get(response["Location"]),
        client.post(TRACK_URL, {"code": petition.tracking_code, "digits": "2222"}),
    ):
        body = page.content.decode()
        assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_a_workflow_refusal_becomes_a_form_error(client, pworld, monkeypatch, _media):
    def refuse(**kwargs):
        raise DomainError("No such place.", field="region")

    monkeypatch.setattr(workflow, "petition_submit", refuse)
    response = client.post(NEW_URL, form_data(pworld))
    assert response.status_code == 200
    assert errors_of(response) == {"township": ["No such place."]}
    assert nothing_stored(_media)


def test_thirty_fast_submissions_from_one_address_are_throttled(client, pworld):
    statuses = [
        client.post(NEW_URL, form_data(pworld, citizen_phone="", wants_feedback=None)).status_code
        for _n in range(30)
    ]
    assert statuses[:10] == [302] * 10
    assert set(statuses[10:]) == {429}
    assert Petition.objects.count() == 10


def test_a_throttled_submission_keeps_the_text(client, pworld):
    for _n in range(10):
        ratelimit.hit("petition_ip", "127.0.0.1")
    data = form_data(pworld)
    response = client.post(NEW_URL, data)
    assert response.status_code == 429 and not Petition.objects.exists()
    assert data["description"] in text(response) and response.context["problem"]


def test_one_phone_is_throttled_across_addresses(client, pworld):
    statuses = [
        client.post(NEW_URL, form_data(pworld), REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(7)
    ]
    assert statuses == [302] * 5 + [429] * 2
    response = client.post(NEW_URL, form_data(pworld), REMOTE_ADDR="10.0.1.1")
    assert set(errors_of(response)) == {"citizen_phone"}
    assert Petition.objects.count() == 5


# --- helpers of the form -----------------------------------------------------------


def test_region_children_are_json(client, pworld):
    regions = pworld.base.regions
    response = client.get(reverse("petitions:region_children", args=[regions["countyA"].pk]))
    assert response.status_code == 200
    names = [child["name"] for child in response.json()["children"]]
    assert names == ["甲一镇", "甲二镇"]
    village = client.get(reverse("petitions:region_children", args=[regions["townA1"].pk]))
    assert [child["id"] for child in village.json()["children"]] == [regions["villageA1"].pk]
    assert client.get(reverse("petitions:region_children", args=[10**9])).status_code == 404


def test_an_expired_captcha_is_refused(client, pworld, monkeypatch):
    data = form_data(pworld)
    monkeypatch.setattr(captcha, "MAX_AGE", -1)
    response = client.post(NEW_URL, data)
    assert set(errors_of(response)) == {"captcha"}
