"""A matter forwarded at a reception (转交办理) becomes a citizen issue, and counts as solved
once that issue is resolved. ``stations`` writes its own rows: it links the matter after
asking ``petitions.workflow`` for the issue, and learns how the issue ended through the
core's ``hooks.ISSUE_SETTLED`` (``petitions`` never imports ``stations``)."""

import pytest
from django.utils import timezone

from petitions import workflow as petitions_workflow
from petitions.models import Channel, Petition
from portal import access, events, hooks
from portal.models import Event
from stations import access_rules, workflow
from stations.models import ReceptionMatter
from tests.petitions.conftest import pworld  # noqa: F401  (fixture)
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)


def _forward(w, content="路面塌陷", phone="13800001111") -> ReceptionMatter:
    workflow.reception_record(
        actor=w.base.users["deputy"], station_id=w.stations["a1"].pk,
        date=timezone.localdate(), form="sitting", people_count=1, deputy_ids=[w.deps["a1"].pk],
        matters=[workflow.MatterInput(content=content, outcome="forwarded", citizen_phone=phone)],
    )  # fmt: skip
    return ReceptionMatter.objects.select_related("petition").get(content=content)


def _replied(w, petition_id: int) -> None:
    staff = w.base.users["township"]
    petitions_workflow.petition_accept(actor=staff, petition_id=petition_id)
    petitions_workflow.petition_answer(actor=staff, petition_id=petition_id, text="已安排修复")


def _solved_events(matter) -> list[Event]:
    return list(events.history(matter).filter(action="matter_solved"))


def test_stations_registers_its_hooks_when_the_app_is_ready():
    assert workflow.matter_issue_settled in hooks.receivers(hooks.ISSUE_SETTLED)
    assert access_rules.issues_from_own_receptions in hooks.receivers(hooks.ISSUE_PARTICIPANTS)


def test_a_forwarded_matter_becomes_an_issue_that_stations_links(pworld):  # noqa: F811
    matter = _forward(pworld, phone="138 0000 1111")
    petition = matter.petition
    assert (petition.channel, petition.station, petition.title) == (
        Channel.RECEPTION,
        pworld.stations["a1"],
        "路面塌陷",
    )
    assert petition.citizen_phone == "13800001111" and matter.solved is False
    assert _forward(pworld, content="路灯不亮", phone="不详").petition.citizen_phone == ""


def test_resolving_the_issue_counts_the_matter_solved_with_an_event(pworld):  # noqa: F811
    matter = _forward(pworld)
    staff = pworld.base.users["township"]
    _replied(pworld, matter.petition_id)
    petitions_workflow.petition_close(actor=staff, petition_id=matter.petition_id, resolved=True)
    matter.refresh_from_db()
    assert matter.solved is True
    [event] = _solved_events(matter)
    assert (event.actor, event.from_state, event.to_state) == (staff, "false", "true")
    assert event.data == {"petition": matter.petition_id}
    assert event.region == matter.region


def test_a_citizen_satisfied_with_the_reply_solves_the_matter(pworld):  # noqa: F811
    matter = _forward(pworld)
    _replied(pworld, matter.petition_id)
    petitions_workflow.petition_rate(petition_id=matter.petition_id, rating="satisfied")
    matter.refresh_from_db()
    assert matter.solved is True
    assert [e.actor for e in _solved_events(matter)] == [None]  # the citizen: no account


@pytest.mark.parametrize("how", ["closed_unresolved", "rejected"])
def test_an_issue_closed_without_resolution_leaves_the_matter_unsolved(pworld, how):  # noqa: F811
    matter = _forward(pworld)
    staff = pworld.base.users["township"]
    if how == "rejected":
        petitions_workflow.petition_reject(
            actor=staff, petition_id=matter.petition_id, reason="不属实"
        )
    else:
        _replied(pworld, matter.petition_id)
        petitions_workflow.petition_close(
            actor=staff, petition_id=matter.petition_id, resolved=False, reason="资金不足"
        )
    assert Petition.objects.get(pk=matter.petition_id).state == how
    matter.refresh_from_db()
    assert matter.solved is False and not _solved_events(matter)


def test_a_failing_receiver_keeps_the_issue_open(pworld):  # noqa: F811
    matter = _forward(pworld)
    _replied(pworld, matter.petition_id)

    def broken(**kwargs):
        raise RuntimeError("receiver failed")

    hooks.register(hooks.ISSUE_SETTLED, broken)
    try:
        with pytest.raises(RuntimeError):
            petitions_workflow.petition_close(
                actor=pworld.base.users["township"], petition_id=matter.petition_id, resolved=True
            )
    finally:
        hooks.unregister(hooks.ISSUE_SETTLED, broken)
    matter.refresh_from_db()
    assert Petition.objects.get(pk=matter.petition_id).state == "replied"
    assert matter.solved is False and not _solved_events(matter)


def test_the_deputy_who_recorded_the_reception_sees_the_issue(pworld):  # noqa: F811
    matter = _forward(pworld)
    issues = Petition.objects.all()
    assert list(access.visible(pworld.base.users["deputy"], issues)) == [matter.petition]
    assert not access.visible(pworld.base.users["deputy3"], issues).exists()
