"""Staff issue Open311 keys in the admin for their own jurisdiction; the key is shown once
and only its hash is kept; replacing and disabling go through the workflow."""

import hashlib

from django.contrib.auth.hashers import is_password_usable

from open311.models import ApiClient
from open311.vocabulary import Action
from portal.models import Event, User
from tests.open311.conftest import get, parse

CLIENTS = "/admin/open311/apiclient/"


def _issue(client, staff, **data):
    client.force_login(staff)
    return client.post(f"{CLIENTS}add/", data)


def test_staff_issue_a_key_that_is_shown_once_and_stored_as_a_hash(client, demo):
    county = demo.regions["330225000000"]
    response = _issue(client, demo.users["county_staff"], name="城管系统", region=county.pk)
    assert response.status_code == 200
    raw = response.context["raw_key"]
    assert raw.startswith("o311_") and raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    created = ApiClient.objects.get(name="城管系统")
    assert created.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(value) for value in ApiClient.objects.values_list(*[
        f.attname for f in ApiClient._meta.concrete_fields
    ]).get(pk=created.pk)}  # fmt: skip
    assert Event.objects.filter(target_id=created.pk, action=Action.CLIENT_CREATE).count() == 1
    # The change page never shows it again, and the key works.
    page = client.get(f"{CLIENTS}{created.pk}/change/")
    assert page.status_code == 200 and raw not in page.content.decode()
    client.logout()
    assert get(client, "requests.json", api_key=raw).status_code == 200


def test_a_units_key_gets_a_service_account_of_the_unit(client, demo):
    county = demo.regions["330225000000"]
    response = _issue(
        client, demo.users["county_staff"], name="交通局系统二", region=county.pk,
        department=demo.traffic.pk,
    )  # fmt: skip
    assert response.status_code == 200
    created = ApiClient.objects.get(name="交通局系统二")
    account = created.account
    assert account.kind == User.Kind.HANDLER and account.department_id == demo.traffic.pk
    assert not account.is_staff and not is_password_usable(account.password)


def test_staff_cannot_issue_keys_for_another_county_nor_see_its_keys(client, demo):
    xiangshan = ApiClient.objects.get(key_hint="demo-ope")
    response = _issue(
        client, demo.users["jiangbei_staff"], name="越权", region=demo.regions["330225000000"].pk
    )
    assert response.status_code == 200 and "raw_key" not in response.context
    assert response.context["adminform"].form.errors
    assert not ApiClient.objects.filter(name="越权").exists()
    listed = client.get(CLIENTS)
    assert xiangshan not in listed.context["cl"].result_list
    assert client.get(f"{CLIENTS}{xiangshan.pk}/change/").status_code == 404
    # A unit of another region than the key's is refused as well.
    response = _issue(
        client, demo.users["county_staff"], name="错单位", region=demo.regions["330225100000"].pk,
        department=demo.traffic.pk,
    )  # fmt: skip
    assert "raw_key" not in response.context
    assert not ApiClient.objects.filter(name="错单位").exists()


def test_replacing_and_disabling_keys(client, demo):
    hotline = ApiClient.objects.get(key_hint="demo-ope")
    client.force_login(demo.users["county_staff"])
    response = client.post(
        CLIENTS, {"action": "replace_key", "index": "0", "_selected_action": [hotline.pk]}
    )
    assert response.status_code == 200
    new = response.context["raw_key"]
    client.logout()
    assert get(client, "services.json", api_key=demo.keys["hotline"]).status_code == 403
    assert get(client, "services.json", api_key=new).status_code == 200
    client.force_login(demo.users["county_staff"])
    client.post(CLIENTS, {"action": "disable_keys", "index": "0", "_selected_action": [hotline.pk]})
    hotline.refresh_from_db()
    assert not hotline.is_active
    client.logout()
    assert get(client, "services.json", api_key=new).status_code == 403
    # A unit's key takes its service account with it.
    unit = ApiClient.objects.get(department=demo.traffic)
    client.force_login(demo.users["county_staff"])
    client.post(CLIENTS, {"action": "disable_keys", "index": "0", "_selected_action": [unit.pk]})
    unit.account.refresh_from_db()
    assert not unit.account.is_active
    client.post(CLIENTS, {"action": "enable_keys", "index": "0", "_selected_action": [unit.pk]})
    unit.account.refresh_from_db()
    assert unit.account.is_active
    actions = set(Event.objects.filter(target_id=unit.pk).values_list("action", flat=True))
    assert {Action.CLIENT_DISABLE, Action.CLIENT_ENABLE} <= actions


def test_handlers_and_deputies_have_no_key_admin(client, demo):
    for username in ("dept_traffic", "deputy_shipu"):
        client.force_login(demo.users[username])
        assert client.get(CLIENTS).status_code in (302, 403)


def test_the_demo_key_reads_its_county(client, demo):
    from open311 import demo as open311_demo

    assert open311_demo.build(demo.regions).pk == ApiClient.objects.get(key_hint="demo-ope").pk
    assert ApiClient.objects.filter(key_hint="demo-ope").count() == 1
    response = get(client, "requests.json", api_key="demo-open311-2026", jurisdiction_id="330225")
    assert response.status_code == 200 and parse(response) == []
