"""The deputies' reception log and the office's pages, through the browser-facing views."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from portal import access
from stations import workflow
from stations.models import Household, Reception, ReceptionMatter

TODAY = timezone.localdate


def post_data(station, present, matters, **overrides):
    data = {
        "station": station.pk, "date": TODAY().isoformat(), "form": "sitting", "people_count": "3",
        "deputies": [d.pk for d in present], "summary": "",
        "matters-TOTAL_FORMS": str(len(matters)), "matters-INITIAL_FORMS": "0",
        "matters-MIN_NUM_FORMS": "0", "matters-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, matter in enumerate(matters):
        for key, value in matter.items():
            data[f"matters-{i}-{key}"] = value
    data.update(overrides)
    return data


ANSWERED = {"content": "村口路灯不亮", "outcome": "answered", "answer": "已联系村委会当天修复"}
FORWARDED = {"content": "去石浦的公交班次太少", "outcome": "forwarded", "citizen_name": "李大姐",
             "citizen_phone": "13800001111", "category": "traffic"}  # fmt: skip


def test_deputy_logs_a_reception_with_an_answered_and_a_forwarded_matter(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    form = client.get("/desk/receptions/new/")
    assert form.status_code == 200
    assert (
        "甲一镇中心联络站" in form.content.decode()
        and "乙一镇中心联络站" not in form.content.decode()
    )
    response = client.post(
        "/desk/receptions/new/",
        post_data(sworld.stations["a1"], [sworld.deps["a1"]], [ANSWERED, FORWARDED]),
    )
    assert response.status_code == 302
    reception = Reception.objects.get()
    assert (
        reception.recorded_by == sworld.base.users["deputy"]
        and reception.region == sworld.stations["a1"].region
    )
    matters = {m.outcome: m for m in reception.matters.all()}
    assert matters["answered"].solved and not matters["forwarded"].solved
    forwarded = matters["forwarded"]

    def visible_to(role):
        return (
            access.visible(sworld.base.users[role], ReceptionMatter.objects.all())
            .filter(pk=forwarded.pk)
            .exists()
        )  # noqa: E731

    assert visible_to("township") and visible_to("county")
    assert not visible_to("handler") and not visible_to("deputy3")


@pytest.mark.parametrize(
    ("overrides", "matters", "field"),
    [
        ({"people_count": ""}, [ANSWERED], "people_count"),
        ({"people_count": "-1"}, [ANSWERED], "people_count"),
        # Resolved when the test runs, not when it is collected (a run may cross midnight).
        ({"date": "TOMORROW"}, [ANSWERED], "date"),
        ({"deputies": []}, [ANSWERED], "deputies"),
        ({"form": "party"}, [ANSWERED], "form"),
        ({}, [{**ANSWERED, "answer": ""}], None),
        ({}, [{**FORWARDED, "citizen_phone": "abc"}], None),
    ],
)
def test_bad_input_is_a_form_error_and_stores_nothing(client, sworld, overrides, matters, field):
    if overrides.get("date") == "TOMORROW":
        overrides = {"date": (TODAY() + datetime.timedelta(days=1)).isoformat()}
    client.force_login(sworld.base.users["deputy"])
    response = client.post(
        "/desk/receptions/new/",
        post_data(sworld.stations["a1"], [sworld.deps["a1"]], matters, **overrides),
    )
    assert response.status_code == 400
    if field:
        assert field in response.context["form"].errors
    assert not Reception.objects.exists() and not ReceptionMatter.objects.exists()


def test_deputy_of_another_station_cannot_be_recorded(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    response = client.post(
        "/desk/receptions/new/", post_data(sworld.stations["a1"], [sworld.deps["a2"]], [ANSWERED])
    )
    assert response.status_code == 400
    assert not Reception.objects.exists()


def test_deputy_cannot_log_at_a_station_that_is_not_theirs(client, sworld):
    client.force_login(sworld.base.users["deputy3"])
    response = client.post(
        "/desk/receptions/new/", post_data(sworld.stations["a1"], [sworld.deps["a1"]], [ANSWERED])
    )
    assert response.status_code == 400  # the station is not among the choices
    assert not Reception.objects.exists()


def _record(sworld, user="deputy", deputies=("a1",)):
    return workflow.reception_record(
        actor=sworld.base.users[user], station_id=sworld.stations["a1"].pk, date=TODAY(), form="sitting",
        people_count=2, deputy_ids=[sworld.deps[d].pk for d in deputies],
        matters=[workflow.MatterInput(**ANSWERED)],
    )  # fmt: skip


def test_another_deputy_cannot_read_or_change_a_reception(client, sworld):
    reception = _record(sworld)
    url = f"/desk/receptions/{reception.pk}/"
    for role in ("deputy2", "deputy3"):
        client.force_login(sworld.base.users[role])
        assert client.get(url).status_code == 404
        assert (
            client.post(url, post_data(sworld.stations["a1"], [sworld.deps["a1"]], [])).status_code
            == 404
        )
        assert reception.pk not in [r.pk for r in client.get("/desk/receptions/").context["page"]]
    reception.refresh_from_db()
    assert reception.people_count == 2


def test_a_deputy_present_may_read_but_not_change(client, sworld):
    reception = _record(sworld, deputies=("a1", "a1b"))
    client.force_login(sworld.base.users["deputy2"])
    url = f"/desk/receptions/{reception.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "村口路灯不亮" in page.content.decode()
    assert (
        client.post(url, post_data(sworld.stations["a1"], [sworld.deps["a1"]], [])).status_code
        == 403
    )


def test_author_edits_until_staff_lock(client, sworld):
    reception = _record(sworld)
    url = f"/desk/receptions/{reception.pk}/"
    client.force_login(sworld.base.users["deputy"])
    response = client.post(
        url, post_data(sworld.stations["a1"], [sworld.deps["a1"]], [FORWARDED], people_count="5")
    )
    assert response.status_code == 302
    reception.refresh_from_db()
    assert reception.people_count == 5 and list(
        reception.matters.values_list("outcome", flat=True)
    ) == ["forwarded"]
    workflow.reception_lock(actor=sworld.base.users["township"], reception_id=reception.pk)
    assert (
        client.post(
            url, post_data(sworld.stations["a1"], [sworld.deps["a1"]], [], people_count="9")
        ).status_code
        == 403
    )
    reception.refresh_from_db()
    assert reception.people_count == 5
    assert "甲一镇中心联络站" in client.get(url).content.decode()


def test_staff_pages_need_a_region_role(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    for url in ("/desk/stations/statistics/", "/desk/contacts/compliance/"):
        assert client.get(url).status_code == 403
    client.force_login(sworld.base.users["township"])
    assert client.get("/desk/stations/statistics/").status_code == 200
    assert client.get("/desk/contacts/compliance/?year=abc").status_code == 200


def test_compliance_lists_deputies_short_of_the_quota(client, sworld):
    deputy = sworld.deps["a1"]
    region = deputy.region
    households = [
        Household.objects.create(region=region, representative=deputy, name=f"户{i}", kind=kind)
        for i, kind in enumerate(["wealth_leader", "poor", "worthy"])
    ]
    user = sworld.base.users["deputy"]
    for household in households:
        for month in (1, 2):
            workflow.contact_visit_record(
                actor=user,
                household_id=household.pk,
                date=datetime.date(TODAY().year, month, 1) if TODAY().month > 2 else TODAY(),
                method="visit",
            )
    client.force_login(sworld.base.users["township"])
    page = client.get("/desk/contacts/compliance/")
    rows = {row.representative.pk: row for row in page.context["deputies"]}
    assert deputy.pk not in rows  # compliant: 3 kinds, 2 visits each
    assert sworld.deps["a1b"].pk in rows and rows[sworld.deps["a1b"].pk].households == 0
    assert (
        sworld.deps["a2"].pk not in rows and sworld.deps["b1"].pk not in rows
    )  # not in townA1's scope


def test_archive_page_and_excel_export(client, sworld):
    _record(sworld, deputies=("a1", "a1b"))
    client.force_login(sworld.base.users["deputy"])
    page = client.get(f"/desk/deputies/{sworld.deps['a1'].pk}/archive/")
    assert page.status_code == 200
    assert page.context["years"][0].receptions == 1 and page.context["years"][0].people == 2
    export = client.get(f"/desk/deputies/{sworld.deps['a1'].pk}/archive.xlsx")
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.content))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[1][:3] == (TODAY().year, 1, 2)
    assert client.get(f"/desk/deputies/{sworld.deps['a1b'].pk}/archive/").status_code == 404
    client.force_login(sworld.base.users["township"])
    assert client.get(f"/desk/deputies/{sworld.deps['a1b'].pk}/archive/").status_code == 200
    assert client.get(f"/desk/deputies/{sworld.deps['a2'].pk}/archive/").status_code == 404


def test_desk_shows_the_deputy_cards(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    html = client.get("/desk/").content.decode()
    assert (
        "/desk/receptions/new/" in html
        and f"/desk/deputies/{sworld.deps['a1'].pk}/archive/" in html
    )


def test_a_correction_keeps_the_office_solved_mark_and_untouched_matters(sworld):
    reception = workflow.reception_record(
        actor=sworld.base.users["deputy"], station_id=sworld.stations["a1"].pk, date=TODAY(),
        form="sitting", people_count=2, deputy_ids=[sworld.deps["a1"].pk],
        matters=[workflow.MatterInput(**ANSWERED)],
    )  # fmt: skip
    matter = reception.matters.get()
    # The office finds the answer did not solve it.
    workflow.matter_set_solved(
        actor=sworld.base.users["township"], matter_id=matter.pk, solved=False
    )
    common = {"actor": sworld.base.users["deputy"], "reception_id": reception.pk, "date": TODAY(),
              "form": "sitting", "deputy_ids": [sworld.deps["a1"].pk]}  # fmt: skip
    workflow.reception_update(**common, people_count=3)  # matters=None keeps them as they are
    assert reception.matters.get().pk == matter.pk
    workflow.reception_update(**common, people_count=3, matters=[workflow.MatterInput(**ANSWERED)])
    assert reception.matters.get().solved is False
    workflow.reception_update(
        **common,
        people_count=3,
        matters=[workflow.MatterInput(**{**ANSWERED, "content": "另一件事"})],
    )
    assert reception.matters.get().solved is True


def test_a_forwarded_matter_becomes_a_citizen_issue_that_corrections_keep(sworld):
    from petitions.models import Channel, Petition

    reception = _record(sworld)
    workflow.reception_update(
        actor=sworld.base.users["deputy"], reception_id=reception.pk, date=TODAY(), form="sitting",
        people_count=2, deputy_ids=[sworld.deps["a1"].pk], matters=[workflow.MatterInput(**FORWARDED)],
    )  # fmt: skip
    petition = Petition.objects.get()
    assert (petition.channel, petition.region, petition.station) == (
        Channel.RECEPTION,
        sworld.stations["a1"].region,
        sworld.stations["a1"],
    )
    assert (
        petition.citizen_phone == "13800001111" and petition.reception_matter.reception == reception
    )
    workflow.reception_update(
        actor=sworld.base.users["deputy"], reception_id=reception.pk, date=TODAY(), form="sitting",
        people_count=2, deputy_ids=[sworld.deps["a1"].pk], matters=[],
    )  # fmt: skip
    assert list(reception.matters.values_list("petition", flat=True)) == [petition.pk]


def test_posting_the_edit_page_back_unchanged_keeps_every_matter(client, sworld):
    reception = workflow.reception_record(
        actor=sworld.base.users["deputy"], station_id=sworld.stations["a1"].pk, date=TODAY(),
        form="sitting", people_count=2, deputy_ids=[sworld.deps["a1"].pk],
        matters=[workflow.MatterInput(**ANSWERED), workflow.MatterInput(**{**ANSWERED, "content": "第二件"})],
    )  # fmt: skip
    client.force_login(sworld.base.users["deputy"])
    page = client.get(f"/desk/receptions/{reception.pk}/")
    form, formset = page.context["form"], page.context["formset"]
    data = {name: value for name, value in form.initial.items() if name != "deputies"}
    data.update(station=reception.station_id, date=TODAY().isoformat(), people_count="5",
                deputies=[sworld.deps["a1"].pk])  # fmt: skip
    data.update({f"matters-{k}": v for k, v in formset.management_form.initial.items()})
    for i, initial in enumerate(formset.initial):
        data.update({f"matters-{i}-{k}": v for k, v in initial.items()})
    data[f"matters-{len(formset.initial)}-outcome"] = "answered"  # the blank form's checked radio
    response = client.post(f"/desk/receptions/{reception.pk}/", data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["formset"].errors,
        data,
    )
    assert sorted(reception.matters.values_list("content", flat=True)) == ["村口路灯不亮", "第二件"]


def test_a_deputy_cannot_record_a_reception_for_colleagues_only(sworld):
    from portal.errors import DomainError

    with pytest.raises(DomainError):
        _record(sworld, deputies=("a1b",))
    assert not Reception.objects.exists()


def test_excel_export_neutralises_formulas_and_control_characters(client, sworld):
    from stations.models import Activity

    activity = Activity.objects.create(
        region=sworld.deps["a1"].region, kind="research", title="=1+2\x1b调研", date=TODAY()
    )
    activity.participants.add(sworld.deps["a1"])
    client.force_login(sworld.base.users["deputy"])
    export = client.get(f"/desk/deputies/{sworld.deps['a1'].pk}/archive.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content))["履职活动"]
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value == "'=1+2调研"


def test_a_closed_station_takes_no_receptions(sworld):
    from portal.errors import DomainError

    station = sworld.stations["a1"]
    station.is_active = False
    station.save(update_fields=["is_active"])
    with pytest.raises(DomainError) as refused:
        _record(sworld)
    assert refused.value.field == "station"
    assert not Reception.objects.exists()


def test_office_pages_follow_region_grants_not_the_staff_flag(client, sworld):
    handler = sworld.base.users["handler"]  # is_staff, but no region grant
    client.force_login(handler)
    assert client.get("/desk/stations/statistics/").status_code == 403
    client.force_login(sworld.base.users["viewer"])
    assert client.get("/desk/stations/statistics/").status_code == 200
