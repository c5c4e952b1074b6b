"""The admin: tree filters, scoped choices and autocomplete, constant query counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Department, Event
from tests.factories import DepartmentFactory


def _changelist_ids(response):
    return {obj.pk for obj in response.context["cl"].result_list}


def test_region_tree_filter_selects_the_subtree(client, world):
    client.force_login(world.users["city"])
    response = client.get("/admin/portal/department/", {"region_tree": world.regions["townA1"].pk})
    assert _changelist_ids(response) == {world.depts["townA1"].pk, world.depts["villageA1"].pk}


def test_region_tree_filter_offers_only_visible_regions(client, world):
    client.force_login(world.users["county"])
    response = client.get("/admin/portal/department/")
    spec = next(
        f
        for f in response.context["cl"].filter_specs
        if getattr(f, "parameter_name", None) == "region_tree"
    )
    offered = {label.strip("　") for _, label in spec.lookup_choices}
    assert offered == {"甲县", "甲一镇", "甲二镇"}


def test_region_tree_filter_with_a_foreign_region_shows_nothing(client, world):
    client.force_login(world.users["county"])
    response = client.get("/admin/portal/department/", {"region_tree": world.regions["countyB"].pk})
    assert response.status_code == 200
    assert _changelist_ids(response) == set()


def test_autocomplete_of_regions_is_scoped(client, world):
    client.force_login(world.users["township"])
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "portal", "model_name": "department", "field_name": "region", "term": ""},
    )
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert names == {"甲一镇", "甲一村"}


def test_add_department_only_in_manageable_regions(client, world):
    client.force_login(world.users["township"])
    data = {"name": "甲二镇新单位", "kind": "government", "phone": "", "is_active": "on"}
    response = client.post(
        "/admin/portal/department/add/", {**data, "region": world.regions["townA2"].pk}
    )
    assert response.status_code == 200  # the form answers with an error
    assert "region" in response.context["adminform"].form.errors
    assert not Department.objects.filter(name="甲二镇新单位").exists()
    response = client.post(
        "/admin/portal/department/add/", {**data, "region": world.regions["townA1"].pk}
    )
    assert response.status_code == 302
    created = Department.objects.get(name="甲二镇新单位")
    assert Event.objects.filter(action="admin_create", target_id=created.pk).exists()


def test_viewer_cannot_add_departments(client, world):
    client.force_login(world.users["viewer"])
    assert client.get("/admin/portal/department/add/").status_code == 403


def test_nobody_deletes_departments_in_the_admin(client, world):
    client.force_login(world.users["county"])
    dept = world.depts["townA1"]
    assert (
        client.post(f"/admin/portal/department/{dept.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Department.objects.filter(pk=dept.pk).exists()


def test_staff_cannot_grant_themselves_rights(client, world):
    client.force_login(world.users["city"])
    assert client.get("/admin/portal/regionuserobjectpermission/").status_code == 403
    user = world.users["township"]
    assert (
        client.post(f"/admin/portal/user/{user.pk}/change/", {"is_superuser": "on"}).status_code
        == 403
    )


def _changelist_queries(client, per_page):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/admin/portal/department/", {"o": "1"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == per_page
    return len(ctx.captured_queries)


def test_changelist_costs_the_same_queries_at_10_or_50_rows(client, world, monkeypatch):
    from portal.admin import DepartmentAdmin

    DepartmentFactory.create_batch(60, region=world.regions["townA2"])
    client.force_login(world.users["county"])
    monkeypatch.setattr(DepartmentAdmin, "list_per_page", 10)
    small = _changelist_queries(client, 10)
    monkeypatch.setattr(DepartmentAdmin, "list_per_page", 50)
    large = _changelist_queries(client, 50)
    assert small == large
