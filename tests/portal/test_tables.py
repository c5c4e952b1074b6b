"""The staff tables (``portal.tables``) through the issue ledger: sorting, keyword, page size,
the columns a user chooses, saved views, bulk actions through the workflow, and the Excel
export — inline and as a background job with its progress page."""

import io

import pytest
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from petitions import workflow
from petitions.models import Petition
from portal.models import Event
from portal.tablemodels import ExportJob, SavedView, TablePreference
from portal.tables import exports
from tests.petitions.conftest import pworld, submit, sworld, world  # noqa: F401  (fixtures)
from tests.petitions.desk_helpers import sibling_staff

pytestmark = pytest.mark.django_db
LIST = "/desk/petitions/"


def rows(response) -> list[int]:
    assert response.status_code == 200
    return [row["pk"] for row in response.context["rows"]]


def workbook(response):
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body)).active


@pytest.fixture
def clerk(client, pworld):  # noqa: F811
    user = pworld.base.users["township"]
    client.force_login(user)
    return user


def test_sorting_by_a_column_both_ways_and_refusing_an_unsortable_one(client, pworld, clerk):  # noqa: F811
    first = submit(pworld, title="甲")
    second = submit(pworld, title="乙")
    Petition.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timezone.timedelta(days=3)
    )
    assert rows(client.get(LIST, {"ordering": "submitted_at"})) == [first.pk, second.pk]
    response = client.get(LIST, {"ordering": "-submitted_at"})
    assert rows(response) == [second.pk, first.pk]
    assert 'aria-sort="descending"' in response.content.decode()
    bad = client.get(LIST, {"ordering": "citizen_phone"})
    assert rows(bad) == [] and "ordering" in bad.context["filter_errors"]


def test_keyword_finds_title_words_and_exact_tracking_codes(client, pworld, clerk):  # noqa: F811
    lamp = submit(pworld, title="村口路灯不亮")
    bus = submit(pworld, title="公交班次太少")
    assert rows(client.get(LIST, {"q": "路灯"})) == [lamp.pk]
    assert rows(client.get(LIST, {"q": bus.tracking_code.lower()})) == [bus.pk]
    long = client.get(LIST, {"q": "路" * 101})
    assert rows(long) == [] and "q" in long.context["filter_errors"]


def test_page_size_is_one_of_the_offered_sizes(client, pworld, clerk):  # noqa: F811
    for _n in range(25):
        submit(pworld)
    assert len(rows(client.get(LIST))) == 20
    assert len(rows(client.get(LIST, {"page_size": "50"}))) == 25
    for bad in ("7", "abc", "-20", "100000"):
        response = client.get(LIST, {"page_size": bad})
        assert rows(response) == [] and "page_size" in response.context["filter_errors"]


def test_chosen_columns_are_remembered_per_user_and_reach_the_export(client, pworld, clerk):  # noqa: F811
    submit(pworld, title="路灯")
    response = client.post(
        LIST, {"op": "columns", "col": ["title", "state", "nonsense"], "page_size": "50"}
    )
    assert response.status_code == 302
    preference = TablePreference.objects.get(user=clerk, table="petitions")
    assert preference.columns == ["title", "state"] and preference.page_size == 50
    page = client.get(LIST)
    assert [c.key for c in page.context["columns"]] == ["title", "state"]
    assert page.context["listing"].page_size == 50
    sheet = workbook(client.get(LIST, {"export": "xlsx"}))
    header = [c.value for c in sheet[1]]
    assert header[:2] == [gettext("Title"), gettext("State")]
    assert gettext("Description") in header and gettext("Tracking code") not in header
    # Another user still sees the standard columns.
    other = pworld.base.users["county"]
    client.force_login(other)
    assert "tracking_code" in [c.key for c in client.get(LIST).context["columns"]]
    client.force_login(clerk)
    client.post(LIST, {"op": "columns", "reset": "1", "col": ["title"]})
    assert not TablePreference.objects.filter(user=clerk).exists()


