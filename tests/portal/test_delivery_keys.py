"""Each message of a notification carries a key, the same on every attempt, so that a message
sent again after a worker died mid-delivery is known as a repeat (tests/drills kills one)."""

import pytest
from django.core import mail

from portal import notifications, sms
from portal.models import Notification, NotificationPreference
from tests.factories import UserFactory, make_region


@pytest.fixture
def person(db):
    user = UserFactory(username="k_person", region=make_region("键县"), email="k@example.cn")
    user.phone = "13900001111"
    user.save(update_fields=["phone"])
    NotificationPreference.objects.create(user=user, by_email=True, by_sms=True)
    return user


def test_a_message_sent_again_under_its_key_reaches_the_phone_once(person, monkeypatch):
    monkeypatch.setattr(sms, "outbox", [])
    monkeypatch.setattr(sms, "_keys", set())
    (row,) = notifications.notify(recipients=[person], kind="t", subject="同一条")
    key = notifications.message_key(row, "sms")
    sms.send(person.phone, row.subject, key=key)  # a worker sent it, then died before recording
    assert notifications.deliver() == 1  # the next one sends it again, under the same key
    assert sms.outbox == [(person.phone, "同一条")]
    assert Notification.objects.get(pk=row.pk).texted_at is not None


def test_different_messages_have_different_keys_and_mail_carries_its_key(person):
    first, second = (
        notifications.notify(recipients=[person], kind="t", subject=s)[0] for s in ("一", "二")
    )
    assert notifications.message_key(first, "sms") != notifications.message_key(second, "sms")
    assert notifications.message_key(first, "sms") != notifications.message_key(first, "email")
    notifications.deliver()
    ids = sorted(message.extra_headers["Message-ID"] for message in mail.outbox)
    assert ids == sorted(
        f"<{notifications.message_key(row, 'email')}@{notifications._mail_domain()}>"
        for row in (first, second)
    )
