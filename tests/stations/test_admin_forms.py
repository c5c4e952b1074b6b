"""The stations admin's forms: the station checklist and memberships, the mandate inline,
duty rules and the action that generates shifts."""

import datetime

from django.contrib.messages import ERROR, SUCCESS
from django.utils import timezone

from portal import access
from portal.calendar import WorkCalendar
from portal.models import Event
from stations import workflow
from stations.models import DutyRule, DutyShift, Mandate, MandateLevel, Station, StationMembership
from tests.factories import staff_with_role
from tests.stations.admin_helpers import STATIONS, action, form_data, messages
from tests.stations.conftest import make_deputy

# --- stations: checklist and memberships ------------------------------------------------


def test_station_add_form_saves_the_checklist_and_memberships_in_the_stations_region(
    client, sworld
):
    r = sworld.base.regions
    client.force_login(sworld.base.users["township"])
    response = client.get(f"{STATIONS}add/")
    assert response.status_code == 200
    data = form_data(response)
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

    data = form_data(response)
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
    data = form_data(response)
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
    data = form_data(client.get(f"{STATIONS}{station.pk}/change/"))
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
    data = form_data(client.get(url))
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
    data = form_data(client.get(url))
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
    response = action(client, "/admin/stations/dutyrule/", "generate_shifts", [rule.pk])
    assert response.status_code == 302
    assert messages(response)[-1][0] == SUCCESS  # after the "added" message of the add view

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
    response = action(client, "/admin/stations/dutyrule/", "generate_shifts", [rule.pk])
    assert response.status_code == 302
    [(level, text)] = messages(response)
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
