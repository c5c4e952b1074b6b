"""The stations admin: scoped lists and pages, inlines, workflow actions, constant queries."""

import datetime

from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import access
from portal.calendar import WorkCalendar
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
    Reception,
    RepresentativeGroup,
    Station,
    StationMembership,
)
from tests.factories import staff_with_role
from tests.stations.conftest import make_deputy

RECEPTIONS = "/admin/stations/reception/"
STATIONS = "/admin/stations/station/"


def _ids(response):
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def _record(actor, station, deputy, **kwargs) -> Reception:
    return workflow.reception_record(
        actor=actor,
        station_id=station.pk,
        date=kwargs.pop("date", timezone.localdate()),
        form=Reception.Form.SITTING,
        people_count=kwargs.pop("people_count", 3),
        deputy_ids=[deputy.pk],
        **kwargs,
    )


def _receptions(sworld):
    county = sworld.base.users["county"]
    s, d = sworld.stations, sworld.deps
    return {
        "a1": _record(county, s["a1"], d["a1"]),
        "a1v": _record(county, s["a1v"], d["a1"]),
        "a2": _record(county, s["a2"], d["a2"]),
    }


def _messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def _action(client, url, action, pks):
    return client.post(url, {"action": action, "index": "0", "_selected_action": pks})


