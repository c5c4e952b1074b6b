"""Celery tasks of citizen issues: they load by id and send; no rules here."""

from celery import shared_task
from django.utils.translation import gettext as _

from petitions.models import Petition
from portal import sms


def status_text(petition: Petition, kind: str) -> str:
    """The text message telling the citizen that their issue was received or moved on."""
    texts = {
        "received": _("Your issue has been received. Tracking code: %(code)s."),
        "replied": _(
            "Your issue %(code)s has been replied to. Please look at the reply and rate it."
        ),
        "closed": _("Your issue %(code)s has been closed: %(state)s."),
    }
    return texts[kind] % {"code": petition.tracking_code, "state": petition.get_state_display()}


@shared_task(name="petitions.send_status_sms", autoretry_for=(ConnectionError,), max_retries=5)
def send_status_sms(petition_id: int, kind: str) -> None:
    """Send the status message directly (kept for messages queued by earlier versions; the
    workflow now writes a notification row through ``portal.notifications.notify_citizen``)."""
    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None or not petition.citizen_phone:
        return
    sms.send(petition.citizen_phone, status_text(petition, kind))
