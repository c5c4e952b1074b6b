"""Nothing a citizen typed is lost silently: an over-long text is refused with a message and
kept (no maxlength attribute cuts it in the browser), and a failed CSRF check (a lost
cookie) answers with the form as it was typed, never with Django's page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.translation import gettext as _

from petitions.models import Petition
from portal import captcha
from tests.petitions.public_helpers import NEW_URL, form_data, text

pytestmark = pytest.mark.usefixtures("_media")  # uploads go to a temporary folder


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_the_citizens_texts_have_no_maxlength_but_a_counter(client, pworld):
    page = text(client.get(NEW_URL))
    description = re.search(r"<textarea[^>]*name=\"description\"[^>]*>", page).group(0)
    title = re.search(r"<input[^>]*name=\"title\"[^>]*>", page).group(0)
    for tag in (description, title):
        assert "maxlength" not in tag
    assert 'data-max-chars="5000"' in description and 'data-max-chars="100"' in title
    assert "已输入 {count} / {limit} 字" in description
    for name in ("citizen_name", "citizen_phone"):
        assert "maxlength" not in re.search(rf"<input[^>]*name=\"{name}\"[^>]*>", page).group(0)
    assert "petitions/counter.js" in page


def test_an_over_long_description_is_refused_with_a_message_and_kept(client, pworld):
    pasted = "路灯坏了" * 1500  # 6,000 characters
    response = client.post(NEW_URL, form_data(pworld, description=pasted))
    assert response.status_code == 200
    errors = response.context["form"].errors["description"]
    assert errors == [
        _(
            "This text has %(show_value)d characters, more than the %(limit_value)d allowed. "
            "Shorten it: what you typed is kept here."
        )
        % {"show_value": 6000, "limit_value": 5000}  # fmt: skip
    ]
    page = text(response)
    assert "6000" in page and pasted in page  # the whole text, not cut at 5,000
    assert not Petition.objects.exists()


def test_line_breaks_count_as_one_character_as_the_browser_counts_them(client, pworld):
    lines = "\r\n".join(["村口" * 50] * 50)  # 5,000 characters and 49 line breaks
    assert len(lines.replace("\r\n", "\n")) == 5049
    refused = client.post(NEW_URL, form_data(pworld, description=lines))
    assert "description" in refused.context["form"].errors
    fits = "\r\n".join(["村口" * 49] * 50)  # 4,900 + 49: fits only if CRLF is one
    assert client.post(NEW_URL, form_data(pworld, description=fits)).status_code == 302
    assert Petition.objects.get().description == fits.replace("\r\n", "\n")


def test_a_lost_csrf_cookie_gives_the_form_back_as_typed(pworld):
    browser = Client(enforce_csrf_checks=True)  # never opened the form: no CSRF cookie
    regions = pworld.base.regions
    photo = SimpleUploadedFile("a.png", b"\x89PNG not really", content_type="image/png")
    data = form_data(
        pworld, category="environment", title="河道有垃圾", description="河道里堆满了垃圾\n已经发臭",
        citizen_name="赵阿姨", citizen_phone="13900002222", photos=photo,
    )  # fmt: skip
    response = browser.post(NEW_URL, data)
    assert response.status_code == 403
    page = text(response)
    assert _(
        "Your issue was not sent: the page had expired. What you typed is kept below; type "
        "the new check code and submit again."
    ) in page  # fmt: skip
    assert (
        _("Choose your photos again: a browser does not keep them when a form comes back.") in page
    )
    assert "河道里堆满了垃圾\n已经发臭</textarea>" in page
    for value in ("河道有垃圾", "赵阿姨", "13900002222"):
        assert f'value="{value}"' in page
    assert '<option value="environment" selected>' in page
    assert f'<option value="{regions["townA1"].pk}" selected>' in page
    assert f'<option value="{regions["villageA1"].pk}" selected>' in page
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', page)
    assert re.search(r'<input type="checkbox" name="wants_feedback"[^>]*checked', page)
    assert hidden(page, "client_token") == data["client_token"]
    assert not Petition.objects.exists()

    # The page carries a fresh token (and set its cookie): sending it again goes through.
    token = hidden(page, "captcha_token")
    assert token != data["captcha_token"] and "csrftoken" in response.cookies
    again = {
        **data, "photos": None, "captcha_token": token, "captcha": captcha.answer_for(token),
        "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
    }  # fmt: skip
    again = {key: value for key, value in again.items() if value is not None}
    assert browser.post(NEW_URL, again).status_code == 302
    assert Petition.objects.get().title == "河道有垃圾"


def test_a_cross_site_post_is_still_refused(pworld):
    browser = Client(enforce_csrf_checks=True)
    browser.get(NEW_URL)
    data = form_data(pworld, csrfmiddlewaretoken="x" * 32)
    assert browser.post(NEW_URL, data).status_code == 403
    assert not Petition.objects.exists()
