"""Helpers of the desk tests of citizen issues: addresses, actions posted, issues forwarded."""

from petitions import workflow
from petitions.models import Petition
from portal.models import Event
from tests.factories import staff_with_role
from tests.petitions.conftest import submit

State = Petition.State
LIST = "/desk/petitions/"


def detail(petition) -> str:
    return f"/desk/petitions/{petition.pk}/"


def act(client, petition, action, **data):
    return client.post(f"/desk/petitions/{petition.pk}/{action}/", data)


def forwarded(pworld, unit="townA1", **kwargs) -> Petition:
    """Return an issue of villageA1 accepted and forwarded by the township's office."""
    staff = pworld.base.users["township"]
    petition = submit(pworld, **kwargs)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units[unit].pk
    )
    petition.refresh_from_db()
    return petition


def sibling_staff(pworld):
    return staff_with_role(pworld.base.regions["townA2"], username="m_township2")


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {petition.pk for petition in response.context["page"]}


def actions(pworld, petition) -> list[str]:
    return list(
        Event.objects.filter(target_id=petition.pk, action__startswith="petition_")
        .order_by("id")
        .values_list("action", flat=True)
    )
