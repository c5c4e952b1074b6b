"""Reminder sweeps: the right reminder once per object, kind, threshold and deadline."""

import datetime

import pytest
from django.utils import timezone

from petitions.models import Petition
from petitions.reminders import REPLY_OVERDUE
from portal import reminders
from portal.models import Department, Notification, Reminder, ReminderRule, User
from portal.reminders import Sweep, register
from tests.factories import DepartmentFactory, UserFactory, make_region

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 2)
State = Petition.State


@pytest.fixture
def unit():
    region = make_region("城市甲")
    department = DepartmentFactory(region=region, name="交通局")
    handlers = [
        UserFactory(kind=User.Kind.HANDLER, department=department, region=region)
        for _unused in range(2)
    ]
    UserFactory(kind=User.Kind.HANDLER, department=department, region=region, is_active=False)
    return department, handlers


def petition(department: Department, due_on, state=State.FORWARDED, n=[0]) -> Petition:  # noqa: B006
    n[0] += 1
    return Petition.objects.create(
        region=department.region, channel="web", category="traffic", title=f"诉求{n[0]}",
        description="…", tracking_code=f"T{n[0]:09d}", state=state, department=department,
        due_on=due_on,
    )  # fmt: skip


# A "before the deadline" sweep over the same petitions, as suggestions register theirs.
BEFORE = Sweep(
    kind="tests.before_due",
    label="test",
    thresholds=(30, 15, 7, 1),
    select=lambda today: Petition.objects.filter(state=State.FORWARDED),
    recipients=REPLY_OVERDUE.recipients,
    text=lambda obj, r: (f"{obj.tracking_code} {r.threshold}", "", ""),
)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_an_item_due_in_7_days_gets_exactly_one_7_day_reminder_after_two_runs(unit):
    department, handlers = unit
    due = petition(department, days(7))
    for _run in range(2):
        reminders.run(BEFORE, TODAY)
    assert list(Reminder.objects.values_list("target_id", "threshold", "due_on")) == [
        (due.pk, 7, days(7))
    ]
    # one notification per active handler, about that item
    assert sorted(Notification.objects.values_list("recipient_id", "target_id")) == sorted(
        (h.pk, due.pk) for h in handlers
    )
    assert Reminder.objects.get().recipient_count == 2


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(31, None), (30, 30), (16, 30), (15, 15), (8, 15), (7, 7), (2, 7), (1, 1), (0, 1),
     (-1, None)],
)  # fmt: skip
def test_each_item_gets_only_the_threshold_it_is_in(unit, days_left, threshold):
    petition(unit[0], days(days_left))
    reminders.run(BEFORE, TODAY)
    assert list(Reminder.objects.values_list("threshold", flat=True)) == (
        [threshold] if threshold is not None else []
    )


def test_the_next_threshold_comes_when_it_is_reached_and_a_moved_deadline_starts_again(unit):
    item = petition(unit[0], days(20))
    reminders.run(BEFORE, TODAY)
    reminders.run(BEFORE, days(5))  # 15 days left
    reminders.run(BEFORE, days(6))
    assert sorted(Reminder.objects.values_list("threshold", flat=True)) == [15, 30]
    Petition.objects.filter(pk=item.pk).update(due_on=days(40))  # extended
    reminders.run(BEFORE, days(10))  # 30 days left on the new deadline
    assert sorted(Reminder.objects.values_list("threshold", "due_on")) == [
        (15, days(20)), (30, days(20)), (30, days(40)),
    ]  # fmt: skip


def test_closed_items_get_nothing_and_items_closed_after_finding_are_skipped(unit):
    petition(unit[0], days(7), state=State.RESOLVED)
    late = petition(unit[0], days(7))
    assert reminders.find(BEFORE, TODAY) == 1
    Petition.objects.filter(pk=late.pk).update(state=State.REPLIED)
    assert reminders.send(BEFORE, TODAY) == 0
    reminder = Reminder.objects.get()
    assert reminder.skipped and reminder.sent_at is not None
    assert not Notification.objects.exists()


