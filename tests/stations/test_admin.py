"""The stations admin: scoped lists and pages, inlines, workflow actions, constant queries."""

import datetime

from django.contrib.messages import ERROR, SUCCESS
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.models import Event
from stations import workflow
from stations.models import (
    Activity,
    CommitteeContact,
    DutyRule,
    DutyShift,
    Household,
    Mandate,
    MandateLevel,
    RepresentativeGroup,
)
from tests.stations.admin_helpers import (
    RECEPTIONS,
    STATIONS,
    action,
    ids,
    make_receptions,
    messages,
    record,
)

# --- scope -----------------------------------------------------------------------------


def test_township_staff_see_receptions_of_their_township_and_villages_only(client, sworld):
    receptions = make_receptions(sworld)
    client.force_login(sworld.base.users["township"])
    assert ids(client.get(RECEPTIONS)) == {receptions["a1"].pk, receptions["a1v"].pk}


def test_county_staff_see_receptions_of_all_townships(client, sworld):
    receptions = make_receptions(sworld)
    client.force_login(sworld.base.users["county"])
    assert ids(client.get(RECEPTIONS)) == {r.pk for r in receptions.values()}


def test_township_staff_see_stations_of_their_township_and_villages_only(client, sworld):
    s = sworld.stations
    client.force_login(sworld.base.users["township"])
    assert ids(client.get(STATIONS)) == {s["a1"].pk, s["a1v"].pk}
    client.force_login(sworld.base.users["county"])
    assert ids(client.get(STATIONS)) == {s["a1"].pk, s["a1v"].pk, s["a2"].pk}


def test_station_list_counts_members(client, sworld):
    client.force_login(sworld.base.users["township"])
    response = client.get(STATIONS)
    counts = {obj.name: obj.member_count for obj in response.context["cl"].result_list}
    assert counts == {"甲一镇中心联络站": 2, "甲一村联络站": 1}


def test_township_staff_get_404_for_a_sibling_townships_objects(client, sworld):
    receptions = make_receptions(sworld)
    client.force_login(sworld.base.users["township"])
    assert client.get(f"{RECEPTIONS}{receptions['a2'].pk}/change/").status_code == 404
    assert client.get(f"{STATIONS}{sworld.stations['a2'].pk}/change/").status_code == 404
    assert client.get(f"{RECEPTIONS}{receptions['a1'].pk}/change/").status_code == 200


