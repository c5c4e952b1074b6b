"""The citizens' tracking pages: by code and digits, by the citizen's link, and rating.

Messages are compared through gettext, so the tests hold in English and after translation.
"""

import pytest
from django.utils.translation import gettext as _

from petitions import tracking, workflow
from petitions.models import Petition, PetitionRating
from petitions.vocabulary import Action
from portal.models import Notification
from portal.vocabulary import action_label
from tests.petitions.conftest import submit
from tests.petitions.public_helpers import NEW_URL, RATE_URL, TRACK_URL, form_data, replied, text

State = Petition.State
pytestmark = pytest.mark.usefixtures("_media")  # uploads go to a temporary folder


# --- tracking ------------------------------------------------------------------------


def test_the_right_code_and_digits_show_the_history_and_replies(client, pworld):
    petition = replied(pworld)
    response = client.post(TRACK_URL, {"code": petition.tracking_code.lower(), "digits": "1111"})
    assert response.status_code == 200
    page = text(response)
    for action in (Action.SUBMIT, Action.ACCEPT, Action.FORWARD, Action.REPLY):
        assert action_label(action) in page
    assert page.count(action_label(Action.FORWARD)) == 2
    assert action_label(Action.HAND_BACK) not in page  # the unit's hand-back stays inside
    assert "已协调公交公司增加早班车" in page and petition.get_state_display() in page
    for secret in ("内部：先核实情况", "内部备注：找老张", "内部退回理由", "李大姐", "13800001111"):
        assert secret not in page
    assert "138****1111" in page  # masked at most
    assert response.context["rating_form"] is not None


def test_wrong_digits_and_wrong_code_answer_the_same(client, pworld):
    petition = replied(pworld)
    wrong_digits = client.post(TRACK_URL, {"code": petition.tracking_code, "digits": "0000"})
    wrong_code = client.post(TRACK_URL, {"code": "ABCDEFGHJK", "digits": "1111"})
    no_digits = client.post(TRACK_URL, {"code": petition.tracking_code, "digits": ""})
    errors = [r.context["form"].non_field_errors() for r in (wrong_digits, wrong_code, no_digits)]
    assert errors[0] == errors[1] == errors[2] and len(errors[0]) == 1
    assert {r.status_code for r in (wrong_digits, wrong_code, no_digits)} == {200}
    for response in (wrong_digits, wrong_code, no_digits):
        assert "已协调公交公司" not in text(response) and "公交班次太少" not in text(response)


def test_an_issue_without_a_phone_is_tracked_by_its_code(client, pworld):
    petition = submit(pworld, citizen_phone="", wants_feedback=False)
    response = client.post(TRACK_URL, {"code": petition.tracking_code, "digits": ""})
    assert response.status_code == 200 and response.context["petition"] == petition


def test_tracking_guesses_are_throttled(client, pworld):
    petition = replied(pworld)
    statuses = [
        client.post(TRACK_URL, {"code": "ABCDEFGHJK", "digits": f"{n:04d}"}).status_code
        for n in range(25)
    ]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    right = client.post(TRACK_URL, {"code": petition.tracking_code, "digits": "1111"})
    assert right.status_code == 429 and "已协调公交公司" not in text(right)


def test_one_code_is_throttled_across_addresses(client, pworld):
    petition = replied(pworld)
    for n in range(20):
        client.post(
            TRACK_URL, {"code": petition.tracking_code, "digits": f"{n:04d}"},
            REMOTE_ADDR=f"10.1.0.{n}",
        )  # fmt: skip
    right = client.post(
        TRACK_URL, {"code": petition.tracking_code, "digits": "1111"}, REMOTE_ADDR="10.2.0.1"
    )
    assert right.status_code == 429


def link_of(petition) -> str:
    return f"{TRACK_URL}{petition.tracking_code}/{tracking.link_token(petition.tracking_code)}/"


def locked_message() -> str:
    return _(
        "This tracking code was tried too many times, so it is locked for up to %(minutes)d "
        "minutes. Open your issue with the link in the text message we sent you or on your "
        "receipt page: it works at any time."
    ) % {"minutes": 60}


def test_strangers_guesses_do_not_lock_the_citizen_out_of_their_link(client, pworld):
    petition = replied(pworld)
    for n in range(25):
        client.post(
            TRACK_URL, {"code": petition.tracking_code, "digits": f"{n:04d}"},
            REMOTE_ADDR=f"10.1.0.{n}",
        )  # fmt: skip
    right = client.post(
        TRACK_URL, {"code": petition.tracking_code, "digits": "1111"}, REMOTE_ADDR="10.2.0.1"
    )
    assert right.status_code == 429 and "已协调公交公司" not in text(right)
    assert locked_message() in text(right)  # it tells the citizen to use their link
    owner = client.get(link_of(petition), REMOTE_ADDR="10.2.0.1")
    assert owner.status_code == 200 and owner.context["petition"] == petition
    assert "已协调公交公司增加早班车" in text(owner) and "13800001111" not in text(owner)
    assert owner["Referrer-Policy"] == "no-referrer" and "no-store" in owner["Cache-Control"]
    rate_url = owner.context["rate_url"]
    assert rate_url == link_of(petition) and f'action="{rate_url}"' in text(owner)
    rated = client.post(rate_url, {"rating": "satisfied"}, REMOTE_ADDR="10.2.0.1")
    assert rated.status_code == 200 and rated.context["rated"]
    petition.refresh_from_db()
    assert petition.state == State.RESOLVED
    assert PetitionRating.objects.get().via == "citizen"