def test_saved_views_belong_to_their_owner_and_refuse_a_wrong_filter(client, pworld, clerk):  # noqa: F811
    response = client.post(
        LIST, {"op": "save_view", "name": "住房问题", "query": "category=housing&page=3"}
    )
    assert response.status_code == 302 and "view=saved-" in response["Location"]
    view = SavedView.objects.get(user=clerk)
    assert view.query == "category=housing"
    assert "住房问题" in client.get(LIST).content.decode()
    client.post(LIST, {"op": "save_view", "name": "坏的", "query": "state=nonsense"})
    client.post(LIST, {"op": "save_view", "name": "", "query": "state=submitted"})
    assert SavedView.objects.filter(user=clerk).count() == 1
    other = pworld.base.users["county"]
    client.force_login(other)
    assert "住房问题" not in client.get(LIST).content.decode()
    client.post(LIST, {"op": "delete_view", "view_id": view.pk})
    assert SavedView.objects.filter(pk=view.pk).exists()  # not theirs to delete
    client.force_login(clerk)
    client.post(LIST, {"op": "delete_view", "view_id": view.pk})
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_built_in_views_list_what_waits_what_is_near_and_what_is_late(client, pworld, clerk):  # noqa: F811
    fresh = submit(pworld)
    near, late = submit(pworld), submit(pworld)
    for petition in (near, late):
        workflow.petition_accept(actor=clerk, petition_id=petition.pk)
        workflow.petition_forward(
            actor=clerk, petition_id=petition.pk, department_id=pworld.units["townA1"].pk
        )
    today = timezone.localdate()
    Petition.objects.filter(pk=near.pk).update(due_on=today + timezone.timedelta(days=2))
    Petition.objects.filter(pk=late.pk).update(due_on=today - timezone.timedelta(days=1))
    presets = {p.key: p.params for p in client.get(LIST).context["presets"]}
    assert rows(client.get(LIST, presets["todo"])) == [fresh.pk]
    assert rows(client.get(LIST, presets["due-soon"])) == [near.pk]
    assert rows(client.get(LIST, presets["overdue"])) == [late.pk]


def test_bulk_accept_moves_what_fits_and_says_what_it_skipped(client, pworld, clerk):  # noqa: F811
    waiting = [submit(pworld) for _n in range(3)]
    done = submit(pworld)
    workflow.petition_accept(actor=clerk, petition_id=done.pk)
    sibling = submit(pworld, region_key="townA2")
    ids = [p.pk for p in (*waiting, done, sibling)]
    response = client.post(
        LIST, {"op": "bulk", "bulk": "accept", "pk": ids, "query": "state=submitted"}, follow=True
    )
    message = [str(m) for m in response.context["messages"]][0]
    assert message == "3 件已受理，2 件状态已变，未处理"
    assert Petition.objects.filter(pk__in=[p.pk for p in waiting], state="accepted").count() == 3
    assert Event.objects.filter(action="petition_accept", target_id__in=ids).count() == 4
    sibling.refresh_from_db()
    assert sibling.state == Petition.State.SUBMITTED  # outside the clerk's scope: untouched


def test_bulk_forward_of_all_matching_rows_needs_a_unit(client, pworld, clerk):  # noqa: F811
    accepted = [submit(pworld, category="housing") for _n in range(3)]
    for petition in accepted:
        workflow.petition_accept(actor=clerk, petition_id=petition.pk)
    query = "state=accepted&category=housing"
    refused = client.post(
        LIST, {"op": "bulk", "bulk": "forward", "scope": "all", "query": query}, follow=True
    )
    assert not Petition.objects.filter(state="forwarded").exists()  # no unit chosen
    assert gettext("Handling unit") in [str(m) for m in refused.context["messages"]][0]
    unit = pworld.units["townA1"]
    response = client.post(
        LIST,
        {"op": "bulk", "bulk": "forward", "scope": "all", "query": query,
         "forward-department": unit.pk},
        follow=True,
    )  # fmt: skip
    assert "3 件已转办" in [str(m) for m in response.context["messages"]][0]
    assert Petition.objects.filter(state="forwarded", department=unit).count() == 3


def test_a_handling_unit_has_no_bulk_actions_of_the_office(client, pworld):  # noqa: F811
    petition = submit(pworld)
    client.force_login(pworld.handlers["townA1"])
    assert client.get(LIST).context["bulk"] == []
    client.post(LIST, {"op": "bulk", "bulk": "accept", "pk": [petition.pk]})
    petition.refresh_from_db()
    assert petition.state == Petition.State.SUBMITTED


