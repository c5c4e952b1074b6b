"""The citizens' proposal form (voting/public.py ``propose``): fields first and the check
code last, the consent beside its label, the privacy notice shown, an over-long text refused
and kept, and a failed CSRF check answered with the form as it was typed."""

import html
import re

import pytest
from django.test import Client
from django.utils.translation import gettext as _

from portal import captcha
from voting import workflow
from voting.models import Proposal

URL = "/voting/propose/"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def cycle(sworld):
    return workflow.cycle_create(
        actor=sworld.base.users["township"], year=2027, title="2027年民生实事",
        region_id=sworld.base.regions["townA1"].pk,
    )  # fmt: skip


def proposal_data(cycle, **overrides) -> dict:
    token = captcha.issue()
    data = {
        "client_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "captcha_token": token,
        "captcha": captcha.answer_for(token), "cycle": str(cycle.pk), "title": "村口修桥",
        "description": "村口石桥年久失修", "proposer_name": "李四",
        "proposer_phone": "13900001111", "consent": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_form_puts_the_check_code_last_and_the_consent_beside_its_label(client, cycle):
    page = text(client.get(f"{URL}?cycle={cycle.pk}"))
    order = [page.index(f'name="{name}"') for name in
             ("cycle", "title", "description", "proposer_name", "proposer_phone", "consent",
              "captcha")]  # fmt: skip
    assert order == sorted(order)
    consent = re.search(r'<label class="petition-check" for="id_consent">(.*?)</label>', page, re.S)
    assert consent and 'type="checkbox"' in consent.group(1)
    assert '<details class="proposal-privacy" id="privacy">' in page
    assert _("Privacy notice") in page
    description = re.search(r"<textarea[^>]*>", page).group(0)
    assert "maxlength" not in description and 'data-max-chars="5000"' in description
    assert "petitions/counter.js" in page


def test_an_over_long_description_is_refused_and_kept(client, cycle):
    pasted = "修桥" * 3000  # 6,000 characters
    response = client.post(URL, proposal_data(cycle, description=pasted))
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    page = text(response)
    assert "6000" in page and pasted in page
    assert not Proposal.objects.filter(cycle=cycle).exists()


def test_a_lost_csrf_cookie_gives_the_proposal_back_as_typed(cycle):
    browser = Client(enforce_csrf_checks=True)
    data = proposal_data(cycle, title="修一座桥", description="村口石桥\n年久失修")
    response = browser.post(URL, data)
    assert response.status_code == 403
    page = text(response)
    assert _(
        "Your proposal was not sent: the page had expired. What you typed is kept below; type "
        "the new check code and send it again."
    ) in page  # fmt: skip
    for value in ("修一座桥", "李四", "13900001111", data["client_token"]):
        assert f'value="{value}"' in page
    assert "村口石桥\n年久失修</textarea>" in page
    assert f'<option value="{cycle.pk}" selected>' in page
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', page)
    assert not Proposal.objects.exists()

    token = response.context["captcha_token"]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    again = {**data, "captcha_token": token, "captcha": captcha.answer_for(token),
             "csrfmiddlewaretoken": csrf}  # fmt: skip
    assert browser.post(URL, again).status_code == 302
    assert Proposal.objects.get().title == "修一座桥"
