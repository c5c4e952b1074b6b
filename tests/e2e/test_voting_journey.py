"""A deputy votes on a phone; the hall's projector page counts the ballot as it comes in
and shows the final result when the vote closes."""

import os
from pathlib import Path

import pytest

from stations.models import Mandate, MandateLevel
from tests.factories import PASSWORD
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)
from tests.voting.conftest import build_cycle
from voting import ballots, workflow
from voting.models import Ballot, VoterRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").click()
    page.wait_for_url(f"{live_server.url}/desk/")


def test_deputy_votes_from_a_phone_and_the_projector_updates(phone, desktop, live_server, sworld):  # noqa: F811
    staff = sworld.base.users["township"]
    cycle = build_cycle(staff, sworld.base.regions["townA1"], proposals=4, candidates=4, seats=2)
    roll = [sworld.deps["a1"].pk, sworld.deps["a1b"].pk]
    for pk in roll:  # the roll is made of deputies of the township's congress
        Mandate.objects.create(representative_id=pk, region=sworld.base.regions["townA1"],
                               level=MandateLevel.TOWNSHIP, term="第十八届")  # fmt: skip
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk, representative_ids=roll)
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    first, second, *_rest = vote.candidates.order_by("number")

    desktop.goto(f"{live_server.url}/voting/votes/{vote.pk}/live/")
    assert desktop.locator("#f-returned").inner_text() == "0"
    assert desktop.locator("#f-entitled").inner_text() == "2"

    sign_in(phone, live_server, "m_deputy")
    phone.locator("#voting-card a.button").first.click()
    phone.wait_for_url(f"**/desk/voting/votes/{vote.pk}/ballot/")
    phone.locator(f"input[name='c{first.pk}'][value='yes']").check()
    phone.locator(f"input[name='c{second.pk}'][value='no']").check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "voting-ballot-phone.png"), full_page=True)
    phone.locator("#ballot-form button[type='submit']").click()
    receipt = phone.locator("#receipt-code").inner_text()
    assert len(receipt.replace("-", "")) == 12
    assert VoterRecord.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1

    # The projector polls and shows the ballot without a reload.
    desktop.wait_for_function("document.getElementById('f-returned').textContent === '1'")
    assert desktop.locator("#f-present").inner_text() == "1"

    # Back on the ballot page the deputy cannot vote again.
    phone.goto(f"{live_server.url}/desk/voting/votes/{vote.pk}/ballot/")
    assert phone.locator("#ballot-form").count() == 0

    ballots.vote_close(actor=staff, vote_id=vote.pk)
    desktop.wait_for_function("document.getElementById('projector').dataset.state === 'closed'")
    row = desktop.locator(f"#live-rows tr[data-id='{first.pk}']")
    assert row.locator("td.yes").inner_text() == "1"
    assert row.get_attribute("class") == "status-failed"  # 1 yes of 2 entitled is not > half
    desktop.screenshot(path=str(SHOTS / "voting-projector.png"), full_page=True)

    # The receipt check says the ballot was counted.
    phone.goto(f"{live_server.url}/voting/receipt/")
    phone.locator("input[name='code']").fill(receipt)
    phone.locator("main form button.button").click()
    assert phone.locator("#receipt-result").count() == 1
