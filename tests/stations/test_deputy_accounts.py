"""A county office adds a deputy with an account over the API; the deputy activates it with
the code sent by SMS and votes electronically. Accounts only inside the jurisdiction, codes
spent by use, expiry or too many misses."""

import re
from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token

from portal import sms, tasks
from portal.activation_models import AccountActivation
from portal.models import Event, User
from stations.models import Representative
from tests.errors import field_names
from tests.voting.conftest import build_cycle
from voting import workflow

pytestmark = pytest.mark.django_db
URL = "/api/v1/representatives/"
PHONE = "13912345678"


def token(client, user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def new_deputy(world, region_key="countyA", **extra) -> dict:
    region = world.regions[region_key]
    return {
        "region": region.pk, "name": "王新代表", "id_code": f"XS-{region_key}-1", "phone": PHONE,
        "mandates": [{"level": "county", "region": world.regions["countyA"].pk, "term": "第十八届"}],
        "create_account": True, **extra,
    }  # fmt: skip


def sent_code(phone: str = PHONE) -> str:
    texts = [text for to, text in sms.outbox if to == phone]
    assert texts, "no SMS went to the deputy"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    """Run the queued task in-process (the broker's part is tested with a real worker)."""
    sms.outbox.clear()
    task = tasks.send_activation_code
    monkeypatch.setattr(task, "apply_async", lambda args, **kwargs: task.run(*args))
    yield
    sms.outbox.clear()


def create(client, world, django_capture_on_commit_callbacks, actor="county", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, new_deputy(world, **extra), content_type="application/json",
                           **token(client, world.users[actor]))  # fmt: skip


def activate(client, code, password="Xiangshan-2026!", phone=PHONE):
    body = {"phone": phone, "code": code, "password": password}
    return client.post("/api/v1/accounts/activate/", body, content_type="application/json")


def test_county_office_adds_a_deputy_who_activates_by_sms_and_votes(
    client, world, django_capture_on_commit_callbacks
):
    made = create(client, world, django_capture_on_commit_callbacks)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["account"]["username"] == "deputy-xs-countya-1"
    assert body["account"]["activated"] is False and body["mandates"][0]["level"] == "county"
    deputy = Representative.objects.get(pk=body["id"])
    assert deputy.user.kind == User.Kind.DEPUTY and deputy.user.region == world.regions["countyA"]
    # no password yet: nobody can sign in with the account
    login = {"username": deputy.user.username, "password": "Xiangshan-2026!"}
    assert client.post("/api/v1/auth/token/", login).status_code == 400

    code = sent_code()
    assert activate(client, "000000" if code != "000000" else "111111").status_code == 400
    weak = activate(client, code, password="123")
    assert weak.status_code == 400 and field_names(weak) == {"password"}
    done = activate(client, code)
    assert done.status_code == 200 and done.json()["username"] == deputy.user.username
    assert activate(client, code).status_code == 400  # a code is spent by its use
    signed_in = client.post("/api/v1/auth/token/", login)
    assert signed_in.status_code == 200
    actions = set(Event.objects.filter(target_id=deputy.user_id).values_list("action", flat=True))
    assert {"account_create", "account_code_sent", "account_activate"} <= actions

    # the county's congress votes; the new deputy is on the roll and votes electronically
    staff = world.users["county"]
    cycle = build_cycle(staff, world.regions["countyA"], proposals=4, candidates=4, seats=2)
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    first = vote.candidates.order_by("number").first()
    ballot = client.post(
        f"/api/v1/voting-votes/{vote.pk}/ballot/", {"choices": {str(first.pk): "yes"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {signed_in.json()['token']}",
    )  # fmt: skip
    assert ballot.status_code == 201 and len(ballot.json()["receipt"]) == 14


@pytest.mark.parametrize(
    ("actor", "region_key", "expected"),
    [
        ("county", "countyA", 201), ("county", "townA1", 201), ("county", "countyB", 400),
        ("county", "city", 400), ("township", "townA1", 201), ("township", "villageA1", 201),
        ("township", "townA2", 400), ("township", "countyA", 400), ("city", "countyB", 201),
        ("viewer", "countyA", 403), ("deputy", "townA1", 403), ("handler", "countyA", 403),
    ],
)  # fmt: skip
def test_accounts_only_inside_the_jurisdiction(
    client, world, django_capture_on_commit_callbacks, actor, region_key, expected
):
    before = (Representative.objects.count(), User.objects.count())
    # the mandate's region is the deputy's own: a township deputy for a township, etc.
    answer = create(client, world, django_capture_on_commit_callbacks, actor=actor,
                    region_key=region_key,
                    mandates=[{"level": "township", "region": world.regions[region_key].pk,
                               "term": "第十八届"}])  # fmt: skip
    assert answer.status_code == expected, answer.content
    if expected == 201:
        assert [to for to, _text in sms.outbox] == [PHONE]
        return
    assert (Representative.objects.count(), User.objects.count()) == before
    assert not sms.outbox
    if expected == 400:
        assert "region" in field_names(answer)


def test_bad_input_names_its_field_and_stores_nothing(
    client, world, django_capture_on_commit_callbacks
):
    before = (Representative.objects.count(), User.objects.count())
    cases = {
        "phone": {"phone": "12345"},
        "mandates": {"mandates": [{"level": "county", "region": world.regions["countyB"].pk,
                                   "term": "第十八届"}]},
        "username": {"username": "有 空格"},
        "name": {"name": ""},
    }  # fmt: skip
    for field, override in cases.items():
        answer = create(client, world, django_capture_on_commit_callbacks, **override)
        assert answer.status_code == 400 and field in field_names(answer), (field, answer.json())
    assert (Representative.objects.count(), User.objects.count()) == before
    assert not sms.outbox


def test_wrong_codes_void_the_code_and_a_new_one_can_be_asked_for(
    client, world, django_capture_on_commit_callbacks
):
    assert create(client, world, django_capture_on_commit_callbacks).status_code == 201
    code = sent_code()
    wrong = "123456" if code != "123456" else "654321"
    for _ in range(5):
        miss = activate(client, wrong)
        assert miss.status_code == 400 and field_names(miss) == {"code"}
    assert activate(client, code).status_code == 400  # void after five misses
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/api/v1/accounts/activation-code/", {"phone": PHONE},
                            content_type="application/json")  # fmt: skip
        nobody = client.post("/api/v1/accounts/activation-code/", {"phone": "13700000000"},
                             content_type="application/json")  # fmt: skip
    assert asked.status_code == nobody.status_code == 202 and asked.json() == nobody.json()
    assert activate(client, sent_code()).status_code == 200


def test_an_expired_code_is_refused(client, world, django_capture_on_commit_callbacks):
    assert create(client, world, django_capture_on_commit_callbacks).status_code == 201
    code = sent_code()
    opened = AccountActivation.objects.get()
    AccountActivation.objects.filter(pk=opened.pk).update(
        expires_at=opened.created_at - timedelta(seconds=1)
    )
    assert activate(client, code).status_code == 400


def test_the_office_opens_an_account_for_an_existing_deputy_once(
    client, world, django_capture_on_commit_callbacks
):
    made = create(client, world, django_capture_on_commit_callbacks, create_account=False)
    assert made.status_code == 201 and made.json()["account"] is None and not sms.outbox
    url = f"{URL}{made.json()['id']}/account/"
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(url, {}, content_type="application/json",
                             **token(client, world.users["county"]))  # fmt: skip
    assert opened.status_code == 200 and opened.json()["activated"] is False
    assert activate(client, sent_code()).status_code == 200
    again = client.post(url, {}, content_type="application/json",
                        **token(client, world.users["county"]))  # fmt: skip
    assert again.status_code == 400 and field_names(again) == {"account"}
    sibling = client.post(url, {}, content_type="application/json",
                          **token(client, world.users["township"]))  # fmt: skip
    assert sibling.status_code == 404  # the township does not see the county's deputy


def test_the_activation_page(client, world, django_capture_on_commit_callbacks):
    assert create(client, world, django_capture_on_commit_callbacks).status_code == 201
    page = client.get("/accounts/activate/")
    assert page.status_code == 200 and "激活" in page.content.decode()
    differ = client.post("/accounts/activate/", {"phone": PHONE, "code": sent_code(),
                                                 "password1": "Xiangshan-2026!",
                                                 "password2": "other"})  # fmt: skip
    assert differ.status_code == 400
    done = client.post("/accounts/activate/", {"phone": PHONE, "code": sent_code(),
                                               "password1": "Xiangshan-2026!",
                                               "password2": "Xiangshan-2026!"})  # fmt: skip
    assert done.status_code == 200 and "deputy-xs-countya-1" in done.content.decode()
    assert User.objects.get(username="deputy-xs-countya-1").has_usable_password()


def test_the_roster_import_opens_accounts_on_request(
    sworld, tmp_path, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from tests.stations.test_import import good_rows, to_csv, write_csv

    path = write_csv(tmp_path, to_csv(good_rows(sworld.base.regions)), encoding="utf-8-sig")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_deputies", path, "--accounts")
    out = capsys.readouterr().out
    # 王大海 and 李春花 have mobile phones; 赵国强 none, 钱晓梅 a landline
    with_accounts = Representative.objects.filter(user__isnull=False, id_code__startswith="D-1")
    assert set(with_accounts.values_list("id_code", flat=True)) == {"D-100", "D-101"}
    assert "D-102" in out and "D-103" in out
    assert {to for to, _text in sms.outbox} == {"13800000001", "13900000002"}
    assert not any(d.user.has_usable_password() for d in with_accounts)


def test_the_admin_opens_an_account_with_the_deputy(
    client, sworld, django_capture_on_commit_callbacks
):
    from tests.stations.test_admin_forms import form_data

    deputy = sworld.deps["a1"]
    Representative.objects.filter(pk=deputy.pk).update(phone="13712340000", user=None)
    url = f"/admin/stations/representative/{deputy.pk}/change/"
    client.force_login(sworld.base.users["township"])
    data = form_data(client.get(url))
    data["open_account"] = "on"
    data["phone"] = "12345"
    assert client.post(url, data).status_code == 200  # not a mobile number: a field error
    data["phone"] = "13712340000"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    deputy.refresh_from_db()
    assert deputy.user is not None and deputy.user.kind == User.Kind.DEPUTY
    assert sms.outbox[-1][0] == "13712340000"


def test_a_corrected_phone_gets_the_next_code_and_voids_the_old_ones(
    client, world, django_capture_on_commit_callbacks
):
    made = create(client, world, django_capture_on_commit_callbacks)
    old_code, new_phone = sent_code(), "13933334444"
    url = f"{URL}{made.json()['id']}/"
    headers = token(client, world.users["county"])
    fixed = client.patch(url, {"phone": new_phone}, content_type="application/json", **headers)
    assert fixed.status_code == 200
    assert activate(client, old_code).status_code == 400  # the old number's code is void
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"{url}account/", {}, content_type="application/json", **headers)
    assert resent.status_code == 200 and sms.outbox[-1][0] == new_phone
    assert activate(client, sent_code(new_phone), phone=new_phone).status_code == 200
    asked = Event.objects.get(action="account_code_asked")
    assert asked.actor == world.users["county"]


def test_a_township_cannot_take_a_county_deputys_account(
    client, world, django_capture_on_commit_callbacks
):
    from stations.models import Mandate

    deputy = Representative.objects.create(
        region=world.regions["townA1"], name="县代表", id_code="C-1", phone="13911112222"
    )
    Mandate.objects.create(representative=deputy, region=world.regions["countyA"],
                           level="county", term="第十八届")  # fmt: skip
    township = token(client, world.users["township"])
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(f"{URL}{deputy.pk}/account/", {}, content_type="application/json",
                             **township)  # fmt: skip
    assert opened.status_code == 400 and field_names(opened) == {"account"} and not sms.outbox
    with django_capture_on_commit_callbacks(execute=True):
        by_county = client.post(f"{URL}{deputy.pk}/account/", {}, content_type="application/json",
                                **token(client, world.users["county"]))  # fmt: skip
    assert by_county.status_code == 200
    moved = client.patch(f"{URL}{deputy.pk}/", {"phone": "13700000001"},
                         content_type="application/json", **township)  # fmt: skip
    assert moved.status_code == 400 and field_names(moved) == {"phone"}
    assert User.objects.get(pk=by_county.json()["id"]).phone == "13911112222"


def test_a_password_is_kept_as_typed(client, world, django_capture_on_commit_callbacks):
    assert create(client, world, django_capture_on_commit_callbacks).status_code == 201
    spaced = "  Xiangshan-2026!  "
    assert activate(client, sent_code(), password=spaced).status_code == 200
    login = {"username": "deputy-xs-countya-1", "password": spaced}
    assert client.post("/api/v1/auth/token/", login).status_code == 200


def test_a_bad_roster_number_leaves_its_deputy_without_an_account(
    sworld, tmp_path, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from tests.stations.test_import import good_rows, to_csv, write_csv

    rows = good_rows(sworld.base.regions)
    for row in rows:
        row[0] = row[0].replace("D-100", "D 100")  # a space: no user name of its own
    User.objects.create(username="deputy-d-101", kind=User.Kind.DEPUTY)  # taken already
    path = write_csv(tmp_path, to_csv(rows), encoding="utf-8-sig")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_deputies", path, "--accounts")
    assert Representative.objects.filter(id_code__in=["D 100", "D-101"]).count() == 2
    users = set(
        Representative.objects.filter(user__isnull=False).values_list("user__username", flat=True)
    )
    assert "deputy-d-100" in users and any(name.startswith("deputy-d-101-") for name in users)


def test_the_office_may_resend_a_code_a_few_times_a_day(
    client, world, django_capture_on_commit_callbacks, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "activate_resend": (2, 86400)}
    made = create(client, world, django_capture_on_commit_callbacks)
    url = f"{URL}{made.json()['id']}/account/"
    headers = token(client, world.users["county"])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                client.post(url, {}, content_type="application/json", **headers).status_code == 200
            )
    sent = len(sms.outbox)
    refused = client.post(url, {}, content_type="application/json", **headers)
    assert refused.status_code == 400 and field_names(refused) == {"account"}
    assert len(sms.outbox) == sent
