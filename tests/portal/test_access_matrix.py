"""Every role against its own region, a child, a sibling and the parent, through
``portal.access`` directly, the API and the admin: each allow and each deny asserted."""

import pytest

from portal import access
from portal.models import Department, Region
from tests.portal.conftest import CASES, EXPECTED


def _expect(role, position, what):
    return position in EXPECTED[role][what]


# --- access directly -----------------------------------------------------------------


@pytest.mark.parametrize(("role", "position"), CASES)
def test_access_region_view(world, role, position):
    user, region = world.users[role], world.region_at(role, position)
    allowed = _expect(role, position, "region_view")
    assert access.can(user, access.VIEW, region) is allowed
    assert access.visible(user, Region.objects.all()).filter(pk=region.pk).exists() is allowed


@pytest.mark.parametrize(("role", "position"), CASES)
def test_access_department_view(world, role, position):
    user, dept = world.users[role], world.dept_at(role, position)
    allowed = _expect(role, position, "dept_view")
    assert access.can(user, access.VIEW, dept) is allowed
    assert access.visible(user, Department.objects.all()).filter(pk=dept.pk).exists() is allowed


@pytest.mark.parametrize(("role", "position"), CASES)
def test_access_department_manage(world, role, position):
    user, dept = world.users[role], world.dept_at(role, position)
    allowed = _expect(role, position, "dept_manage")
    assert access.can(user, access.MANAGE, dept) is allowed
    in_manage_scope = access.visible(user, Department.objects.all(), access.MANAGE)
    assert in_manage_scope.filter(pk=dept.pk).exists() is allowed


def test_handler_does_not_see_other_units_of_its_own_region(world):
    handler = world.users["handler"]
    assert not access.can(handler, access.VIEW, world.depts["countyA_other"])
    assert set(access.visible(handler, Department.objects.all())) == {world.depts["countyA"]}


def test_superuser_sees_everything(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-Strong-pass-1")
    assert access.visible(root, Region.objects.all()).count() == Region.objects.count()
    assert access.can(root, access.APPROVE, world.regions["city2"])


def test_inactive_user_sees_nothing(world):
    user = world.users["county"]
    user.is_active = False
    user.save()
    access.forget(user)
    assert not access.visible(user, Region.objects.all()).exists()
    assert not access.can(user, access.VIEW, world.regions["countyA"])


def test_require_raises_404_outside_scope_and_403_for_view_only(world):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        access.require(world.users["county"], access.MANAGE, world.depts["countyB"])
    with pytest.raises(PermissionDenied):
        access.require(world.users["viewer"], access.MANAGE, world.depts["countyA"])
    access.require(world.users["county"], access.MANAGE, world.depts["townA1"])


def test_get_object_or_404_hides_foreign_and_bad_ids(world):
    from django.http import Http404

    county = world.users["county"]
    found = access.get_object_or_404(county, Department.objects.all(), pk=world.depts["townA2"].pk)
    assert found == world.depts["townA2"]
    for bad in (world.depts["countyB"].pk, 10**12, "abc"):
        with pytest.raises(Http404):
            access.get_object_or_404(county, Department.objects.all(), pk=bad)


def test_per_object_grant_opens_one_department_and_nothing_else(world):
    township = world.users["township"]
    target = world.depts["countyB"]
    assert not access.can(township, access.VIEW, target)
    access.grant_object(township, access.VIEW, target)
    assert access.can(township, access.VIEW, target)
    assert not access.can(township, access.MANAGE, target)
    assert not access.can(township, access.VIEW, world.depts["townB1"])
    access.revoke_object(township, access.VIEW, target)
    assert not access.can(township, access.VIEW, target)


def test_group_grant_holds_for_the_subtree(world, django_user_model):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    group = Group.objects.create(name="乙县人大办")
    member = django_user_model.objects.create_user("member", password="x-Strong-pass-1")
    member.groups.add(group)
    assign_perm("portal.view_scope", group, world.regions["countyB"])
    assert access.can(member, access.VIEW, world.depts["townB1"])
    assert not access.can(member, access.VIEW, world.depts["countyA"])
    assert not access.can(member, access.MANAGE, world.depts["townB1"])


def test_visible_costs_the_same_queries_whatever_the_scope(world, django_assert_num_queries):
    county = world.users["county"]
    access.forget(county)
    with django_assert_num_queries(2):  # grants once, then the list
        list(access.visible(county, Department.objects.all()))
    with django_assert_num_queries(1):  # grants are cached on the user object
        list(access.visible(county, Region.objects.all()))


def test_roles_of_reports_the_strongest_role(world):
    assert access.roles_of(world.users["viewer"]) == [
        (world.regions["countyA"], access.Role.VIEWER)
    ]
    assert access.roles_of(world.users["county"]) == [(world.regions["countyA"], access.Role.STAFF)]
    access.grant_role(world.users["county"], world.regions["countyA"], access.Role.LEADER)
    assert access.roles_of(world.users["county"]) == [
        (world.regions["countyA"], access.Role.LEADER)
    ]
    access.revoke_role(world.users["county"], world.regions["countyA"])
    assert access.roles_of(world.users["county"]) == []
    assert not access.visible(world.users["county"], Department.objects.all()).exists()


# --- the API -------------------------------------------------------------------------


def _client(client, world, role):
    user = world.users[role]
    if role != "anonymous":
        client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "position"), CASES)
