"""Reminder sweeps of deputies' suggestions (run by ``portal.reminders`` on Celery beat):

- 30, 15, 7 and 1 days before the reply deadline → the handlers of the suggestion's active
  handling units (lead and co-handling);
- past the deadline → the members of the supervising committee (key suggestions) and the
  office leaders of the suggestion's congress (leader role on its region or above).
"""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access
from portal.models import Region, User, handlers_of
from portal.reminders import Sweep, register
from supervision.suggestions.models import Committee, Suggestion, UnitAssignment


def being_handled(today):
    """Suggestions a unit is handling; ``due_on`` is the current round's deadline."""
    return Suggestion.objects.filter(state=Suggestion.State.HANDLING, due_on__isnull=False)


def unit_handlers(suggestions) -> dict[int, list[User]]:
    """The active handlers of each suggestion's active units (two queries)."""
    units = defaultdict(set)
    for suggestion_id, department_id in UnitAssignment.objects.filter(
        suggestion__in=[s.pk for s in suggestions], active=True
    ).values_list("suggestion_id", "department_id"):
        units[suggestion_id].add(department_id)
    by_unit = defaultdict(list)
    wanted = {d for ds in units.values() for d in ds}
    for user in handlers_of(wanted):
        by_unit[user.department_id].append(user)
    return {s.pk: [u for d in sorted(units[s.pk]) for u in by_unit[d]] for s in suggestions}


def supervisors(suggestions) -> dict[int, list[User]]:
    """The supervising committee's members and the office leaders over each suggestion's
    region, granted directly or through a group (``access.holders``): two queries, plus one
    per congress region concerned."""
    regions = {
        s.pk: s.region
        for s in Suggestion.objects.filter(pk__in=[s.pk for s in suggestions]).select_related(
            "region"
        )
    }
    leaders = {
        path: list(access.holders(access.APPROVE, Region.ancestor_paths_of(path)).order_by("pk"))
        for path in {region.path for region in regions.values()}
    }
    members = defaultdict(list)
    through = Committee.members.through.objects.filter(
        committee_id__in={s.committee_id for s in suggestions if s.committee_id}
    ).select_related("user")
    for row in through:
        if row.user.is_active:
            members[row.committee_id].append(row.user)
    result = {}
    for s in suggestions:
        people = list(members.get(s.committee_id, []))
        people += [u for u in leaders[regions[s.pk].path] if u not in people]
        result[s.pk] = people
    return result


def _url(s: Suggestion) -> str:
    return f"/desk/suggestions/{s.pk}/"


def due_text(s: Suggestion, reminder) -> tuple[str, str, str]:
    subject = _("Suggestion %(label)s: reply due on %(due)s (%(days)d days left)") % {
        "label": s.label, "due": s.due_on.isoformat(), "days": reminder.threshold,
    }  # fmt: skip
    body = _("The reply to suggestion %(label)s “%(title)s” is due on %(due)s.") % {
        "label": s.label, "title": s.title, "due": s.due_on.isoformat(),
    }  # fmt: skip
    return subject, body, _url(s)


def overdue_text(s: Suggestion, reminder) -> tuple[str, str, str]:
    subject = _("Suggestion %(label)s is past its reply deadline (%(due)s)") % {
        "label": s.label, "due": s.due_on.isoformat(),
    }  # fmt: skip
    body = _(
        "The reply to suggestion %(label)s “%(title)s” by %(unit)s was due on %(due)s. "
        "Please supervise its handling."
    ) % {"label": s.label, "title": s.title, "unit": s.lead_unit.name if s.lead_unit_id else "",
         "due": s.due_on.isoformat()}  # fmt: skip
    return subject, body, _url(s)


REPLY_DUE = register(
    Sweep(
        kind="suggestions.reply_due",
        label=gettext_lazy("Suggestion before its reply deadline → handling units"),
        thresholds=(30, 15, 7, 1),
        select=being_handled,
        recipients=unit_handlers,
        text=due_text,
    )
)

REPLY_OVERDUE = register(
    Sweep(
        kind="suggestions.reply_overdue",
        label=gettext_lazy(
            "Suggestion past its reply deadline → supervising committee and office leaders"
        ),
        thresholds=(-1,),
        select=lambda today: being_handled(today).select_related("lead_unit"),
        recipients=supervisors,
        text=overdue_text,
        floor=None,
    )
)
