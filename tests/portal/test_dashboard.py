"""The leaders' dashboard (/desk/dashboard/), its Excel export and /api/v1/statistics/ on the
demo's two years of history: the page, the API and the export show the same value for every
figure at every level; each role sees its own region and what is under it, never a sibling's
or its parent's; bad periods are field errors; a figure below its minimum is not ranked."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from portal import access, figures
from portal.models import Region, User
from tests.errors import field_names
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGE, EXPORT, API = "/desk/dashboard/", "/desk/dashboard/export/", "/api/v1/statistics/"
CITY, XIANGSHAN, SHIPU, DAXU, JIANGBEI = ("330200000000", "330225000000", "330225100000",
                                          "330225108000", "330205000000")  # fmt: skip


@pytest.fixture
def demo(seeded_demo, db):
    """The demo, seeded once for the module (tests/conftest.py); what a test writes is rolled
    back after it."""
    return {
        code: Region.objects.get(code=code) for code in (CITY, XIANGSHAN, SHIPU, DAXU, JIANGBEI)
    }


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_page_api_and_export_agree_on_every_figure_at_every_level(client, demo):
    login(client, "city_staff")
    for code in (CITY, XIANGSHAN, SHIPU):
        region = demo[code]
        query = {"region": region.pk, "period": "year", "year": "2026"}
        page = client.get(PAGE, query)
        assert page.status_code == 200
        on_page = {v.figure.key: v.display for v in page.context["values"]}
        book = load_workbook(io.BytesIO(client.get(EXPORT, query).content))
        in_export = {
            row[1]: row[2] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)
        }
        for figure in figures.figures():
            api = client.get(f"{API}{figure.key}/", query).json()
            assert api["display"] == on_page[figure.key], (code, figure.key)
            assert in_export[str(figure.label)] == on_page[figure.key], (code, figure.key)
            assert f'id="figure-{figure.key}"' in page.content.decode()


def test_the_county_children_add_up_to_the_county(client, demo):
    login(client, "county_leader")
    query = {"region": demo[XIANGSHAN].pk, "period": "year", "year": "2026"}
    total = client.get(f"{API}petitions_received/", query).json()
    parts = client.get(f"{API}petitions_received/", {**query, "breakdown": "children"}).json()
    assert total["value"] > 0
    assert sum(p["value"] for p in parts["breakdown"]) == total["value"]
    months = client.get(f"{API}petitions_received/", {**query, "breakdown": "month"}).json()
    assert sum(p["value"] for p in months["breakdown"]) == total["value"]


@pytest.mark.parametrize(
    ("username", "allowed", "hidden"),
    [("city_staff", (CITY, XIANGSHAN, SHIPU, JIANGBEI), ()),
     ("county_leader", (XIANGSHAN, SHIPU, DAXU), (CITY, JIANGBEI)),  # own, children | parent, sibling
     ("county_staff", (XIANGSHAN, SHIPU), (CITY, JIANGBEI)),
     ("shipu_staff", (SHIPU,), (XIANGSHAN, DAXU, CITY)),  # own | parent, sibling, grandparent
     ("jiangbei_staff", (JIANGBEI,), (XIANGSHAN, SHIPU, CITY))],
)  # fmt: skip
def test_each_role_sees_its_region_and_below_never_a_sibling_or_parent(
    client, demo, username, allowed, hidden
):
    login(client, username)
    for code in allowed:
        assert client.get(PAGE, {"region": demo[code].pk}).status_code == 200, code
        assert client.get(f"{API}receptions/", {"region": demo[code].pk}).status_code == 200
    for code in hidden:
        assert client.get(PAGE, {"region": demo[code].pk}).status_code == 404, code
        assert client.get(EXPORT, {"region": demo[code].pk}).status_code == 404, code
        assert client.get(f"{API}receptions/", {"region": demo[code].pk}).status_code == 404


def test_a_viewer_reads_but_may_not_recompute_and_others_are_refused(client, demo):
    viewer = UserFactory(username="x_viewer", kind=User.Kind.STAFF)
    access.grant_role(viewer, demo[XIANGSHAN], access.Role.VIEWER)
    client.force_login(viewer)
    page = client.get(PAGE)
    assert page.status_code == 200 and page.context["region"] == demo[XIANGSHAN]
    assert "recompute-form" not in page.content.decode()
    assert (
        client.post("/desk/dashboard/recompute/", {"region": demo[XIANGSHAN].pk}).status_code == 403
    )
    for username in ("deputy_shipu", "dept_traffic"):
        login(client, username)
        assert client.get(PAGE).status_code == 403
        assert client.get(API).status_code == 403


def test_a_village_or_a_foreign_station_is_not_a_drill_target(client, demo):
    login(client, "county_leader")
    village = Region.objects.filter(path__startswith=demo[SHIPU].path, level=4).first()
    assert client.get(PAGE, {"region": village.pk}).status_code == 404
    shipu = client.get(PAGE, {"region": demo[SHIPU].pk})
    station = next(c for c in shipu.context["charts"] if c.key == "stations")
    assert station.links  # every bar of the stations chart drills into its station
    opened = client.get(station.links[0])
    assert opened.status_code == 200 and opened.context["station_view"] is not None
    from stations.models import Station

    foreign = Station.objects.filter(region__path__startswith=demo[JIANGBEI].path).first()
    assert client.get(PAGE, {"region": demo[SHIPU].pk, "station": foreign.pk}).status_code == 404
    assert client.get(PAGE, {"region": demo[SHIPU].pk, "station": "x"}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"period": "week"}, {"period": "month", "month": "2026-13"},
     {"period": "custom", "from": "2026-06", "to": "2026-01"}, {"period": "year", "year": "abc"}],
)  # fmt: skip
def test_a_bad_period_is_shown_as_a_field_error_and_refused_by_the_api(client, demo, query):
    login(client, "county_leader")
    page = client.get(PAGE, query)
    assert page.status_code == 200 and page.context["errors"]
    assert 'id="period-errors"' in page.content.decode()
    answer = client.get(f"{API}receptions/", query)
    assert answer.status_code == 400 and set(answer.json()["fields"]) & {
        "period",
        "month",
        "to",
        "year",
    }
    unknown = client.get(f"{API}receptions/", {"colour": "red"})
    assert unknown.status_code == 400 and field_names(unknown) == {"colour"}


def test_units_below_the_minimum_are_not_ranked(client, demo):
    login(client, "county_leader")
    rate = figures.figure("petitions_on_time_rate")
    query = {"region": demo[XIANGSHAN].pk, "period": "year", "year": "2026", "breakdown": "unit"}
    rows = client.get(f"{API}{rate.key}/", query).json()["breakdown"]
    assert {r["ranked"] for r in rows} == {True, False}  # the demo has units on both sides
    for row in rows:
        assert row["ranked"] == (row["cases"] >= rate.min_cases and row["value"] is not None)
    page = client.get(PAGE, {k: v for k, v in query.items() if k != "breakdown"})
    chart = next(c for c in page.context["charts"] if c.key == "units_on_time")
    ranked = {r["label"] for r in rows if r["ranked"]}
    assert set(chart.categories) <= ranked


def test_recompute_rewrites_the_period(client, demo, settings):
    from portal.models import FigureValue

    login(client, "county_leader")
    FigureValue.objects.filter(measure="petitions.received", month__year=2026).delete()
    before = client.get(f"{API}petitions_received/", {"period": "year", "year": "2026"}).json()
    assert before["value"] == 0
    settings.CELERY_TASK_ALWAYS_EAGER = True
    answer = client.post("/desk/dashboard/recompute/", {"period": "year", "year": "2026"})
    assert answer.status_code == 302
    after = client.get(f"{API}petitions_received/", {"period": "year", "year": "2026"}).json()
    assert after["value"] > 0


def test_the_statistics_pages_show_the_dashboards_figures(client, demo):
    """The station statistics, the suggestion statistics and the yearly report read the same
    figures as the dashboard and the API, at the city, a county and a township."""
    login(client, "city_staff")
    year = "2026"
    stations = client.get("/desk/stations/statistics/", {"year": year}).context["nodes"]
    by_region = {node.region.pk: node.figures for node in stations}
    pairs = {"receptions": "receptions", "people": "people_received",
             "matters": "matters_collected", "solved": "matters_solved"}  # fmt: skip
    for code in (CITY, XIANGSHAN, SHIPU):
        region = demo[code]
        for field, key in pairs.items():
            api = client.get(f"{API}{key}/", {"region": region.pk, "period": "year", "year": year})
            assert getattr(by_region[region.pk], field) == api.json()["value"], (code, field)
    login(client, "county_staff")
    query = {"region": demo[XIANGSHAN].pk, "period": "year", "year": year}
    for url in ("/desk/suggestions/statistics/", "/desk/suggestions/report/"):
        total = client.get(url, {"year": year}).context["total"]
        shown = {
            "suggestions_completion_rate": total.completion_rate,
            "suggestions_on_time_rate": total.on_time_rate,
            "suggestions_reply_satisfaction": total.reply_satisfaction_rate,
            "suggestions_implementation_satisfaction": total.implementation_satisfaction_rate,
        }
        for key, text in shown.items():
            assert client.get(f"{API}{key}/", query).json()["display"] == text, (url, key)
        assert total.assigned == client.get(f"{API}suggestions_assigned/", query).json()["value"]


def test_a_handling_unit_opens_from_its_ranking(client, demo):
    login(client, "county_leader")
    page = client.get(PAGE, {"region": demo[XIANGSHAN].pk, "period": "year", "year": "2025"})
    ranking = next(c for c in page.context["charts"] if c.key == "units_on_time")
    assert ranking.links and len(ranking.links) == len(ranking.categories)
    opened = client.get(ranking.links[0])
    assert opened.status_code == 200
    assert opened.context["station_view"]["name"] == ranking.categories[0]
    from portal.models import Department

    foreign = Department.objects.filter(region=demo[JIANGBEI]).first()
    assert client.get(PAGE, {"region": demo[XIANGSHAN].pk, "unit": foreign.pk}).status_code == 404


def test_the_compliance_page_and_the_figure_count_the_same_deputies(client, demo):
    from django.utils import timezone

    from portal.figures import live
    from stations.queries import contact_compliance

    year = timezone.localdate().year
    start, end = timezone.datetime(year, 1, 1).date(), timezone.datetime(year, 12, 31).date()
    for code, username in ((XIANGSHAN, "county_staff"), (SHIPU, "shipu_staff")):
        actor = User.objects.get(username=username)
        deputies, _members = contact_compliance(actor, year, root=demo[code])
        met = sum(1 for d in deputies
                  if d.households >= 3 and not d.missing_kinds and not d.short_households)  # fmt: skip
        values = live.values([demo[code]], start, end, ["contacts"])[demo[code].pk]
        assert values["contacts.deputies"] == len(deputies), code
        assert values["contacts.compliant"] == met, code


@pytest.mark.parametrize(
    "query",
    [{"region": "²"}, {"region": "99999999999999999999999"}, {"region": "-1"},
     {"period": "custom", "from": "2026-01", "to": "9999-12"},
     {"period": "month", "month": "0000-01"}, {"unit": "²"}, {"station": "１"}],
)  # fmt: skip
def test_odd_input_is_never_a_server_error(client, demo, query):
    login(client, "county_leader")
    for url in (PAGE, EXPORT, f"{API}receptions/"):
        assert client.get(url, query).status_code in (200, 400, 404), (url, query)
    assert client.post("/desk/dashboard/recompute/", query).status_code in (302, 400, 404)


def test_a_village_office_has_no_dashboard_and_this_year_has_no_months_to_come(client, demo):
    from django.utils import timezone

    village = Region.objects.filter(path__startswith=demo[SHIPU].path, level=4).first()
    clerk = UserFactory(username="x_village", kind=User.Kind.STAFF)
    access.grant_role(clerk, village, access.Role.STAFF)
    client.force_login(clerk)
    assert client.get(PAGE).status_code == 404  # not its township's figures
    assert client.get(f"{API}receptions/").status_code == 404
    login(client, "county_leader")
    period = client.get(PAGE).context["period"]
    today = timezone.localdate()
    assert period.end == today.replace(day=1) and period.previous().end.year == today.year - 1


def test_a_yearly_figure_is_the_years_own_not_a_sum_of_years(client, demo):
    login(client, "county_leader")
    across = client.get(f"{API}contact_compliance/",
                        {"period": "custom", "from": "2025-07", "to": "2026-06"}).json()  # fmt: skip
    year = client.get(f"{API}contact_compliance/", {"period": "year", "year": "2026"}).json()
    assert across["cases"] == year["cases"] > 0  # each active deputy once
    assert across["value"] == year["value"]


def test_recompute_refuses_a_bad_or_too_long_period_and_a_foreign_region(client, demo):
    from django.contrib.messages import get_messages

    from portal.models import FigureRun

    login(client, "shipu_staff")
    before = FigureRun.objects.count()
    bad = client.post("/desk/dashboard/recompute/", {"period": "month", "month": "2026-13"})
    assert bad.status_code == 302
    assert "有效" in " ".join(str(m) for m in get_messages(bad.wsgi_request))
    long = client.post("/desk/dashboard/recompute/",
                       {"period": "custom", "from": "2023-01", "to": "2026-06"})  # fmt: skip
    assert "24" in " ".join(str(m) for m in get_messages(long.wsgi_request))
    for code in (XIANGSHAN, DAXU):  # the county above, a sibling township
        answer = client.post("/desk/dashboard/recompute/", {"region": demo[code].pk})
        assert answer.status_code == 404, code
    assert FigureRun.objects.count() == before  # nothing was recomputed


def test_the_compute_command_writes_months_and_refuses_bad_arguments(demo):
    from io import StringIO

    from django.core.management.base import CommandError

    from portal.models import FigureRun, FigureValue

    FigureValue.objects.all().delete()
    out = StringIO()
    call_command("compute_figures", "--from", "2026-01", "--to", "2026-02",
                 "--source", "receptions", stdout=out)  # fmt: skip
    assert "2 month(s)" in out.getvalue()
    assert set(
        FigureRun.objects.filter(source="receptions").values_list("month__month", flat=True)
    ) >= {1, 2}
    assert FigureValue.objects.filter(measure__startswith="receptions.").exists()
    assert not FigureValue.objects.exclude(measure__startswith="receptions.").exists()
    for args in (
        ["--from", "2026-13"],
        ["--from", "2026-05", "--to", "2026-01"],
        ["--source", "nope"],
    ):
        with pytest.raises(CommandError):
            call_command("compute_figures", *args, stdout=StringIO())
