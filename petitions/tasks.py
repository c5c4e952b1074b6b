"""Celery tasks of citizen issues: they load by id and send; no rules here."""

from celery import shared_task
from django.utils.translation import gettext as _

from petitions import tracking
from petitions.models import Petition


def status_text(petition: Petition, kind: str) -> str:
    """The text message telling the citizen that their issue was received or moved on, with
    their own tracking link (it opens the issue without the phone digits)."""
    texts = {
        "received": _("Your issue has been received. Tracking code: %(code)s."),
        "replied": _(
            "Your issue %(code)s has been replied to. Please look at the reply and rate it."
        ),
        "closed": _("Your issue %(code)s has been closed: %(state)s."),
    }
    text = texts[kind] % {"code": petition.tracking_code, "state": petition.get_state_display()}
    link = _("Follow it with this link: %(link)s") % {
        "link": tracking.link_url(petition.tracking_code)
    }
    return f"{text} {link}"  # the link last: nothing glued to its end


@shared_task(name="petitions.send_status_sms")
def send_status_sms(petition_id: int, kind: str) -> None:
    """Send a status message queued by an earlier version (the workflow now writes the row
    itself through ``notify_citizen``): write it as a notification row too, so it is kept,
    retried and audited like every other, and deliver it from this worker at once."""
    from portal.notifications import deliver, notify_citizen

    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None or not petition.citizen_phone:
        return
    row = notify_citizen(
        phone=petition.citizen_phone, text=status_text(petition, kind), target=petition
    )
    deliver([row.pk])  # a failing channel leaves it pending for the delivery sweep


@shared_task(name="petitions.regroup_topics")
def regroup_topics(days: int | None = None) -> int:
    """Re-check the concentrated issues of every county with recent issues: read the issues
    missed at intake or read by an older lexicon, and settle the groups. Returns the number
    of issues read again."""
    from petitions import topic_store

    return topic_store.regroup_all(days=days or topic_store.WINDOW_DAYS)