def test_api_region_detail(client, world, role, position):
    region = world.region_at(role, position)
    response = _client(client, world, role).get(f"/api/v1/regions/{region.pk}/")
    if role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == (200 if _expect(role, position, "region_view") else 404)


@pytest.mark.parametrize(("role", "position"), CASES)
def test_api_department_detail_and_list(client, world, role, position):
    dept = world.dept_at(role, position)
    c = _client(client, world, role)
    detail = c.get(f"/api/v1/departments/{dept.pk}/")
    listing = c.get("/api/v1/departments/", {"page_size": 200})
    if role == "anonymous":
        assert detail.status_code == 401
        assert listing.status_code == 401
        return
    allowed = _expect(role, position, "dept_view")
    assert detail.status_code == (200 if allowed else 404)
    assert (dept.pk in {row["id"] for row in listing.json()["results"]}) is allowed


@pytest.mark.parametrize("method", ["put", "delete"])
def test_api_departments_are_neither_replaced_nor_deleted(client, world, method):
    # added (POST) and corrected (PATCH) by the office: tests/portal/test_office_writes_api.py
    client.force_login(world.users["county"])
    dept = world.depts["countyA"]
    url = f"/api/v1/departments/{dept.pk}/"
    response = getattr(client, method)(url, {"name": "x"}, content_type="application/json")
    assert response.status_code == 405
    dept.refresh_from_db()
    assert dept.name == "甲县单位"


# --- the admin -----------------------------------------------------------------------


def _admin_get_status(role, allowed):
    if role in ("anonymous", "deputy"):
        return 302  # not staff: sent to the sign-in page
    return 200 if allowed else 404


@pytest.mark.parametrize(("role", "position"), CASES)
def test_admin_region_change_page(client, world, role, position):
    region = world.region_at(role, position)
    response = _client(client, world, role).get(f"/admin/portal/region/{region.pk}/change/")
    assert response.status_code == _admin_get_status(role, _expect(role, position, "region_view"))
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(("role", "position"), CASES)
def test_admin_department_change_page(client, world, role, position):
    dept = world.dept_at(role, position)
    response = _client(client, world, role).get(f"/admin/portal/department/{dept.pk}/change/")
    assert response.status_code == _admin_get_status(role, _expect(role, position, "dept_view"))


@pytest.mark.parametrize(("role", "position"), CASES)
def test_admin_department_change_post(client, world, role, position):
    dept = world.dept_at(role, position)
    c = _client(client, world, role)
    data = {
        "region": dept.region_id,
        "name": dept.name + "（改）",
        "kind": dept.kind,
        "phone": "0574-1234567",
        "is_active": "on",
    }
    response = c.post(f"/admin/portal/department/{dept.pk}/change/", data)
    dept.refresh_from_db()
    if role in ("anonymous", "deputy"):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif _expect(role, position, "dept_manage"):
        assert response.status_code == 302, response.content[:500]
        assert dept.name.endswith("（改）")
        return
    elif _expect(role, position, "dept_view"):
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    assert not dept.name.endswith("（改）")


@pytest.mark.parametrize(("role", "position"), CASES)
def test_admin_department_list(client, world, role, position):
    dept = world.dept_at(role, position)
    response = _client(client, world, role).get("/admin/portal/department/")
    if role in ("anonymous", "deputy"):
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert (dept.pk in shown) is _expect(role, position, "dept_view")
