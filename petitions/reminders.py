"""Reminder sweeps of citizen issues: issues past their reply deadline → the handling unit."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from petitions.models import Petition
from portal.models import User, handlers_of
from portal.reminders import Sweep, register


def open_forwarded(today):
    """Issues with a handling unit that has not replied yet; ``due_on`` is the deadline."""
    return Petition.objects.filter(
        state=Petition.State.FORWARDED, due_on__isnull=False, department__isnull=False
    )


def unit_handlers(petitions) -> dict[int, list[User]]:
    """The active handlers of each issue's handling unit (one query)."""
    by_unit = defaultdict(list)
    for user in handlers_of({p.department_id for p in petitions}):
        by_unit[user.department_id].append(user)
    return {p.pk: by_unit[p.department_id] for p in petitions}


def overdue_text(petition: Petition, reminder) -> tuple[str, str, str]:
    # Counted from the deadline, not the threshold: an issue first found 30 days late falls
    # in the -10 bucket but is 30 days late.
    days = (reminder.sweep_day - petition.due_on).days
    subject = _("Citizen issue %(code)s is past its reply deadline (%(due)s)") % {
        "code": petition.tracking_code, "due": petition.due_on.isoformat(),
    }  # fmt: skip
    body = _(
        "The reply to citizen issue %(code)s “%(title)s” was due on %(due)s and is %(days)s "
        "day(s) late. Please reply, or hand the issue back with a reason."
    ) % {"code": petition.tracking_code, "title": petition.title,
         "due": petition.due_on.isoformat(), "days": days}  # fmt: skip
    url = reverse("petitions_desk:petition_detail", args=[petition.pk])
    return subject, body, url


def due_text(petition: Petition, reminder) -> tuple[str, str, str]:
    subject = _("Citizen issue %(code)s: reply due on %(due)s") % {
        "code": petition.tracking_code, "due": petition.due_on.isoformat(),
    }  # fmt: skip
    body = _("The reply to citizen issue %(code)s “%(title)s” is due on %(due)s.") % {
        "code": petition.tracking_code, "title": petition.title,
        "due": petition.due_on.isoformat(),
    }  # fmt: skip
    return subject, body, reverse("petitions_desk:petition_detail", args=[petition.pk])


REPLY_DUE = register(
    Sweep(
        kind="petitions.reply_due",
        label=gettext_lazy("Citizen issue before its reply deadline → handling unit"),
        thresholds=(3,),
        select=open_forwarded,
        recipients=unit_handlers,
        text=due_text,
        due_field="due_on",
    )
)

REPLY_OVERDUE = register(
    Sweep(
        kind="petitions.reply_overdue",
        label=gettext_lazy("Citizen issue past its reply deadline → handling unit"),
        thresholds=(-1, -10),
        select=open_forwarded,
        recipients=unit_handlers,
        text=overdue_text,
        due_field="due_on",
        floor=None,
    )
)
