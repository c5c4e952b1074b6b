"""Where a citizen issue may be forwarded: the units of its place, never a court or a
procuratorate, and the workflow refuses what the form does not offer."""

import pytest

from petitions import workflow
from petitions.models import Petition
from portal.errors import DomainError
from portal.models import Department
from tests.factories import DepartmentFactory
from tests.petitions.conftest import submit


@pytest.fixture
def fworld(pworld):
    """pworld plus 甲县's court, procuratorate and supervisory commission, and a city unit."""
    county = pworld.base.regions["countyA"]
    Kind = Department.Kind
    pworld.judicial = {
        "court": DepartmentFactory(region=county, name="甲县人民法院", kind=Kind.COURT),
        "procuratorate": DepartmentFactory(
            region=county, name="甲县人民检察院", kind=Kind.PROCURATORATE
        ),
    }
    pworld.commission = DepartmentFactory(
        region=county, name="甲县监察委员会", kind=Kind.SUPERVISORY_COMMISSION
    )
    pworld.closed_unit = DepartmentFactory(region=county, name="甲县已撤销单位", is_active=False)
    return pworld


def accepted(fworld, staff_key="township", **kwargs) -> Petition:
    petition = submit(fworld, **kwargs)
    workflow.petition_accept(actor=fworld.base.users[staff_key], petition_id=petition.pk)
    return petition


def offered(petition) -> set[str]:
    return {unit.name for unit in workflow.units_for(petition)}


def test_township_clerk_is_offered_the_township_government_and_county_departments(fworld):
    petition = accepted(fworld)  # in 甲一村, a village of 甲一镇
    assert offered(petition) == {
        "甲一镇人民政府",  # the township's government
        "甲一镇单位",  # another unit of the township
        "甲县单位",  # the county's departments
        "甲县另一单位",
        "甲县监察委员会",
    }


def test_courts_procuratorates_city_units_and_sibling_townships_are_not_offered(fworld):
    names = offered(accepted(fworld))
    assert "甲县人民法院" not in names and "甲县人民检察院" not in names
    assert "城市甲单位" not in names  # not over the county's head
    assert "甲二镇人民政府" not in names  # a sibling township's government
    assert "甲一村单位" not in names  # a village committee is no government unit
    assert "甲县已撤销单位" not in names


@pytest.mark.parametrize("unit", ["court", "procuratorate"])
def test_forward_to_a_court_or_procuratorate_is_refused_by_the_workflow(fworld, unit):
    petition = accepted(fworld)
    with pytest.raises(DomainError) as refused:
        workflow.petition_forward(
            actor=fworld.base.users["township"],
            petition_id=petition.pk,
            department_id=fworld.judicial[unit].pk,
        )
    assert refused.value.field == "department"
    petition.refresh_from_db()
    assert (petition.state, petition.department) == (Petition.State.ACCEPTED, None)


def test_forward_to_a_sibling_townships_government_or_a_city_unit_is_refused(fworld):
    petition = accepted(fworld)
    for unit in (fworld.units["townA2"], fworld.base.depts["city"]):
        with pytest.raises(DomainError):
            workflow.petition_forward(
                actor=fworld.base.users["county"], petition_id=petition.pk, department_id=unit.pk
            )


def test_county_clerk_is_offered_the_county_departments_and_its_townships_governments(fworld):
    """An issue of the county itself: its departments, or a township's government."""
    petition = accepted(fworld, staff_key="county", region_key="countyA")
    assert offered(petition) == {
        "甲县单位", "甲县另一单位", "甲县监察委员会", "甲一镇人民政府", "甲二镇人民政府",
    }  # fmt: skip
    county_clerk = fworld.base.users["county"]
    workflow.petition_forward(
        actor=county_clerk, petition_id=petition.pk, department_id=fworld.units["townA2"].pk
    )
    petition.refresh_from_db()
    assert petition.department == fworld.units["townA2"]


def test_county_clerk_forwards_a_township_issue_within_its_place(fworld):
    """The issue's place decides, not the clerk's level: a county clerk forwarding an issue of
    甲一镇 gets 甲一镇's government and the county's departments, not 甲二镇's government."""
    petition = accepted(fworld, staff_key="county")
    names = offered(petition)
    assert "甲一镇人民政府" in names and "甲县单位" in names
    assert "甲二镇人民政府" not in names and "乙一镇单位" not in names
    with pytest.raises(DomainError):
        workflow.petition_forward(
            actor=fworld.base.users["county"],
            petition_id=petition.pk,
            department_id=fworld.units["townA2"].pk,
        )


def test_the_desk_form_offers_the_same_units(client, fworld):
    petition = accepted(fworld)
    client.force_login(fworld.base.users["township"])
    page = client.get(f"/desk/petitions/{petition.pk}/")
    form = next(f for f in page.context["action_forms"] if f["name"] == "forward")["form"]
    assert {unit.name for unit in form.fields["department"].queryset} == offered(petition)


def test_the_bulk_forward_offers_what_the_clerks_issues_may_go_to(fworld):
    clerk = fworld.base.users["township"]
    offered = set(workflow.units_for_actor(clerk))
    assert fworld.units["townA1"] in offered
    assert fworld.units["townA2"] not in offered  # a sibling township's government
    assert not offered & set(fworld.judicial.values())  # never a court or procuratorate
    assert all(u.kind not in workflow.NOT_FORWARDED_KINDS for u in offered)
