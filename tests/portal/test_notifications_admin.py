"""The admin of notifications and reminders: what was sent to whom and when, within the
viewer's scope; reminder thresholds tuned by staff with the permission."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Notification, Reminder, ReminderRule
from tests.factories import UserFactory
from tests.portal.conftest import POSITIONS, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
ROLES = ["city", "county", "township", "handler"]


@pytest.fixture
def sent(world):  # noqa: F811
    """One notification to a person of every region, and one text message to a citizen."""
    rows = {}
    for key, region in world.regions.items():
        person = UserFactory(region=region, username=f"p_{key}")
        rows[key] = Notification.objects.create(recipient=person, kind="t", subject=f"给{key}")
    Notification.objects.create(phone="13912345678", kind="citizen.sms", subject="群众短信")
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_staff_see_what_was_sent_to_people_of_their_scope_only(client, world, sent, role):  # noqa: F811
    client.force_login(world.users[role])
    response = client.get(reverse("admin:portal_notification_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    for position, key in POSITIONS[role].items():
        if key is None or role == "handler":
            continue
        assert (f"给{key}" in html) == (position in {"own", "child"}), (role, position)
    assert "群众短信" not in html  # citizens' messages: superusers only
    if role == "handler":  # a handler sees only their own messages (none here)
        assert not any(f"给{key}" in html for key in world.regions)


def test_superusers_see_citizen_messages_with_the_phone_masked(client, world, sent):  # noqa: F811
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("admin:portal_notification_changelist")).content.decode()
    assert "群众短信" in html and "139****5678" in html and "13912345678" not in html


def test_notifications_and_reminders_cannot_be_changed_in_the_admin(client, world, sent):  # noqa: F811
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    row = sent["city"]
    response = client.post(reverse("admin:portal_notification_change", args=[row.pk]), {})
    assert response.status_code == 403
    assert client.get(reverse("admin:portal_notification_add")).status_code == 403
    assert client.get(reverse("admin:portal_reminder_changelist")).status_code == 200
    client.force_login(world.users["county"])
    assert client.get(reverse("admin:portal_reminder_changelist")).status_code == 403


def test_staff_with_the_permission_tune_thresholds_and_bad_input_is_refused(client, world):  # noqa: F811
    clerk = world.users["city"]
    client.force_login(clerk)
    url = reverse("admin:portal_reminderrule_add")
    assert client.get(url).status_code == 403
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_reminderrule", "view_reminderrule"])
    )
    page = client.get(url).content.decode()
    assert "petitions.reply_overdue" in page and "stations.duty_shift" in page
    for bad in ({"kind": "nonsense", "thresholds": "7"},
                {"kind": "petitions.reply_due", "thresholds": "seven"}):  # fmt: skip
        response = client.post(url, {**bad, "is_active": "on"})
        assert response.status_code == 200 and not ReminderRule.objects.exists()
    response = client.post(
        url, {"kind": "petitions.reply_due", "thresholds": "1, 7，3", "is_active": "on"}
    )
    assert response.status_code == 302
    assert ReminderRule.objects.get().thresholds == "7,3,1"


def test_a_threshold_of_the_wrong_sign_is_refused_in_the_admin(client, world):  # noqa: F811
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:portal_reminderrule_add")
    for kind, bad in (("petitions.reply_overdue", "3"), ("petitions.reply_due", "-1")):
        response = client.post(url, {"kind": kind, "thresholds": bad, "is_active": "on"})
        assert (
            response.status_code == 200
            and "thresholds" in response.context["adminform"].form.errors
        )
    assert not ReminderRule.objects.exists()
    response = client.post(
        url, {"kind": "petitions.reply_overdue", "thresholds": "-1,-10", "is_active": "on"}
    )
    assert response.status_code == 302


def _changelist_queries(client, url) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries], response.content.decode()


def test_the_notification_list_costs_the_same_queries_at_1_and_50_rows_without_distinct(
    client,
    world,  # noqa: F811
):
    clerk = world.users["county"]
    person = UserFactory(region=world.regions["townA1"])
    client.force_login(clerk)
    url = reverse("admin:portal_notification_changelist")
    counts = []
    for n in (1, 50):
        Notification.objects.all().delete()
        Notification.objects.bulk_create(
            Notification(recipient=person, kind="petitions.forwarded", subject=f"第{i}条")
            for i in range(n)
        )
        sql, html = _changelist_queries(client, url)
        counts.append(len(sql))
        assert html.count("第") >= n
    assert counts[0] == counts[1], counts
    assert not [q for q in sql if "DISTINCT" in q.upper() and "portal_notification" in q]
    # kinds are shown and offered by their labels, not their dotted codes
    from portal.notifications import kind_label

    table = html.split('id="result_list"')[1].split("</table>")[0]
    assert kind_label("petitions.forwarded") in table and "petitions.forwarded" not in table
    assert "?kind=petitions.reply_overdue" in html and "?kind=citizen.sms" in html


def test_the_kind_filter_and_labels_read_in_chinese(client, world, sent):  # noqa: F811
    from portal.notifications import kind_label

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:portal_notification_changelist")
    html = client.get(url, {"kind": "citizen.sms"}).content.decode()
    assert "群众短信" in html and "给city" not in html
    rows = html.split('id="result_list"')[1].split("</table>")[0]
    assert kind_label("citizen.sms") in rows and ">citizen.sms<" not in rows
    reminder = Reminder(kind="petitions.reply_overdue", target_id=7, threshold=-1)
    assert str(reminder).startswith(kind_label("petitions.reply_overdue"))
    assert not str(reminder).startswith("petitions.")
    reminders = client.get(reverse("admin:portal_reminder_changelist")).content.decode()
    assert "?kind=petitions.reply_overdue" in reminders and "?kind=citizen.sms" not in reminders


def test_a_person_sees_their_own_notifications_only(world, sent):  # noqa: F811
    from portal import access

    person = Notification.objects.get(subject="给townA1").recipient
    Notification.objects.create(recipient=person, kind="t", subject="再给townA1")
    rows = access.visible(person, Notification.objects.all())
    assert sorted(rows.values_list("subject", flat=True)) == ["再给townA1", "给townA1"]
