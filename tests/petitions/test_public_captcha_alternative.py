"""The text-message alternative to the picture check code on the citizens' forms (the issue
form, petitions/public_form.py, and the proposal form, voting/public.py): labelled, usable
without a script (the form's own button), keeping what was typed, and as strict as the
picture. The code itself is tested in tests/portal/test_captcha_sms.py."""

import re

import pytest
from django.utils.translation import gettext as _

from petitions.models import Petition
from portal import captcha, captcha_sms, sms
from tests.petitions.public_helpers import NEW_URL, form_data, text
from voting import workflow as voting_workflow
from voting.models import Proposal

pytestmark = pytest.mark.usefixtures("_media")
PROPOSE_URL = "/voting/propose/"
PHONE = "13800001111"  # the phone of ``form_data``
SENT = _("A code was sent to %(phone)s.") % {"phone": "138****1111"}
WRONG = _(
    "The code from the text message is wrong or no longer valid. Check the phone number, or "
    "ask for a new code."
)


@pytest.fixture(autouse=True)
def console_sms(settings):
    settings.SMS_BACKEND = "portal.sms.ConsoleBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def code_sent(phone=PHONE) -> str:
    sent_to, message = sms.outbox[-1]
    assert sent_to == phone
    return re.search(r"\b(\d{6})\b", message).group(1)


def hidden_token(page: str) -> str:
    return re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)


def ask_code(client, data, url=NEW_URL):
    """Press the form's "code by text message" button (a plain submit: no script)."""
    return client.post(url, {**data, "send_sms_code": "1", "captcha": ""})


# --- the issue form --------------------------------------------------------------------


def test_the_picture_has_a_text_alternative_and_every_control_a_label(client, pworld):
    page = text(client.get(NEW_URL))
    assert (
        f'alt="{_("Picture check code; if you cannot read it, get a code by text message instead")}"'
        in page
    )
    button = re.search(r'<button type="submit" name="send_sms_code"[^>]*>([^<]*)</button>', page)
    assert button and button.group(1) == _(
        "Cannot read or see the picture? Get a code by text message instead"
    )
    assert "formnovalidate" in button.group(0)
    assert 'aria-describedby="captcha-sms-note"' in button.group(0)
    answer = re.search(r'<input type="text" name="captcha"[^>]*>', page).group(0)
    assert (
        'id="id_captcha"' in answer
        and 'aria-describedby="captcha-hint captcha-sms-status"' in answer
    )
    assert '<label for="id_captcha">' in page and 'id="captcha-hint"' in page
    assert 'id="captcha-sms-status" role="status"' in page
    # Enter in a field submits the issue, not the text-message button.
    first_submit = re.search(r'<button type="submit"[^>]*>', page).group(0)
    assert "send_sms_code" not in first_submit
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
        if 'type="hidden"' not in tag:
            control = re.search(r'\bid="([^"]+)"', tag).group(1)
            assert f'for="{control}"' in page, control


def test_asking_for_a_code_without_a_script_keeps_what_was_typed(client, pworld):
    data = form_data(pworld, title="桥头的路灯坏了", description="桥头的路灯坏了\n一个多月")
    response = ask_code(client, data)
    assert response.status_code == 200
    page = text(response)
    assert SENT in page
    assert sms.outbox[-1][0] == PHONE and len(sms.outbox) == 1
    for value in ("桥头的路灯坏了", "王大伯", PHONE, data["client_token"]):
        assert f'value="{value}"' in page
    assert "桥头的路灯坏了\n一个多月</textarea>" in page
    assert f'value="{pworld.base.regions["townA1"].pk}" selected' in page
    assert hidden_token(page) == data["captcha_token"]  # the code is bound to it
    assert (
        _("Type the 6-digit code from the text message, or the 4 digits shown in the picture.")
        in page
    )
    assert not Petition.objects.exists()


def test_the_right_code_in_place_of_the_picture_submits_the_issue(client, pworld):
    data = form_data(pworld)
    ask_code(client, data)
    response = client.post(NEW_URL, {**data, "captcha": code_sent()})
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert response["Location"].endswith(f"/submitted/{petition.tracking_code}/")
    assert petition.citizen_phone == PHONE