def test_deputy_without_staff_status_is_sent_to_the_admin_login(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    response = client.get(RECEPTIONS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_reception_page_shows_its_matters_read_only(client, sworld):
    matter = workflow.MatterInput(content="路灯坏了", outcome="forwarded", citizen_name="张三")
    reception = record(
        sworld.base.users["township"], sworld.stations["a1"], sworld.deps["a1"], matters=[matter]
    )
    client.force_login(sworld.base.users["township"])
    response = client.get(f"{RECEPTIONS}{reception.pk}/change/")
    assert response.status_code == 200
    assert "路灯坏了" in response.content.decode()
    assert not response.context["has_change_permission"]


def test_reception_search_takes_the_number_only(client, sworld):
    receptions = make_receptions(sworld)
    client.force_login(sworld.base.users["county"])
    assert ids(client.get(RECEPTIONS, {"q": str(receptions["a2"].pk)})) == {receptions["a2"].pk}
    assert ids(client.get(RECEPTIONS, {"q": "甲二"})) == set()


# --- reception actions -----------------------------------------------------------------


def test_lock_action_locks_a_reception_and_a_second_lock_is_an_error_message(client, sworld):
    reception = record(sworld.base.users["deputy"], sworld.stations["a1"], sworld.deps["a1"])
    client.force_login(sworld.base.users["township"])

    response = action(client, RECEPTIONS, "lock_receptions", [reception.pk])
    assert response.status_code == 302
    reception.refresh_from_db()
    assert reception.locked_at is not None
    assert reception.locked_by == sworld.base.users["township"]
    assert Event.objects.filter(action="reception_lock", target_id=reception.pk).count() == 1
    assert [level for level, _ in messages(response)] == [SUCCESS]
    client.get(RECEPTIONS)  # shows, and so consumes, the message

    response = action(client, RECEPTIONS, "lock_receptions", [reception.pk])
    assert response.status_code == 302
    assert [level for level, _ in messages(response)] == [ERROR]
    assert Event.objects.filter(action="reception_lock", target_id=reception.pk).count() == 1


def test_unlock_action_unlocks_with_a_note(client, sworld):
    township = sworld.base.users["township"]
    reception = record(sworld.base.users["deputy"], sworld.stations["a1"], sworld.deps["a1"])
    workflow.reception_lock(actor=township, reception_id=reception.pk)
    client.force_login(township)
    response = action(client, RECEPTIONS, "unlock_receptions", [reception.pk])
    assert response.status_code == 302
    reception.refresh_from_db()
    assert reception.locked_at is None
    event = Event.objects.get(action="reception_unlock", target_id=reception.pk)
    assert event.note


def test_viewer_is_not_offered_the_lock_actions(client, sworld):
    client.force_login(sworld.base.users["viewer"])
    response = client.get(RECEPTIONS)
    assert response.status_code == 200
    assert response.context["action_form"] is None  # no action left to offer


# --- cost --------------------------------------------------------------------------------


def _reception_changelist_queries(client, rows):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(RECEPTIONS)
    assert len(response.context["cl"].result_list) == rows
    return len(ctx.captured_queries)


def test_reception_changelist_costs_the_same_queries_at_5_or_40_rows(client, sworld):
    township = sworld.base.users["township"]
    station, deputy = sworld.stations["a1"], sworld.deps["a1"]
    for _ in range(5):
        record(township, station, deputy)
    client.force_login(township)
    small = _reception_changelist_queries(client, 5)
    for _ in range(35):
        record(sworld.base.users["deputy"], station, deputy)
    large = _reception_changelist_queries(client, 40)
    assert small == large


# --- every page renders ----------------------------------------------------------------


def _one_of_each(sworld):
    r, d, s = sworld.base.regions, sworld.deps, sworld.stations
    county = sworld.base.users["county"]
    group = RepresentativeGroup.objects.create(region=r["townA1"], name="甲一镇代表小组")
    household = Household.objects.create(
        region=r["villageA1"], representative=d["a1"], name="王五", kind=Household.Kind.POOR
    )
    contact = CommitteeContact.objects.create(
        region=r["countyA"], member=county, representative=d["a1"]
    )
    activity = Activity.objects.create(
        region=r["townA1"], kind=Activity.Kind.RESEARCH, title="调研", date=timezone.localdate()
    )
    activity.participants.set([d["a1"]])
    rule = DutyRule.objects.create(
        region=r["townA1"], station=s["a1"], frequency=DutyRule.Frequency.WEEKLY, weekday=2,
        start_time=datetime.time(9), end_time=datetime.time(11), valid_from=timezone.localdate(),
    )  # fmt: skip
    today = timezone.localdate()
    workflow.shifts_generate(actor=county, rule_id=rule.pk, start=today, end=today)
    shift = DutyShift.objects.create(
        region=r["townA1"], station=s["a1"], date=today, start_time=datetime.time(14),
        end_time=datetime.time(16),
    )  # fmt: skip
    visit = workflow.contact_visit_record(
        actor=county, date=today, method="phone", household_id=household.pk
    )
    Mandate.objects.create(
        representative=d["a1"], region=r["townA1"], level=MandateLevel.TOWNSHIP, term="第十八届"
    )
    reception = record(county, s["a1"], d["a1"])
    return {
        "representative": d["a1"],
        "representativegroup": group,
        "station": s["a1"],
        "dutyrule": rule,
        "dutyshift": shift,
        "reception": reception,
        "household": household,
        "committeecontact": contact,
        "contactvisit": visit,
        "activity": activity,
    }


def test_every_stations_admin_page_renders_for_county_staff(client, sworld):
    objects = _one_of_each(sworld)
    client.force_login(sworld.base.users["county"])
    assert client.get("/admin/stations/").status_code == 200
    for model_name, obj in objects.items():
        base = f"/admin/stations/{model_name}/"
        assert client.get(base).status_code == 200, base
        assert client.get(f"{base}{obj.pk}/change/").status_code == 200, base
        assert client.get(f"{base}{obj.pk}/history/").status_code == 200, base
        add = client.get(f"{base}add/").status_code
        assert add == (403 if model_name in {"reception", "contactvisit"} else 200), base


def test_viewer_sees_stations_read_only(client, sworld):
    station = sworld.stations["a1"]
    client.force_login(sworld.base.users["viewer"])
    response = client.get(f"{STATIONS}{station.pk}/change/")
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert client.post(f"{STATIONS}{station.pk}/change/", {"name": "改名"}).status_code == 403
    station.refresh_from_db()
    assert station.name == "甲一镇中心联络站"
