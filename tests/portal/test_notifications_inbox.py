"""The inbox on the desk: own notifications only, unread badge in one query, mark read,
and the preferences that decide the channels (email, SMS, daily digest)."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import notifications, sms
from portal.models import Notification, NotificationPreference
from tests.factories import UserFactory, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    region = make_region("城市甲")
    me = UserFactory(region=region, email="me@example.org", phone="13800000001")
    other = UserFactory(region=region, email="other@example.org")
    return me, other


def _rows(user, n, prefix="消息", **kw):
    return Notification.objects.bulk_create(
        Notification(recipient=user, kind="t", subject=f"{prefix}{i}", url="/desk/", **kw)
        for i in range(n)
    )


def test_anonymous_people_are_sent_to_sign_in(client):
    for name in ("inbox", "inbox_preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_inbox_lists_own_notifications_in_a_fixed_number_of_queries(
    client, people, django_assert_max_num_queries
):
    me, other = people
    _rows(other, 3, prefix="别人的")
    client.force_login(me)
    client.get(reverse("inbox"))  # warm up (content types)
    costs = []
    for count in (1, 40):
        Notification.objects.filter(recipient=me).delete()
        _rows(me, count)
        cache.clear()  # the side menu caches its counts: measure them too
        # The table's own queries plus the header badge and every app's side-menu links.
        with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("inbox"))
        costs.append(len(captured))
        assert response.status_code == 200
        shown = response.content.decode().count("<tr data-pk=")
        assert shown == min(count, 20)  # the table's first page
        assert "别人的" not in response.content.decode()
    assert "消息39" in response.content.decode()
    assert costs[0] == costs[1]


def test_the_unread_badge_costs_one_query_and_counts_only_unread_own_rows(client, people):
    me, other = people
    _rows(me, 3)
    _rows(me, 2, read_at="2026-01-01T00:00:00+08:00")
    _rows(other, 5)
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("desk"))
    html = response.content.decode()
    badge = html.split('id="inbox-badge"')[1].split("</a>")[0]
    assert ">3</span>" in badge
    counting = [q for q in queries if "portal_notification" in q["sql"]]
    assert len(counting) == 1, counting  # header badge and desk card share one count
    assert 'id="inbox-card"' in html


def test_opening_marks_read_and_follows_the_link_others_rows_are_404(client, people):
    me, other = people
    (mine,) = _rows(me, 1)
    (theirs,) = _rows(other, 1)
    client.force_login(me)
    response = client.get(reverse("inbox_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/desk/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("inbox_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example/"],
)
def test_an_outside_link_is_never_followed(client, people, url):
    me, _other = people
    row = Notification.objects.create(recipient=me, kind="t", subject="x", url=url)
    client.force_login(me)
    response = client.get(reverse("inbox_open", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("inbox")
    row.refresh_from_db()
    assert row.read_at is not None


def test_opening_an_unknown_notification_is_404(client, people):
    me, _other = people
    client.force_login(me)
    missing = (Notification.objects.order_by("-id").values_list("pk", flat=True).first() or 0) + 1
    assert client.get(reverse("inbox_open", args=[missing])).status_code == 404


def test_mark_all_read_touches_only_own_rows_and_needs_post(client, people):
    me, other = people
    _rows(me, 2)
    _rows(other, 2)
    client.force_login(me)
    assert client.get(reverse("inbox_read_all")).status_code == 405
    client.post(reverse("inbox_read_all"))
    assert not Notification.objects.filter(recipient=me, read_at=None).exists()
    assert Notification.objects.filter(recipient=other, read_at=None).count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"by_sms": "on"}, "by_sms"),  # the other account has no phone
        ({"daily_digest": "on"}, "daily_digest"),  # digest without email
    ],
)
def test_bad_preferences_are_refused_with_field_errors(client, people, data, field):
    _me, other = people
    client.force_login(other)
    response = client.post(reverse("inbox_preferences"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not NotificationPreference.objects.exists()


def test_preferences_decide_the_channels_and_the_digest(client, people):
    me, _other = people
    client.force_login(me)
    response = client.post(
        reverse("inbox_preferences"), {"by_email": "on", "by_sms": "on", "daily_digest": "on"}
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=me)
    assert pref.by_email and pref.by_sms and pref.daily_digest
    sms.outbox.clear()
    rows = notifications.notify(recipients=[me], kind="t", subject="第一条")
    notifications.notify(recipients=[me], kind="t", subject="第二条")
    me.refresh_from_db()
    assert notifications.deliver() == 2
    assert mail.outbox == []  # waits for the digest
    assert sms.outbox == [("13800000001", "第一条"), ("13800000001", "第二条")]
    assert notifications.send_digests() == 1 and notifications.send_digests() == 0
    assert len(mail.outbox) == 1 and "第一条" in mail.outbox[0].body
    assert "第二条" in mail.outbox[0].body and mail.outbox[0].to == ["me@example.org"]
    rows[0].refresh_from_db()
    assert rows[0].emailed_at is not None and not rows[0].in_digest


def test_a_failing_channel_keeps_the_row_pending_and_is_retried(people, monkeypatch):
    me, _other = people
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("mail server down")
        return 1

    monkeypatch.setattr(notifications, "send_mail", flaky)
    (row,) = notifications.notify(recipients=[me], kind="t", subject="重试")
    assert notifications.deliver() == 0
    row.refresh_from_db()
    assert row.delivered_at is None and row.attempts == 1 and "mail server down" in row.last_error
    assert notifications.deliver() == 1
    row.refresh_from_db()
    assert row.delivered_at is not None and row.emailed_at is not None and len(calls) == 2


def test_a_person_disabled_before_delivery_is_sent_nothing(people):
    me, _other = people
    (row,) = notifications.notify(recipients=[me], kind="t", subject="停用之后")
    me.is_active = False
    me.save(update_fields=["is_active"])
    NotificationPreference.objects.create(user=me, by_email=True, by_sms=True)
    sms.outbox.clear()
    notifications.deliver()
    assert mail.outbox == [] and sms.outbox == []
    row.refresh_from_db()
    assert row.emailed_at is None and row.texted_at is None and row.failed_at is None


def test_giving_up_after_the_last_attempt_is_not_delivered(people, monkeypatch, settings):
    me, _other = people
    settings.NOTIFICATION_MAX_ATTEMPTS = 2

    def down(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(notifications, "send_mail", down)
    (row,) = notifications.notify(recipients=[me], kind="t", subject="送不出")
    assert notifications.deliver() == 0 and notifications.deliver() == 0
    row.refresh_from_db()
    assert row.attempts == 2 and row.failed_at is not None
    assert row.delivered_at is None and row.emailed_at is None
    assert notifications.deliver() == 0  # given up: not tried again
    row.refresh_from_db()
    assert row.attempts == 2
