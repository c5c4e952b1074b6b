"""One state machine: every pair of ``Matter.TRANSITIONS`` moves through
``portal.states.move`` when the table allows it and raises ``TransitionError`` otherwise; the
audit actions keep their stored values and have labels for people."""

import pytest

from portal import states, vocabulary
from portal.errors import TransitionError
from portal.models import Event
from supervision import workflow
from supervision.models import Matter
from supervision.vocabulary import Action
from tests.supervision.conftest import matter_in_handling, today

State = Matter.State


def test_every_state_has_a_row_in_the_table():
    assert set(Matter.TRANSITIONS) == set(State.values)
    for targets in Matter.TRANSITIONS.values():
        assert set(targets) <= set(State.values)
    assert not any(Matter.TRANSITIONS[state] for state in Matter.CLOSED_STATES)


def test_every_pair_of_the_table_moves_or_is_refused(mworld):
    staff = mworld.users["township"]
    matter = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="议题", description="说明")  # fmt: skip
    allowed = set(Matter.transition_pairs())
    for source in State.values:
        for target in State.values:
            Matter.objects.filter(pk=matter.pk).update(state=source)
            matter.refresh_from_db()
            if (source, target) in allowed:
                event = states.move(matter, target, actor=staff, action="test_move")
                matter.refresh_from_db()
                assert matter.state == target
                assert (event.from_state, event.to_state) == (source, target)
                continue
            before = Event.objects.count()
            with pytest.raises(TransitionError):
                states.move(matter, target, actor=staff, action="test_move")
            matter.refresh_from_db()
            assert matter.state == source, (source, target)
            assert Event.objects.count() == before


def test_every_recorded_action_is_declared_with_a_label(mworld):
    """A matter through study, group, two rounds and publication, and one handed back:
    every audit action it leaves is in ``supervision.vocabulary.Action``."""
    staff, deputy = mworld.users["township"], mworld.users["deputy"]
    matter = matter_in_handling(mworld)
    workflow.matter_log(actor=deputy, matter_id=matter.pk, kind="note", happened_on=today(),
                        text="走访")  # fmt: skip
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    workflow.matter_evaluate(actor=staff, matter_id=matter.pk, round_number=1,
                             verdict="satisfied", checked_on=today(), findings="f", result="好")  # fmt: skip
    workflow.matter_publish(actor=staff, matter_id=matter.pk, title="公交", summary="加班次")
    handed = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="一般", description="一般")  # fmt: skip
    workflow.matter_study(actor=staff, matter_id=handed.pk, studied_on=today(), decision="一般",
                          classification="ordinary")  # fmt: skip
    recorded = set(
        Event.objects.filter(target_type__model="matter").values_list("action", flat=True)
    )
    assert recorded <= set(Action.values)
    assert {Action.CREATE, Action.STUDY, Action.CLOSE, Action.PUBLISH} <= recorded
    for code in Action.values:
        assert vocabulary.action_label(code) != code


def test_the_stored_action_codes_stay_the_same():
    assert sorted(Action.values) == sorted([
        "matter_create", "matter_link", "matter_study", "matter_release", "matter_form_group",
        "matter_member_join", "matter_member_leave", "matter_start", "matter_log",
        "matter_report", "matter_rectify", "matter_close", "matter_publish",
    ])  # fmt: skip


def test_the_page_history_takes_its_labels_from_the_vocabulary(mworld, client):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld, issues=[])
    client.force_login(staff)
    page = client.get(f"/desk/matters/{matter.pk}/").content.decode()
    for action in (Action.CREATE, Action.STUDY, Action.FORM_GROUP, Action.START):
        assert str(action.label) in page
        assert f">{action.value}<" not in page
