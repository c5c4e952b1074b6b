"""Concentrated issues on the desk, and acting on a group at once."""

import pytest

from petitions import workflow
from petitions.models import Petition
from portal.errors import DomainError
from portal.models import Event
from tests.petitions.conftest import submit

BUS = [
    ("去石浦的公交班次太少", "早上去石浦镇上的公交车班次太少，挤不上车"),
    ("石浦公交车班次少", "每天去石浦的公交只有几班，希望增加班次"),
    ("增加到石浦的公交班次", "去石浦镇的公交车太少了，早上根本坐不上"),
]
OTHER = ("村口垃圾没人清运", "村口的垃圾堆了一个星期没有人清运，气味很大")


def test_the_desk_groups_similar_issues_of_the_region(client, pworld):
    bus = [submit(pworld, title=t, description=d) for t, d in BUS]
    submit(pworld, title=OTHER[0], description=OTHER[1])
    submit(pworld, region_key="townA2", title=BUS[0][0], description=BUS[0][1])  # sibling
    client.force_login(pworld.base.users["township"])
    page = client.get("/desk/petitions/topics/", {"days": "30"})
    assert page.status_code == 200
    groups = [topic for topic, _rows in page.context["topics"]]
    assert [set(g.pks) for g in groups] == [{p.pk for p in bus}]


def test_acting_on_the_group_moves_every_issue_and_audits_each(client, pworld):
    bus = [submit(pworld, title=t, description=d) for t, d in BUS]
    workflow.petition_accept(actor=pworld.base.users["township"], petition_id=bus[0].pk)
    client.force_login(pworld.base.users["township"])
    response = client.post(
        "/desk/petitions/topics/act/", {"petition": [p.pk for p in bus], "action": "escalate"}
    )
    assert response.status_code == 302
    assert set(Petition.objects.values_list("state", flat=True)) == {Petition.State.ESCALATED}
    assert Event.objects.filter(action="petition_escalate", data__group=3).count() == 3


def test_each_issue_of_a_group_has_a_checkbox_and_only_checked_ones_move(client, pworld):
    bus = [submit(pworld, title=t, description=d) for t, d in BUS]
    client.force_login(pworld.base.users["township"])
    html = client.get("/desk/petitions/topics/", {"days": "30"}).content.decode()
    for petition in bus:
        assert f'name="petition" value="{petition.pk}"' in html
    # The clerk unchecks the third issue: it stays as it was.
    response = client.post(
        "/desk/petitions/topics/act/",
        {"petition": [bus[0].pk, bus[1].pk], "action": "accept"},
        follow=True,
    )
    assert "2" in [str(m) for m in response.context["messages"]][0]
    states = dict(Petition.objects.values_list("pk", "state"))
    assert states[bus[0].pk] == states[bus[1].pk] == Petition.State.ACCEPTED
    assert states[bus[2].pk] == Petition.State.SUBMITTED


def test_the_checked_issues_of_a_group_become_one_supervision_matter(client, pworld):
    bus = [submit(pworld, title=t, description=d) for t, d in BUS]
    client.force_login(pworld.base.users["township"])
    response = client.post(
        "/desk/petitions/topics/act/", {"petition": [bus[2].pk, bus[0].pk], "action": "matter"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/desk/matters/new/?topic=1&petitions={bus[2].pk},{bus[0].pk}"
    )
    empty = client.post("/desk/petitions/topics/act/", {"action": "matter"}, follow=True)
    assert list(empty.context["messages"])


def test_a_group_with_a_foreign_issue_is_refused_whole(pworld):
    mine = submit(pworld)
    foreign = submit(pworld, region_key="townA2")
    from django.http import Http404

    with pytest.raises(Http404):
        workflow.petitions_group_act(
            actor=pworld.base.users["township"], petition_ids=[mine.pk, foreign.pk], action="accept"
        )
    mine.refresh_from_db()
    assert mine.state == Petition.State.SUBMITTED


def test_bad_group_requests_are_clear_errors(client, pworld):
    with pytest.raises(DomainError):
        workflow.petitions_group_act(
            actor=pworld.base.users["township"], petition_ids=[], action="accept"
        )
    with pytest.raises(DomainError):
        workflow.petitions_group_act(
            actor=pworld.base.users["township"], petition_ids=[1], action="delete"
        )
    client.force_login(pworld.base.users["township"])
    response = client.post(
        "/desk/petitions/topics/act/", {"petition": ["x", "²"], "action": "accept"}, follow=True
    )
    assert response.status_code == 200 and list(response.context["messages"])


def test_only_the_office_sees_concentrated_issues(client, pworld):
    client.force_login(pworld.handlers["townA1"])
    assert client.get("/desk/petitions/topics/").status_code == 403
    client.force_login(pworld.base.users["deputy"])
    assert client.get("/desk/petitions/topics/").status_code == 403