def test_a_wrong_code_is_a_form_error_and_nothing_is_stored(client, pworld):
    data = form_data(pworld)
    ask_code(client, data)
    code = code_sent()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post(NEW_URL, {**data, "captcha": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [WRONG]
    assert not Petition.objects.exists()
    page = text(response)
    assert hidden_token(page) == data["captcha_token"]  # still bound: the right code can follow
    assert client.post(NEW_URL, {**data, "captcha": code}).status_code == 302
    assert Petition.objects.count() == 1


def test_a_code_is_single_use(client, pworld):
    data = form_data(pworld)
    ask_code(client, data)
    code = code_sent()
    assert client.post(NEW_URL, {**data, "captcha": code}).status_code == 302
    again = {**data, "captcha": code, "client_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"}
    response = client.post(NEW_URL, again)
    assert response.status_code == 200 and response.context["form"].errors["captcha"] == [WRONG]
    assert Petition.objects.count() == 1


def test_an_expired_code_is_refused(client, pworld, monkeypatch):
    data = form_data(pworld)
    ask_code(client, data)
    now = captcha_sms._now()
    monkeypatch.setattr(captcha_sms, "_now", lambda: now + captcha_sms.CODE_SECONDS + 1)
    response = client.post(NEW_URL, {**data, "captcha": code_sent()})
    assert response.status_code == 200 and "captcha" in response.context["form"].errors
    assert not Petition.objects.exists()


def test_a_code_sent_to_another_phone_is_refused(client, pworld):
    data = form_data(pworld)
    ask_code(client, {**data, "citizen_phone": "13900002222"})
    code = code_sent("13900002222")
    response = client.post(NEW_URL, {**data, "captcha": code})  # the form's phone: 13800001111
    assert response.context["form"].errors["captcha"] == [WRONG]
    assert not Petition.objects.exists()


def test_no_code_without_a_mobile_number_and_the_form_is_kept(client, pworld):
    data = form_data(pworld, citizen_phone="", wants_feedback=None)
    response = ask_code(client, data)
    assert response.status_code == 200
    page = text(response)
    assert _("Enter your mobile phone number in the form first.") in page
    assert 'id="captcha-sms-status" class="petition-alert" role="alert"' in page
    assert 'value="村口路灯坏了"' in page and sms.outbox == []
    assert hidden_token(page) != data["captcha_token"]  # nothing bound: a fresh picture


def test_asking_again_within_a_minute_is_refused_with_429(client, pworld):
    data = form_data(pworld)
    ask_code(client, data)
    response = ask_code(client, data)
    assert response.status_code == 429
    page = text(response)
    assert _("A code was sent to this number less than a minute ago. Please wait.") in page
    assert 'value="村口路灯坏了"' in page
    assert len(sms.outbox) == 1


def test_asking_from_one_address_for_many_phones_is_refused_with_429(client, pworld, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "captcha_sms_ip": (2, 3600)}
    for phone in ("13800000001", "13800000002"):
        assert ask_code(client, form_data(pworld, citizen_phone=phone)).status_code == 200
    response = ask_code(client, form_data(pworld, citizen_phone="13800000003"))
    assert response.status_code == 429
    assert _("Too many codes were asked for from your network. Please try again later.") in text(
        response
    )
    assert len(sms.outbox) == 2


def test_the_picture_still_works_beside_the_code(client, pworld):
    data = form_data(pworld)
    ask_code(client, data)
    response = client.post(NEW_URL, {**data, "captcha": captcha.answer_for(data["captcha_token"])})
    assert response.status_code == 302 and Petition.objects.count() == 1
    fresh = form_data(pworld)
    assert client.post(NEW_URL, fresh).status_code == 302  # and without any code
    assert Petition.objects.count() == 2


# --- the proposal form -----------------------------------------------------------------


@pytest.fixture
def cycle(sworld):
    return voting_workflow.cycle_create(
        actor=sworld.base.users["township"], year=2027, title="2027年民生实事",
        region_id=sworld.base.regions["townA1"].pk,
    )  # fmt: skip


def proposal_data(cycle, **overrides) -> dict:
    token = captcha.issue()
    data = {
        "client_token": "2b4e28ba-2fa1-11d2-883f-0016d3cca427", "captcha_token": token,
        "captcha": captcha.answer_for(token), "cycle": str(cycle.pk), "title": "村口修桥",
        "description": "村口石桥年久失修", "proposer_name": "李四",
        "proposer_phone": PHONE, "consent": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_proposal_form_offers_the_same_alternative(client, cycle):
    page = text(client.get(PROPOSE_URL))
    assert 'name="send_sms_code"' in page and "formnovalidate" in page
    assert 'aria-describedby="captcha-hint captcha-sms-status"' in page
    data = proposal_data(cycle, title="修一座桥")
    response = ask_code(client, data, PROPOSE_URL)
    page = text(response)
    assert response.status_code == 200 and SENT in page
    assert 'value="修一座桥"' in page and hidden_token(page) == data["captcha_token"]
    assert not Proposal.objects.exists()
    wrong = client.post(
        PROPOSE_URL, {**data, "captcha": "000000" if code_sent() != "000000" else "111111"}
    )
    assert wrong.context["form"].errors["captcha"] == [WRONG]
    assert client.post(PROPOSE_URL, {**data, "captcha": code_sent()}).status_code == 302
    assert Proposal.objects.get().title == "修一座桥"