def test_a_second_rating_through_the_link_is_refused_with_a_reason(client, pworld):
    petition = replied(pworld)
    assert client.post(link_of(petition), {"rating": "satisfied"}).context["rated"]
    again = client.post(link_of(petition), {"rating": "unsatisfied", "comment": "又坏了"})
    assert "只能评价已答复的诉求" in text(again)  # said, not silently dropped
    assert PetitionRating.objects.filter(petition=petition).count() == 1


def test_a_wrong_link_secret_opens_nothing(client, pworld):
    petition, other = replied(pworld), submit(pworld)
    token = tracking.link_token(petition.tracking_code)
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    wrong = [
        f"{TRACK_URL}{petition.tracking_code}/{flipped}/",
        f"{TRACK_URL}{petition.tracking_code}/{token[:-1]}/",  # too short
        f"{TRACK_URL}{petition.tracking_code}/{tracking.link_token(other.tracking_code)}/",
        f"{TRACK_URL}{petition.tracking_code.lower()}/{token}/",
    ]
    for url in wrong:
        response = client.get(url)
        assert response.status_code == 404 and "已协调公交公司" not in text(response)
        assert "公交班次太少" not in text(response)
        refused = client.post(url, {"rating": "satisfied"})
        assert refused.status_code == 404
    petition.refresh_from_db()
    assert petition.state == State.REPLIED and not PetitionRating.objects.exists()


def test_link_secrets_cannot_be_guessed_quickly(client, pworld):
    petition = replied(pworld)
    assert len(tracking.link_token(petition.tracking_code)) >= 22  # at least 128 bits
    statuses = [
        client.get(f"{TRACK_URL}{petition.tracking_code}/{n:024d}/").status_code for n in range(25)
    ]
    assert statuses[:20] == [404] * 20 and set(statuses[20:]) == {429}
    assert client.get(link_of(petition)).status_code == 200  # the right one still opens


def test_links_signed_with_the_previous_key_still_open(client, pworld, settings):
    petition = replied(pworld)
    old_link = link_of(petition)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-portal-" * 2
    assert link_of(petition) != old_link
    assert client.get(old_link).status_code == 200
    assert client.get(link_of(petition)).status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(old_link).status_code == 404


def test_the_receipt_and_the_text_message_carry_the_citizens_link(client, pworld, settings):
    settings.PORTAL_BASE_URL = "https://rd.example.gov.cn"
    response = client.post(NEW_URL, form_data(pworld))
    petition = Petition.objects.get()
    receipt = client.get(response["Location"])
    assert f'href="https://rd.example.gov.cn{link_of(petition)}"' in text(receipt)
    settings.PORTAL_BASE_URL = ""  # then the address the citizen came to
    assert f'href="http://testserver{link_of(petition)}"' in text(client.get(response["Location"]))
    sms = Notification.objects.get(target_id=petition.pk, kind="citizen.sms")
    assert sms.body.endswith(f"https://rd.example.gov.cn{link_of(petition)}")


def test_a_rejected_issue_shows_the_reason_for_the_citizen(client, pworld):
    petition = submit(pworld)
    workflow.petition_reject(
        actor=pworld.base.users["township"], petition_id=petition.pk, reason="属于法院诉讼范围"
    )
    response = client.post(TRACK_URL, {"code": petition.tracking_code, "digits": "1111"})
    assert "属于法院诉讼范围" in text(response) and response.context["rating_form"] is None


def test_the_track_page_takes_the_code_from_the_receipt_link(client, db):
    response = client.get(TRACK_URL, {"code": "ABCDE23456"})
    assert response.status_code == 200 and 'value="ABCDE23456"' in response.content.decode()


# --- rating --------------------------------------------------------------------------


def test_unsatisfied_without_a_reason_is_refused(client, pworld):
    petition = replied(pworld)
    data = {"code": petition.tracking_code, "digits": "1111", "rating": "unsatisfied"}
    response = client.post(RATE_URL, data)
    assert response.status_code == 200
    assert set(response.context["rating_form"].errors) == {"comment"}
    petition.refresh_from_db()
    assert petition.state == State.REPLIED and not PetitionRating.objects.exists()


def test_unsatisfied_with_a_reason_sends_it_back(client, pworld):
    petition = replied(pworld)
    data = {"code": petition.tracking_code, "digits": "1111", "rating": "unsatisfied",
            "comment": "早班车还是太挤"}  # fmt: skip
    client.post(RATE_URL, data)
    petition.refresh_from_db()
    assert (petition.state, petition.round) == (State.FORWARDED, 2)


def test_satisfied_resolves_the_issue(client, pworld):
    petition = replied(pworld)
    data = {"code": petition.tracking_code, "digits": "1111", "rating": "satisfied"}
    response = client.post(RATE_URL, data)
    assert response.status_code == 200 and response.context["rated"]
    petition.refresh_from_db()
    assert petition.state == State.RESOLVED
    rating = PetitionRating.objects.get()
    assert (rating.rating, rating.via, rating.recorded_by) == ("satisfied", "citizen", None)
    assert response.context["rating_form"] is None
    again = client.post(RATE_URL, data)  # a second rating of the same round
    assert again.status_code == 200 and PetitionRating.objects.count() == 1


def test_rating_needs_the_right_digits(client, pworld):
    petition = replied(pworld)
    data = {"code": petition.tracking_code, "digits": "9999", "rating": "satisfied"}
    response = client.post(RATE_URL, data)
    assert response.context["form"].non_field_errors()
    petition.refresh_from_db()
    assert petition.state == State.REPLIED and not PetitionRating.objects.exists()


def test_rating_is_post_only(client, db):
    assert client.get(RATE_URL).status_code == 405
