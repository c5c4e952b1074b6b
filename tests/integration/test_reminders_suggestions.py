"""The suggestion variant of the acceptance line: a suggestion due in 7 days yields exactly
one 7-day reminder to its handling units after a real worker ran the sweep twice."""

import datetime

import pytest
from django.utils import timezone

from portal.models import Notification, Reminder
from supervision.suggestions.models import Suggestion
from tests.integration.test_reminders import Workers, wait_for
from tests.suggestions.conftest import assigned, gworld, sworld, world  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_suggestion_due_in_7_days_gets_one_7_day_reminder_after_two_sweeps(
    tmp_path,
    gworld,  # noqa: F811
):
    suggestion = assigned(gworld)
    due = timezone.localdate() + datetime.timedelta(days=7)
    Suggestion.objects.filter(pk=suggestion.pk).update(due_on=due)
    group = Workers(tmp_path)
    try:
        group.start()
        kinds = ["suggestions.reply_due"]
        first = group.send("portal.run_sweeps", kinds).get(timeout=120)
        second = group.send("portal.run_sweeps", kinds).get(timeout=120)
        # (the workflow's own notifications went to this test process's queue: not waited for)
        pending = Notification.objects.filter(kind="suggestions.reply_due", delivered_at=None)
        wait_for(lambda: not pending.exists(), 120)
    finally:
        output = group.stop()
    assert "Traceback" not in output, output
    assert first == {"suggestions.reply_due": {"found": 1, "sent": 1}}
    assert second == {"suggestions.reply_due": {"found": 0, "sent": 0}}
    assert list(Reminder.objects.values_list("kind", "target_id", "threshold", "due_on")) == [
        ("suggestions.reply_due", suggestion.pk, 7, due)
    ]
    got = Notification.objects.filter(kind="suggestions.reply_due")
    assert sorted(got.values_list("recipient__username", flat=True)) == ["h_co", "m_handler"]
