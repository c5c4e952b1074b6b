"""Notifications: inbox rows in the caller's transaction, delivery after commit through the
channels each person chose, nothing lost or sent twice when the broker is down."""

import pytest
from django.core import mail
from django.db import transaction

from portal import notifications, sms
from portal.models import Notification
from tests.factories import UserFactory, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(monkeypatch):
    """Run the after-commit delivery task in-process (the broker is tested in integration)."""
    from portal import tasks

    queued = []

    def apply_async(args, **kwargs):
        queued.append(args)
        return tasks.deliver_notifications.run(*args)

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", apply_async)
    return queued


@pytest.fixture
def people():
    region = make_region("城市甲")
    return [
        UserFactory(region=region, email="a@example.org", phone="13800000001"),
        UserFactory(region=region, email="b@example.org", phone="13800000002"),
    ]


def test_notify_creates_one_inbox_row_per_person_and_delivers_after_commit(
    people, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = notifications.notify(
            recipients=[people[0], people[1], people[0]],
            kind="test.hello",
            subject="你好",
            body="正文",
            url="/desk/",
            target=people[0],
        )
    assert len(rows) == 2 and len(callbacks) == 1 and eager == [[[r.pk for r in rows]]]
    assert sorted(mail.outbox[i].to[0] for i in range(2)) == ["a@example.org", "b@example.org"]
    assert "/desk/" in mail.outbox[0].body
    assert Notification.objects.filter(delivered_at__isnull=False).count() == 2
    row = Notification.objects.filter(recipient=people[0]).get()
    assert row.target_id == people[0].pk and row.read_at is None


def test_rows_roll_back_with_the_caller(people, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.notify(recipients=people, kind="test.x", subject="x")
        raise RuntimeError
    assert not Notification.objects.exists() and callbacks == [] and mail.outbox == []


def test_a_broker_that_is_down_never_raises_and_the_sweep_delivers_later(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    from portal import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipients=people[:1], kind="test.x", subject="待送达")
        notifications.notify_citizen(phone="13900000000", text="您的诉求已收到")
    assert mail.outbox == [] and Notification.objects.filter(delivered_at=None).count() == 2
    sms.outbox.clear()
    assert tasks.deliver_pending() == 2
    assert [m.subject for m in mail.outbox] == ["待送达"]
    assert sms.outbox == [("13900000000", "您的诉求已收到")]
    # the sweep running again sends nothing twice
    assert tasks.deliver_pending() == 0 and len(mail.outbox) == 1 and len(sms.outbox) == 1