def test_overdue_issues_remind_the_handling_unit_once_per_threshold(unit):
    department, handlers = unit
    other = DepartmentFactory(region=department.region, name="住建局")
    UserFactory(kind=User.Kind.HANDLER, department=other, region=department.region)
    late = petition(department, days(-1))
    very_late = petition(department, days(-12))
    petition(department, days(0))  # due today: not late yet
    petition(other, days(3))
    for _run in range(3):
        result = reminders.run_all(["petitions.reply_overdue"], today=TODAY)
    assert result == {"petitions.reply_overdue": {"found": 0, "sent": 0}}
    assert sorted(Reminder.objects.values_list("target_id", "threshold")) == sorted(
        [(late.pk, -1), (very_late.pk, -10)]
    )
    rows = Notification.objects.filter(target_id=late.pk)
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(h.pk for h in handlers)
    assert late.tracking_code in rows.first().subject
    assert rows.first().url == f"/desk/petitions/{late.pk}/"


def test_staff_tune_thresholds_and_switch_a_sweep_off_in_a_rule(unit):
    petition(unit[0], days(-3))
    ReminderRule.objects.create(kind="petitions.reply_overdue", thresholds="-5", is_active=False)
    reminders.run_all(["petitions.reply_overdue"], today=TODAY)
    assert not Reminder.objects.exists()
    ReminderRule.objects.filter(kind="petitions.reply_overdue").update(
        is_active=True, thresholds="-2, -5"
    )
    reminders.run_all(["petitions.reply_overdue"], today=TODAY)
    assert list(Reminder.objects.values_list("threshold", flat=True)) == [-2]


def test_a_failing_sweep_does_not_stop_the_others(unit, monkeypatch):
    def broken(today):
        raise RuntimeError("boom")

    register(Sweep(kind="tests.broken", label="x", thresholds=(1,), select=broken,
                   recipients=dict, text=lambda o, r: ("", "", "")))  # fmt: skip
    try:
        petition(unit[0], days(-1))
        result = reminders.run_all(today=TODAY)
    finally:
        reminders.REGISTRY.pop("tests.broken")
    assert result["tests.broken"] == {"error": 1}
    assert result["petitions.reply_overdue"] == {"found": 1, "sent": 1}


def test_thresholds_are_parsed_strictly():
    assert reminders.parse_thresholds("30, 15，7,1") == (30, 15, 7, 1)
    for bad in ("", "x", "1,,y", "99999"):
        with pytest.raises(ValueError):
            reminders.parse_thresholds(bad)


def test_created_at_is_aware(unit):
    petition(unit[0], days(-1))
    reminders.run(REPLY_OVERDUE, TODAY)
    assert timezone.is_aware(Reminder.objects.get().created_at)


def test_a_positive_threshold_for_the_overdue_sweep_is_refused(unit):
    with pytest.raises(ValueError):
        REPLY_OVERDUE.check_thresholds((3,))
    with pytest.raises(ValueError):
        BEFORE.check_thresholds((7, -1))
    assert REPLY_OVERDUE.check_thresholds((-1, -10)) == (-1, -10)
    # a rule with the wrong sign is ignored: the built-in thresholds apply, nothing fires
    # before the deadline
    petition(unit[0], days(2))
    ReminderRule.objects.create(kind="petitions.reply_overdue", thresholds="3")
    reminders.run_all(["petitions.reply_overdue"], today=TODAY)
    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_an_issue_first_found_30_days_late_says_30_days(unit):
    late = petition(unit[0], days(-30))
    reminders.run(REPLY_OVERDUE, TODAY)
    assert Reminder.objects.get().threshold == -10
    body = Notification.objects.filter(target_id=late.pk).first().body
    assert "已超期 30 天" in body


def test_one_bad_reminder_is_skipped_and_the_others_of_its_kind_are_sent(unit, caplog):
    bad, good = petition(unit[0], days(7)), petition(unit[0], days(7))

    def text(obj, reminder):
        if obj.pk == bad.pk:
            raise KeyError("broken template")
        return obj.tracking_code, "", ""

    sweep = Sweep(kind="tests.one_bad", label="x", thresholds=(7,), select=BEFORE.select,
                  recipients=BEFORE.recipients, text=text)  # fmt: skip
    assert reminders.run(sweep, TODAY) == {"found": 2, "sent": 1}
    assert reminders.run(sweep, TODAY) == {"found": 0, "sent": 0}  # nothing left blocking
    rows = dict(Reminder.objects.values_list("target_id", "skipped"))
    assert rows == {bad.pk: True, good.pk: False}
    assert not Reminder.objects.filter(sent_at=None).exists()
    assert set(Notification.objects.values_list("target_id", flat=True)) == {good.pk}
    assert "failed; skipped" in caplog.text
