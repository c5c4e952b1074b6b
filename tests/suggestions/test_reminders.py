"""Reminder sweeps of suggestions: units before the deadline, supervisors after it."""

import datetime

from django.utils import timezone

from portal import reminders
from portal.models import Notification
from supervision.suggestions import reminders as suggestion_reminders
from supervision.suggestions import workflow
from tests.suggestions.conftest import assigned


def test_units_are_reminded_once_before_the_deadline(gworld):
    s = assigned(gworld)
    today = s.due_on - datetime.timedelta(days=7)
    sweep = suggestion_reminders.REPLY_DUE
    assert reminders.run(sweep, today) == {"found": 1, "sent": 1}
    assert reminders.run(sweep, today) == {"found": 0, "sent": 0}  # idempotent
    got = set(
        Notification.objects.filter(kind=sweep.kind).values_list("recipient__username", flat=True)
    )
    assert got == {"m_handler", "h_co"}


def test_overdue_goes_to_the_committee_and_office_leaders(gworld):
    s = assigned(gworld, received_on=timezone.localdate() - datetime.timedelta(days=100))
    workflow.suggestion_mark_key(
        actor=gworld.users["county"], suggestion_id=s.pk, committee_id=gworld.committee.pk
    )
    sweep = suggestion_reminders.REPLY_OVERDUE
    assert reminders.run(sweep, timezone.localdate())["sent"] == 1
    got = set(
        Notification.objects.filter(kind=sweep.kind).values_list("recipient__username", flat=True)
    )
    assert got == {"m_committee", "m_county_leader"}


def test_overdue_reaches_leaders_granted_through_a_group(gworld):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from portal.access import APPROVE, SCOPE_CODENAMES
    from tests.factories import UserFactory

    leaders = Group.objects.create(name="甲县人大常委会领导")
    assign_perm(f"portal.{SCOPE_CODENAMES[APPROVE]}", leaders, gworld.regions["countyA"])
    member = UserFactory(username="m_group_leader", region=gworld.regions["countyA"])
    member.groups.add(leaders)
    UserFactory(username="m_gone_leader", is_active=False).groups.add(leaders)
    assigned(gworld, received_on=timezone.localdate() - datetime.timedelta(days=100))
    sweep = suggestion_reminders.REPLY_OVERDUE
    assert reminders.run(sweep, timezone.localdate())["sent"] == 1
    got = set(
        Notification.objects.filter(kind=sweep.kind).values_list("recipient__username", flat=True)
    )
    assert got == {"m_county_leader", "m_group_leader"}
