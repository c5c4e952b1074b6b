"""One state machine per workflow model: every pair of each ``TRANSITIONS`` table moves
through ``portal.states.move`` when the table allows it and raises ``TransitionError``
otherwise; the audit actions keep their stored values and have labels."""

import pytest

from portal import states, vocabulary
from portal.errors import TransitionError
from portal.models import Event
from tests.voting.conftest import build_cycle
from voting import workflow
from voting.models import Cycle, PaperEntry, Proposal, Vote
from voting.vocabulary import Action

pytestmark = pytest.mark.django_db

MODELS = [Cycle, Proposal, Vote, PaperEntry]


def _states(model) -> list[str]:
    return [value for value, _label in model._meta.get_field(model.state_field).choices]


@pytest.fixture
def rows(vworld):
    """One saved row of each workflow model (moved in memory to each source state)."""
    staff, region = vworld.staff, vworld.base.regions["townA1"]
    cycle = build_cycle(staff, region, proposals=3, candidates=3, seats=2)
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    first, other = Proposal.objects.filter(cycle=cycle).order_by("pk")[:2]
    entry = PaperEntry.objects.create(
        region=region, vote=vote, sheet=1, first_teller=staff, first_reading={}
    )
    vworld.rows = {Cycle: cycle, Proposal: first, Vote: vote, PaperEntry: entry}
    vworld.merge_target = other
    return vworld


def test_every_state_of_every_model_has_a_row_in_its_table():
    for model in MODELS:
        assert set(model.TRANSITIONS) == set(_states(model)), model.__name__
        for targets in model.TRANSITIONS.values():
            assert set(targets) <= set(_states(model))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_pair_of_the_table_moves_or_is_refused(rows, model):
    obj = rows.rows[model]
    allowed = set(model.transition_pairs())
    for source in _states(model):
        for target in _states(model):
            setattr(obj, model.state_field, source)
            changes = {}
            if model is Proposal and target == Proposal.State.MERGED:
                changes = {"merged_into": rows.merge_target}
            if (source, target) in allowed:
                event = states.move(
                    obj, target, actor=rows.staff, action="test_move", changes=changes
                )
                obj.refresh_from_db()
                assert getattr(obj, model.state_field) == target
                assert (event.from_state, event.to_state) == (source, target)
            else:
                with pytest.raises(TransitionError):
                    states.move(obj, target, actor=rows.staff, action="test_move")
                assert not obj.can_move_to(target)
    moves = Event.objects.filter(action="test_move", target_id=obj.pk)
    assert moves.count() == len(allowed)


def test_the_admin_moves_a_cycle_forward_along_the_table():
    order = list(Cycle.Stage)
    for here, there in zip(order, order[1:], strict=False):
        cycle = Cycle(stage=here)
        assert cycle.forward_stage() == there
        assert there in cycle.next_states()
    assert Cycle(stage=Cycle.Stage.EVALUATE).forward_stage() == ""
    assert Cycle(stage=Cycle.Stage.SHORTLIST).stages_next() == [
        Cycle.Stage.SOLICIT,
        Cycle.Stage.DELIBERATE,
    ]


def test_stored_action_values_are_unchanged_and_labelled():
    # Audit rows already hold these strings: the vocabulary must keep them exactly.
    assert set(Action.values) == {
        "cycle_create", "cycle_configure", "cycle_advance", "proposal_submit",
        "proposal_merge", "proposal_support", "proposal_decline", "proposal_shortlist",
        "proposal_unshortlist", "candidate_create", "candidate_update", "candidate_withdraw",
        "vote_prepare", "vote_runoff", "vote_attendance", "vote_open", "vote_close",
        "ballot_cast", "paper_issue", "paper_enter", "paper_confirm", "paper_mismatch",
        "paper_resolve", "paper_discard", "milestone_add", "report_submit", "visit_record",
        "evaluation_submit",
    }  # fmt: skip
    for action in Action:
        assert vocabulary.action_label(action.value) == str(action.label) != action.value


def test_every_event_of_a_selection_has_a_registered_action(rows):
    recorded = set(Event.objects.exclude(action="test_move").values_list("action", flat=True))
    assert recorded and recorded <= vocabulary.known_actions()