def _form_data(response) -> dict:
    """Return the POST data that submits an admin change form unchanged, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            if bound.field.disabled:
                continue
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif value is not None:
                data[bound.html_name] = str(value)
    return data


# --- scope -----------------------------------------------------------------------------


def test_township_staff_see_receptions_of_their_township_and_villages_only(client, sworld):
    receptions = _receptions(sworld)
    client.force_login(sworld.base.users["township"])
    assert _ids(client.get(RECEPTIONS)) == {receptions["a1"].pk, receptions["a1v"].pk}


def test_county_staff_see_receptions_of_all_townships(client, sworld):
    receptions = _receptions(sworld)
    client.force_login(sworld.base.users["county"])
    assert _ids(client.get(RECEPTIONS)) == {r.pk for r in receptions.values()}


def test_township_staff_see_stations_of_their_township_and_villages_only(client, sworld):
    s = sworld.stations
    client.force_login(sworld.base.users["township"])
    assert _ids(client.get(STATIONS)) == {s["a1"].pk, s["a1v"].pk}
    client.force_login(sworld.base.users["county"])
    assert _ids(client.get(STATIONS)) == {s["a1"].pk, s["a1v"].pk, s["a2"].pk}


def test_station_list_counts_members(client, sworld):
    client.force_login(sworld.base.users["township"])
    response = client.get(STATIONS)
    counts = {obj.name: obj.member_count for obj in response.context["cl"].result_list}
    assert counts == {"甲一镇中心联络站": 2, "甲一村联络站": 1}


def test_township_staff_get_404_for_a_sibling_townships_objects(client, sworld):
    receptions = _receptions(sworld)
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
    reception = _record(
        sworld.base.users["township"], sworld.stations["a1"], sworld.deps["a1"], matters=[matter]
    )
    client.force_login(sworld.base.users["township"])
    response = client.get(f"{RECEPTIONS}{reception.pk}/change/")
    assert response.status_code == 200
    assert "路灯坏了" in response.content.decode()
    assert not response.context["has_change_permission"]


def test_reception_search_takes_the_number_only(client, sworld):
    receptions = _receptions(sworld)
    client.force_login(sworld.base.users["county"])
    assert _ids(client.get(RECEPTIONS, {"q": str(receptions["a2"].pk)})) == {receptions["a2"].pk}
    assert _ids(client.get(RECEPTIONS, {"q": "甲二"})) == set()


# --- reception actions -----------------------------------------------------------------


def test_lock_action_locks_a_reception_and_a_second_lock_is_an_error_message(client, sworld):
    reception = _record(sworld.base.users["deputy"], sworld.stations["a1"], sworld.deps["a1"])
    client.force_login(sworld.base.users["township"])

    response = _action(client, RECEPTIONS, "lock_receptions", [reception.pk])
    assert response.status_code == 302
    reception.refresh_from_db()
    assert reception.locked_at is not None
    assert reception.locked_by == sworld.base.users["township"]
    assert Event.objects.filter(action="reception_lock", target_id=reception.pk).count() == 1
    assert [level for level, _ in _messages(response)] == [SUCCESS]
    client.get(RECEPTIONS)  # shows, and so consumes, the message

    response = _action(client, RECEPTIONS, "lock_receptions", [reception.pk])
    assert response.status_code == 302
    assert [level for level, _ in _messages(response)] == [ERROR]
    assert Event.objects.filter(action="reception_lock", target_id=reception.pk).count() == 1


def test_unlock_action_unlocks_with_a_note(client, sworld):
    township = sworld.base.users["township"]
    reception = _record(sworld.base.users["deputy"], sworld.stations["a1"], sworld.deps["a1"])
    workflow.reception_lock(actor=township, reception_id=reception.pk)
    client.force_login(township)
    response = _action(client, RECEPTIONS, "unlock_receptions", [reception.pk])
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


# --- stations: checklist and memberships ------------------------------------------------


def test_station_add_form_saves_the_checklist_and_memberships_in_the_stations_region(
    client, sworld
):
    r = sworld.base.regions
    client.force_login(sworld.base.users["township"])
    response = client.get(f"{STATIONS}add/")
    assert response.status_code == 200
    data = _form_data(response)
    data.update(
        {
            "region": r["villageA1"].pk,
            "name": "甲一村第二联络站",
            "kind": Station.Kind.VILLAGE,
            "checklist_organization": "on",
            "checklist_opinion_box": "on",
            "stationmembership_set-TOTAL_FORMS": "1",
            "stationmembership_set-0-representative": sworld.deps["a1b"].pk,
            "stationmembership_set-0-joined_on": "2026-01-05",
        }
    )
    response = client.post(f"{STATIONS}add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    station = Station.objects.get(name="甲一村第二联络站")
    assert station.checklist == {
        "organization": True,
        "premises": False,
        "rules": False,
        "signboard": False,
        "equipment": False,
        "opinion_box": True,
    }
    membership = StationMembership.objects.get(station=station)
    assert membership.representative == sworld.deps["a1b"]
    assert membership.region == r["villageA1"]
    assert Event.objects.filter(action="admin_create", target_id=station.pk).exists()


def test_station_change_form_shows_and_updates_the_checklist(client, sworld):
    station = sworld.stations["a1"]
    station.checklist = {"premises": True, "legacy": "kept"}
    station.save(update_fields=["checklist"])
    client.force_login(sworld.base.users["township"])
    response = client.get(f"{STATIONS}{station.pk}/change/")
    form = response.context["adminform"].form
    assert form["checklist_premises"].value() is True
    assert form["checklist_rules"].value() is False
    assert form.fields["region"].disabled

    data = _form_data(response)
    data.pop("checklist_premises")
    data["checklist_signboard"] = "on"
    response = client.post(f"{STATIONS}{station.pk}/change/", data)
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.checklist["signboard"] is True
    assert station.checklist["premises"] is False
    assert station.checklist["legacy"] == "kept"
    assert station.region == sworld.base.regions["townA1"]


def test_membership_inline_adds_a_member_in_the_stations_region(client, sworld):
    station = sworld.stations["a1v"]
    newcomer = make_deputy(sworld.base.regions["townA1"], "新代表", "D-NEW")
    client.force_login(sworld.base.users["township"])
    response = client.get(f"{STATIONS}{station.pk}/change/")
    data = _form_data(response)
    data["stationmembership_set-TOTAL_FORMS"] = "2"
    data["stationmembership_set-1-representative"] = newcomer.pk
    data["stationmembership_set-1-joined_on"] = "2026-03-01"
    response = client.post(f"{STATIONS}{station.pk}/change/", data)
    assert response.status_code == 302
    membership = StationMembership.objects.get(station=station, representative=newcomer)
    assert membership.region == sworld.base.regions["villageA1"]


def test_membership_inline_refuses_a_deputy_outside_the_scope(client, sworld):
    station = sworld.stations["a1"]
    client.force_login(sworld.base.users["township"])
    data = _form_data(client.get(f"{STATIONS}{station.pk}/change/"))
    data["stationmembership_set-TOTAL_FORMS"] = "3"
    data["stationmembership_set-2-representative"] = sworld.deps["a2"].pk
    data["stationmembership_set-2-joined_on"] = "2026-03-01"
    response = client.post(f"{STATIONS}{station.pk}/change/", data)
    assert response.status_code == 200
    assert not StationMembership.objects.filter(representative=sworld.deps["a2"], station=station)


# --- deputies: the mandate inline ------------------------------------------------------


def test_mandate_inline_offers_only_electing_regions_in_scope(client, sworld):
    deputy = sworld.deps["a1"]
    client.force_login(sworld.base.users["township"])
    response = client.get(f"/admin/stations/representative/{deputy.pk}/change/")
    assert response.status_code == 200
    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Mandate
    )
    offered = {region.name for region in formset.empty_form.fields["region"].queryset}
    assert offered == {"甲一镇", "甲一村"}
    autocomplete = client.get(
        "/admin/autocomplete/",
        {"app_label": "stations", "model_name": "mandate", "field_name": "region", "term": ""},
    )
    assert {row["text"] for row in autocomplete.json()["results"]} == {"甲一镇", "甲一村"}


def test_mandate_inline_saves_in_scope_and_refuses_a_sibling_region(client, sworld):
    r = sworld.base.regions
    deputy = sworld.deps["a1"]
    url = f"/admin/stations/representative/{deputy.pk}/change/"
    client.force_login(sworld.base.users["township"])
    data = _form_data(client.get(url))
    data.update(
        {
            "mandates-TOTAL_FORMS": "1",
            "mandates-0-level": MandateLevel.TOWNSHIP,
            "mandates-0-term": "第十八届",
            "mandates-0-region": r["townA2"].pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Mandate.objects.filter(representative=deputy).exists()

    data["mandates-0-region"] = r["villageA1"].pk
    response = client.post(url, data)
    assert response.status_code == 302
    assert Mandate.objects.get(representative=deputy).region == r["villageA1"]


def test_mandate_inline_refuses_changes_to_a_mandate_the_user_may_only_view(client, sworld):
    r = sworld.base.regions
    deputy = sworld.deps["a1"]
    mandate = Mandate.objects.create(
        representative=deputy, region=r["countyA"], level=MandateLevel.MUNICIPAL, term="第十六届"
    )
    user = staff_with_role(r["townA1"], username="m_town_and_county_viewer")
    access.grant_role(user, r["countyA"], access.Role.VIEWER)
    url = f"/admin/stations/representative/{deputy.pk}/change/"
    client.force_login(user)
    data = _form_data(client.get(url))
    assert data["mandates-0-id"] == str(mandate.pk)
    data["mandates-0-term"] = "第十七届"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert len(errors) == 1 and str(mandate) in errors[0]

    data["mandates-0-region"] = r["villageA1"].pk  # moving it into scope is a change too
    response = client.post(url, data)
    assert response.status_code == 200
    mandate.refresh_from_db()
    assert (mandate.term, mandate.region) == ("第十六届", r["countyA"])


# --- the duty roster -------------------------------------------------------------------


def test_duty_rule_takes_its_stations_region_and_generates_shifts(client, sworld, monkeypatch):
    station = sworld.stations["a1v"]
    client.force_login(sworld.base.users["township"])
    response = client.post(
        "/admin/stations/dutyrule/add/",
        {
            "station": station.pk,
            "frequency": DutyRule.Frequency.MONTHLY,
            "day_of_month": "31",
            "start_time": "09:00",
            "end_time": "11:30",
            "on_non_working_day": "next",
            "valid_from": "2027-01-01",
            "deputies": [sworld.deps["a1"].pk],
        },
    )
    assert response.status_code == 302
    rule = DutyRule.objects.get(station=station)
    assert rule.region == sworld.base.regions["villageA1"]

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2027, 1, 10))
    response = _action(client, "/admin/stations/dutyrule/", "generate_shifts", [rule.pk])
    assert response.status_code == 302
    assert _messages(response)[-1][0] == SUCCESS  # after the "added" message of the add view

    end_of_february = datetime.date(2027, 2, 28)
    expected = WorkCalendar(end_of_february, end_of_february).next_working_day(end_of_february)
    shift = DutyShift.objects.get(station=station, date=expected)
    assert shift.moved_from == (end_of_february if expected != end_of_february else None)
    assert shift.region == station.region
    assert list(shift.deputies.all()) == [sworld.deps["a1"]]
    # One shift for each of January 31, February 28 and March 31, moved or not.
    assert DutyShift.objects.filter(rule=rule).count() == 3


def test_generate_action_reports_a_refusal_as_an_error_message(client, sworld, monkeypatch):
    rule = DutyRule.objects.create(
        region=sworld.base.regions["townA1"],
        station=sworld.stations["a1"],
        frequency=DutyRule.Frequency.WEEKLY,
        weekday=0,
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        valid_from=datetime.date(2026, 1, 1),
    )

    def refuse(**kwargs):
        raise workflow.DomainError("拒绝")

    monkeypatch.setattr(workflow, "shifts_generate", refuse)
    client.force_login(sworld.base.users["township"])
    response = _action(client, "/admin/stations/dutyrule/", "generate_shifts", [rule.pk])
    assert response.status_code == 302
    [(level, text)] = _messages(response)
    assert level == ERROR and str(rule) in text and "拒绝" in text


def test_duty_rule_form_asks_for_the_day_of_a_monthly_rule(client, sworld):
    client.force_login(sworld.base.users["township"])
    response = client.post(
        "/admin/stations/dutyrule/add/",
        {
            "station": sworld.stations["a1"].pk,
            "frequency": DutyRule.Frequency.MONTHLY,
            "start_time": "09:00",
            "end_time": "11:30",
            "on_non_working_day": "next",
            "valid_from": "2027-01-01",
        },
    )
    assert response.status_code == 200
    assert "day_of_month" in response.context["adminform"].form.errors
    assert not DutyRule.objects.exists()


def test_duty_rule_station_choices_are_scoped(client, sworld):
    client.force_login(sworld.base.users["township"])
    response = client.get("/admin/stations/dutyrule/add/")
    offered = set(response.context["adminform"].form.fields["station"].queryset)
    assert offered == {sworld.stations["a1"], sworld.stations["a1v"]}


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
        _record(township, station, deputy)
    client.force_login(township)
    small = _reception_changelist_queries(client, 5)
    for _ in range(35):
        _record(sworld.base.users["deputy"], station, deputy)
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
    reception = _record(county, s["a1"], d["a1"])
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
