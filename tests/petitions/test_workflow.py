"""The life of a citizen issue through its workflow functions."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from petitions import workflow
from petitions.models import IssueTopic, Petition, PetitionRating, ReplyDeadline
from petitions.vocabulary import Action
from portal import states, vocabulary
from portal.errors import DomainError, TransitionError
from portal.models import Event
from tests.petitions.conftest import submit

State = Petition.State


def test_transition_table_is_the_only_source(db):
    petition = Petition(state=State.SUBMITTED)
    for a, b in itertools.product(State.values, repeat=2):
        petition.state = a
        allowed = b in Petition.TRANSITIONS[a]
        assert petition.can_move_to(b) is allowed
        if not allowed:
            with pytest.raises(TransitionError):
                petition.ensure_can_move_to(b)
    for closed in Petition.CLOSED_STATES:
        assert Petition.TRANSITIONS[closed] == set()


def test_every_pair_of_the_table_moves_through_states_move_or_is_refused(pworld):
    petition = submit(pworld)
    for a, b in itertools.product(State.values, repeat=2):
        petition.state = a
        if b in Petition.TRANSITIONS[a]:
            event = states.move(petition, b, actor=None, action=Action.ACCEPT, save=False)
            assert (petition.state, event.from_state, event.to_state) == (b, a, b)
        else:
            with pytest.raises(TransitionError):
                states.move(petition, b, actor=None, action=Action.ACCEPT, save=False)
            assert petition.state == a


@pytest.fixture
def settled():
    """Collect what the issue workflow announces on ``hooks.ISSUE_SETTLED``."""
    from portal import hooks

    told = []

    def receiver(**kwargs):
        told.append(("settled", kwargs))

    hooks.register(hooks.ISSUE_SETTLED, receiver)
    yield told
    hooks.unregister(hooks.ISSUE_SETTLED, receiver)


def test_every_closed_state_stamps_the_time_and_tells_stations(pworld, settled):
    told = settled
    staff = pworld.base.users["township"]
    rejected = submit(pworld)
    workflow.petition_reject(actor=staff, petition_id=rejected.pk, reason="不属于代表职责")
    answered = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=answered.pk)
    workflow.petition_answer(actor=staff, petition_id=answered.pk, text="答复")
    workflow.petition_close(actor=staff, petition_id=answered.pk, resolved=False, reason="无法")
    duplicate = submit(pworld)
    workflow.petition_mark_duplicate(actor=staff, petition_id=duplicate.pk, original_id=rejected.pk)
    rated = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=rated.pk)
    workflow.petition_answer(actor=staff, petition_id=rated.pk, text="答复")
    workflow.petition_rate(petition_id=rated.pk, rating="satisfied")
    closed = [rejected, answered, duplicate, rated]
    for petition in closed:
        petition.refresh_from_db()
        assert petition.is_closed and petition.closed_at is not None
    assert {p.state for p in closed} == Petition.CLOSED_STATES
    assert [kwargs["issue_id"] for _name, kwargs in told] == [p.pk for p in closed]
    assert [kwargs["resolved"] for _name, kwargs in told] == [False, False, False, True]


def test_every_recorded_action_is_declared_with_a_label(pworld):
    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units["townA1"].pk
    )
    workflow.petition_hand_back(actor=handler, petition_id=petition.pk, reason="不归我们")
    workflow.petition_escalate(actor=staff, petition_id=petition.pk)
    recorded = set(Event.objects.filter(target_id=petition.pk).values_list("action", flat=True))
    assert recorded <= set(Action.values)
    assert recorded <= vocabulary.known_actions()
    for action in Action:
        assert vocabulary.action_label(action) == str(action.label)


# The process as the office runs it, written out independently of the model's table: a
# change to the table that nobody meant fails here.
EXPECTED_MOVES = {
    ("submitted", "accepted"), ("submitted", "rejected"), ("submitted", "duplicate"),
    ("accepted", "forwarded"), ("accepted", "replied"), ("accepted", "escalated"),
    ("accepted", "rejected"), ("accepted", "duplicate"),
    ("forwarded", "replied"), ("forwarded", "accepted"), ("forwarded", "forwarded"),
    ("replied", "resolved"), ("replied", "forwarded"), ("replied", "accepted"),
    ("replied", "closed_unresolved"),
    ("escalated", "resolved"), ("escalated", "closed_unresolved"), ("escalated", "accepted"),
    ("escalated", "replied"),
}  # fmt: skip


def test_the_transition_table_is_the_intended_process():
    table = {(a, b) for a, targets in Petition.TRANSITIONS.items() for b in targets}
    assert table == EXPECTED_MOVES


def test_submit_gives_a_code_audits_and_queues_the_message(
    pworld, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        petition = submit(pworld)
    assert len(petition.tracking_code) == 10 and set(petition.tracking_code) <= set(
        workflow.CODE_ALPHABET
    )
    assert petition.state == State.SUBMITTED
    assert Event.objects.filter(action="petition_submit", target_id=petition.pk).exists()
    assert len(callbacks) == 2  # the citizen's message, and the concentrated issues' match


def test_the_same_client_token_creates_one_issue(pworld):
    first = submit(pworld, client_token="tok-1")
    again = submit(pworld, client_token="tok-1")
    assert first.pk == again.pk and Petition.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"citizen_phone": "12345"}, "citizen_phone"),
        ({"citizen_phone": "", "wants_feedback": True}, "citizen_phone"),
        ({"category": "aliens"}, "category"),
        ({"region_id": 10**9}, "region"),
        ({"station_id": 10**9}, "station"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_submissions_store_nothing(pworld, overrides, field):
    with pytest.raises(DomainError) as raised:
        submit(pworld, **overrides)
    assert raised.value.field == field
    assert (
        not Petition.objects.exists()
        and not Event.objects.filter(action="petition_submit").exists()
    )


def test_full_life_two_rounds(pworld):
    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units["townA1"].pk
    )
    petition.refresh_from_db()
    assert petition.state == State.FORWARDED and petition.due_on is not None
    workflow.petition_reply(actor=handler, petition_id=petition.pk, text="已协调公交公司")
    workflow.petition_rate(petition_id=petition.pk, rating="unsatisfied", comment="还是很挤")
    petition.refresh_from_db()
    assert (petition.state, petition.round, petition.department) == (
        State.FORWARDED,
        2,
        pworld.units["townA1"],
    )
    workflow.petition_reply(actor=handler, petition_id=petition.pk, text="早班增加两班车")
    workflow.petition_rate(petition_id=petition.pk, rating="satisfied")
    petition.refresh_from_db()
    assert petition.state == State.RESOLVED and petition.closed_at is not None
    assert list(PetitionRating.objects.values_list("round", "rating")) == [
        (1, "unsatisfied"),
        (2, "satisfied"),
    ]
    actions = list(
        Event.objects.filter(target_id=petition.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "petition_submit",
        "petition_accept",
        "petition_forward",
        "petition_reply",
        "petition_reopen",
        "petition_reply",
        "petition_rate",
    ]
    workflow.petition_publish(
        actor=staff, petition_id=petition.pk, title="早班公交增加班次", summary="镇政府协调增加两班"
    )
    petition.refresh_from_db()
    assert petition.published


def test_a_county_matter_goes_up_to_a_county_unit(pworld):
    staff = pworld.base.users["township"]
    petition = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    county_unit = pworld.base.depts["countyA"]
    workflow.petition_forward(actor=staff, petition_id=petition.pk, department_id=county_unit.pk)
    petition.refresh_from_db()
    assert petition.department == county_unit
    with pytest.raises(DomainError):  # a sibling township's unit is not above the issue
        workflow.petition_forward(
            actor=staff, petition_id=petition.pk, department_id=pworld.units["townA2"].pk
        )


def test_hand_back_returns_it_to_the_office(pworld):
    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units["townA1"].pk
    )
    with pytest.raises(DomainError):
        workflow.petition_hand_back(actor=handler, petition_id=petition.pk, reason="")
    workflow.petition_hand_back(actor=handler, petition_id=petition.pk, reason="属于县交通局职责")
    petition.refresh_from_db()
    assert (petition.state, petition.department) == (State.ACCEPTED, None)
    with pytest.raises(Http404):  # no longer assigned: the unit no longer sees it
        workflow.petition_reply(actor=handler, petition_id=petition.pk, text="x")


def test_handlers_see_only_their_units_issues(pworld):
    from portal import access

    staff = pworld.base.users["township"]
    mine, other = submit(pworld), submit(pworld, region_key="townA2")
    workflow.petition_accept(actor=staff, petition_id=mine.pk)
    workflow.petition_forward(
        actor=staff, petition_id=mine.pk, department_id=pworld.units["townA1"].pk
    )

    def visible(user):
        return set(access.visible(user, Petition.objects.all()).values_list("pk", flat=True))  # noqa: E731

    assert visible(pworld.handlers["townA1"]) == {mine.pk}
    assert visible(pworld.handlers["townA2"]) == set()
    assert visible(staff) == {mine.pk}
    assert visible(pworld.base.users["county"]) == {mine.pk, other.pk}


def test_sibling_staff_cannot_touch_an_issue(pworld):
    petition = submit(pworld)
    sibling = pworld.base.users["deputy3"]
    with pytest.raises(Http404):
        workflow.petition_accept(actor=sibling, petition_id=petition.pk)
    with pytest.raises(PermissionDenied):
        workflow.petition_accept(actor=pworld.base.users["viewer"], petition_id=petition.pk)


def test_wrong_state_is_refused(pworld):
    staff = pworld.base.users["township"]
    petition = submit(pworld)
    with pytest.raises(TransitionError):
        workflow.petition_forward(
            actor=staff, petition_id=petition.pk, department_id=pworld.units["townA1"].pk
        )
    with pytest.raises(DomainError):
        workflow.petition_rate(petition_id=petition.pk, rating="satisfied")
    workflow.petition_reject(actor=staff, petition_id=petition.pk, reason="不属于人大代表职责范围")
    with pytest.raises(TransitionError):
        workflow.petition_accept(actor=staff, petition_id=petition.pk)


def test_duplicate_points_to_the_original(pworld):
    staff = pworld.base.users["township"]
    original, copy = submit(pworld), submit(pworld)
    workflow.petition_mark_duplicate(actor=staff, petition_id=copy.pk, original_id=original.pk)
    copy.refresh_from_db()
    assert copy.state == State.DUPLICATE and copy.duplicate_of == original
    assert original.tracking_code not in copy.public_reason
    with pytest.raises(DomainError):
        workflow.petition_mark_duplicate(
            actor=staff, petition_id=original.pk, original_id=original.pk
        )


def test_reply_days_come_from_the_nearest_region_setting(pworld):
    regions = pworld.base.regions
    assert workflow.reply_working_days(regions["villageA1"]) == workflow.DEFAULT_REPLY_DAYS
    ReplyDeadline.objects.create(region=regions["countyA"], working_days=10)
    ReplyDeadline.objects.create(region=regions["townA1"], working_days=5)
    assert workflow.reply_working_days(regions["villageA1"]) == 5
    assert workflow.reply_working_days(regions["townA2"]) == 10


def test_a_submission_survives_a_broker_outage(
    pworld, django_capture_on_commit_callbacks, monkeypatch
):
    from portal import tasks
    from portal.models import Notification

    tried = []

    def broker_down(*args, **kwargs):
        tried.append(args)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", broker_down)
    monkeypatch.setattr(tasks.deliver_notifications, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        petition = submit(pworld)
    # the delivery was scheduled and failed; the concentrated issues' match needs no broker
    assert len(callbacks) == 2 and len(tried) == 1
    assert IssueTopic.objects.filter(petition=petition).exists()
    assert Petition.objects.filter(pk=petition.pk, state=State.SUBMITTED).exists()
    row = Notification.objects.get(target_id=petition.pk, kind="citizen.sms")
    assert row.delivered_at is None and row.texted_at is None
    assert row.phone == "13800001111" and petition.tracking_code in row.body


def test_the_status_message_goes_through_the_sms_adapter(pworld, settings):
    from django.utils.translation import gettext as _

    from petitions import tracking
    from petitions.tasks import send_status_sms
    from portal import sms

    settings.PORTAL_BASE_URL = "https://rd.example.gov.cn/"
    petition = submit(pworld)
    sms.outbox.clear()
    send_status_sms(petition.pk, "received")
    code = petition.tracking_code
    link = f"https://rd.example.gov.cn/petitions/track/{code}/{tracking.link_token(code)}/"
    follow = _("Follow it with this link: %(link)s") % {"link": link}
    assert sms.outbox == [("13800001111", f"您反映的诉求已收到，查询码：{code}。 {follow}")]


def test_the_handlers_of_the_unit_are_told_of_a_forwarded_issue(pworld):
    from portal.models import Notification

    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(actor=staff, petition_id=petition.pk,
                              department_id=pworld.units["townA1"].pk)  # fmt: skip
    told = Notification.objects.get(recipient=handler, kind="petitions.forwarded")
    assert petition.tracking_code in told.subject and told.url.endswith(f"/{petition.pk}/")
    assert not Notification.objects.filter(recipient=pworld.handlers["townA2"]).exists()