def test_export_is_the_filtered_rows_named_after_the_jurisdiction_and_formula_safe(
    client,
    pworld,  # noqa: F811
    clerk,
):
    submit(pworld, title="=1+1 路灯", category="housing", description="@SUM(A1) 描述")
    submit(pworld, title="公交", category="traffic")
    response = client.get(LIST, {"category": "housing", "export": "xlsx"})
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and ".xlsx" in disposition
    assert timezone.localdate().strftime("%Y-%m-%d") in disposition
    sheet = workbook(response)
    values = list(sheet.iter_rows(values_only=True))
    header, body = values[0], values[1:]
    assert len(body) == 1
    assert body[0][header.index(gettext("Title"))] == "'=1+1 路灯"
    assert body[0][header.index(gettext("Description"))] == "'@SUM(A1) 描述"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "13800001111" in body[0][header.index(gettext("Citizen's contact"))]
    assert client.get(LIST, {"export": "pdf"}).status_code == 400


def test_export_masks_the_citizen_for_a_viewer(client, pworld):  # noqa: F811
    submit(pworld)
    client.force_login(pworld.base.users["viewer"])
    sheet = workbook(client.get(LIST, {"export": "xlsx"}))
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "13800001111" not in text and "138****1111" in text


def test_a_long_export_runs_as_a_job_whose_progress_its_owner_watches(
    client,
    pworld,  # noqa: F811
    clerk,
    monkeypatch,
    django_capture_on_commit_callbacks,
    tmp_path,
    settings,  # noqa: F811
):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(exports, "INLINE_MAX", 2)
    queued = []
    monkeypatch.setattr(exports, "_queue", queued.append)
    for _n in range(5):
        submit(pworld)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(LIST, {"state": "submitted", "export": "xlsx"})
    job = ExportJob.objects.get(user=clerk)
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{job.pk}/")
    assert queued == [job.pk] and job.total == 5 and job.query == "state=submitted"
    page = client.get(f"/desk/exports/{job.pk}/")
    assert 'http-equiv="refresh"' in page.content.decode() and "<progress" in page.content.decode()
    assert client.get(f"/desk/exports/{job.pk}/download/").status_code == 404  # not ready
    assert exports.run(job.pk) == ExportJob.State.DONE
    assert exports.run(job.pk) == "skipped"  # a job runs once
    page = client.get(f"/desk/exports/{job.pk}/").content.decode()
    assert 'id="export-download"' in page and "http-equiv" not in page
    sheet = workbook(client.get(f"/desk/exports/{job.pk}/download/"))
    assert sheet.max_row == 6
    client.force_login(pworld.base.users["county"])
    assert client.get(f"/desk/exports/{job.pk}/").status_code == 404
    assert client.get(f"/desk/exports/{job.pk}/download/").status_code == 404


def test_the_sibling_township_never_appears(client, pworld):  # noqa: F811
    mine = submit(pworld)
    submit(pworld, region_key="townA2")
    client.force_login(sibling_staff(pworld))
    assert mine.pk not in rows(client.get(LIST))
    sheet = workbook(client.get(LIST, {"export": "xlsx"}))
    assert mine.tracking_code not in [r[0] for r in sheet.iter_rows(values_only=True)]


def test_an_export_of_a_list_that_is_gone_fails_and_says_so(client, pworld, clerk):  # noqa: F811
    job = ExportJob.objects.create(user=clerk, table="no-such-list", filename="x.xlsx", total=1)
    assert exports.run(job.pk) == ExportJob.State.FAILED
    page = client.get(f"/desk/exports/{job.pk}/").content.decode()
    assert 'role="alert"' in page and "http-equiv" not in page
    assert client.get(f"/desk/exports/{job.pk}/download/").status_code == 404


def test_the_sweep_requeues_lost_jobs_and_removes_old_files(
    pworld,  # noqa: F811
    clerk,
    monkeypatch,
    tmp_path,
    settings,  # noqa: F811
):
    settings.VAR_DIR = tmp_path
    queued = []
    monkeypatch.setattr(exports, "_queue", queued.append)
    now = timezone.now()
    lost = ExportJob.objects.create(user=clerk, table="petitions", filename="a.xlsx",
                                    created_at=now - timezone.timedelta(minutes=10))  # fmt: skip
    fresh = ExportJob.objects.create(user=clerk, table="petitions", filename="b.xlsx")
    old_file = exports.export_dir() / "job-old.xlsx"
    old_file.write_bytes(b"x")
    old = ExportJob.objects.create(
        user=clerk, table="petitions", filename="c.xlsx", state=ExportJob.State.DONE,
        path=str(old_file), created_at=now - timezone.timedelta(hours=30),
    )  # fmt: skip
    result = exports.sweep()
    assert queued == [lost.pk] and fresh.pk not in queued
    assert result == {"queued": 1, "removed": 1}
    assert not old_file.exists() and not ExportJob.objects.filter(pk=old.pk).exists()
