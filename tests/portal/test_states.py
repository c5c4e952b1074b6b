"""The one state machine: the table decides, with a clear message for a refused move."""

import pytest

from portal import vocabulary
from portal.errors import TransitionError
from portal.states import StateMachine


class _Field:
    choices = [("draft", "草稿"), ("sent", "已提交"), ("done", "已办结")]


class _Meta:
    @staticmethod
    def get_field(name):
        return _Field()


class Thing(StateMachine):
    TRANSITIONS = {"draft": {"sent"}, "sent": {"done", "draft"}}
    _meta = _Meta()

    def __init__(self, state):
        self.state = state

    def __str__(self):
        return "事项"


@pytest.mark.parametrize("source", ["draft", "sent", "done"])
@pytest.mark.parametrize("target", ["draft", "sent", "done"])
def test_every_pair_follows_the_table(source, target):
    thing = Thing(source)
    allowed = (source, target) in set(Thing.transition_pairs())
    assert thing.can_move_to(target) is allowed
    if allowed:
        thing.ensure_can_move_to(target)
    else:
        with pytest.raises(TransitionError) as error:
            thing.ensure_can_move_to(target)
        assert "事项" in error.value.message
        assert dict(_Field.choices)[source] in error.value.message


def test_next_states_are_the_tables_row():
    assert Thing("sent").next_states() == {"done", "draft"}
    assert Thing("done").next_states() == set()


def test_the_vocabulary_gives_labels_and_falls_back_to_the_code():
    vocabulary.register_actions({"test_thing_made": "做成了"})
    vocabulary.register_kinds({"test.kind": "测试通知"}, reminders=True)
    assert vocabulary.action_label("test_thing_made") == "做成了"
    assert vocabulary.action_label("no_such_action") == "no_such_action"
    assert ("test.kind", "测试通知") in vocabulary.kind_choices(reminders_only=True)
    assert "citizen.sms" not in dict(vocabulary.kind_choices(reminders_only=True))
