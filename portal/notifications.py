"""Notifications: a database row first (the inbox on ``/desk/``), then delivery by Celery.

Call ``notify`` or ``notify_citizen`` from a workflow function, inside its transaction: the
rows commit or roll back with the change. After commit one Celery task delivers them through
the channels the recipient chose (email, SMS; or the daily digest instead of instant email).
A broker that is down never raises into the caller: the rows stay undelivered and the
periodic delivery sweep (``portal.deliver_pending``) sends them once the broker is back.

Delivery is idempotent: each row is locked (``FOR UPDATE SKIP LOCKED``) and sent only while
``delivered_at`` is empty, so the after-commit task and the sweep never both send it. Each
message carries a key of its own (``notification:<id>:<channel>``): the SMS gateway takes it
as the client's message id and drops a repeat, and an email carries it as its Message-ID. So a
worker killed after the gateway took a message but before the row was recorded (the row stays
pending, its lock released) makes the next worker send it again under the same key, and the
citizen still gets one message; nothing is marked sent before it was.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access, queue, sms, vocabulary
from portal.models import Notification, NotificationPreference, User

log = logging.getLogger(__name__)

SUBJECT_MAX = Notification._meta.get_field("subject").max_length
URL_MAX = Notification._meta.get_field("url").max_length

# The core's own kind; every app registers its kinds from its ``vocabulary.py``, and the
# reminder sweeps theirs when they register (``portal.reminders.register``).
vocabulary.register_kinds({"citizen.sms": gettext_lazy("Text message to a citizen")})
kind_choices = vocabulary.kind_choices
kind_label = vocabulary.kind_label


def _target_fields(target: models.Model | None) -> dict:
    if target is None or target.pk is None:
        return {}
    return {
        "target_type": ContentType.objects.get_for_model(target, for_concrete_model=False),
        "target_id": target.pk,
    }


def _schedule(ids: list[int]) -> None:
    """Queue delivery of ``ids`` after commit; a broker that is down only logs a warning."""
    if not ids:
        return

    def send() -> None:
        deliver_notifications = queue.task("portal.deliver_notifications")
        try:
            deliver_notifications.apply_async(args=[ids], retry=False)
        except Exception:  # the broker is down: the rows wait for the delivery sweep
            log.warning("could not queue delivery of notifications %s..%s", ids[0], ids[-1])

    transaction.on_commit(send)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    target: models.Model | None = None,
) -> list[Notification]:
    """Create one inbox row per distinct active recipient and deliver them after commit.

    ``kind`` is a dotted name such as ``"petitions.forwarded"``; ``url`` a path in the portal
    (``/desk/...``) that the inbox links to; ``target`` the object the message is about.
    """
    seen: set[int] = set()
    people = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return []
    now = timezone.now()
    fields = _target_fields(target)
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            subject=str(subject)[:SUBJECT_MAX],
            body=str(body),
            url=str(url)[:URL_MAX],
            created_at=now,
            **fields,
        )
        for user in people
    ]
    created = Notification.objects.bulk_create(rows)  # PostgreSQL and SQLite return the ids
    _schedule([row.pk for row in created])
    return created


def notify_citizen(*, phone: str, text: str, target: models.Model | None = None) -> Notification:
    """Send a text message to a citizen without an account (delivered like ``notify``)."""
    row = Notification.objects.create(
        phone=phone, kind="citizen.sms", subject=str(text)[:SUBJECT_MAX], body=str(text),
        **_target_fields(target),
    )  # fmt: skip
    _schedule([row.pk])
    return row


# --- delivery ---------------------------------------------------------------------------------


def preference_of(user: User) -> NotificationPreference:
    """Return the user's preference, unsaved defaults when they never chose."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def _absolute(url: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def _email_text(row: Notification) -> str:
    parts = [row.body or row.subject]
    if row.url:
        parts.append(_absolute(row.url))
    return "\n\n".join(parts)


def message_key(row: Notification, channel: str) -> str:
    """The key of one message of ``row``: the same on every attempt, so a repeat is known."""
    return f"notification:{row.pk}:{channel}"


def send_mail(subject, message, from_email, recipient_list, *, message_id=None) -> int:
    """Django's ``send_mail``, with the message's key as its Message-ID when given (a mail
    sent again after a failure is then known as the same mail)."""
    headers = {"Message-ID": f"<{message_id}@{_mail_domain()}>"} if message_id else None
    email = EmailMessage(subject, message, from_email, recipient_list, headers=headers)
    return email.send()


def _mail_domain() -> str:
    hosts = [
        h for h in getattr(settings, "ALLOWED_HOSTS", []) if h and not h.startswith((".", "*"))
    ]
    return hosts[0] if hosts else "localhost"


def _deliver_row(row: Notification, now: datetime.datetime) -> None:
    """Work one locked row through its channels; raise when a channel fails."""
    if row.recipient_id is None:
        if not row.texted_at:
            sms.send(row.phone, row.body or row.subject, key=message_key(row, "sms"))
            row.texted_at = now
        return
    user = row.recipient
    if not user.is_active:
        return  # disabled since the row was written: the inbox row stays, nothing is sent
    pref = preference_of(user)
    if pref.by_email and user.email and not row.emailed_at and not row.in_digest:
        if pref.daily_digest:
            row.in_digest = True
        else:
            send_mail(
                subject=row.subject, message=_email_text(row), from_email=None,
                recipient_list=[user.email], message_id=message_key(row, "email"),
            )  # fmt: skip
            row.emailed_at = now
    if pref.by_sms and user.phone and not row.texted_at:
        sms.send(user.phone, row.subject, key=message_key(row, "sms"))
        row.texted_at = now


def deliver(ids: Iterable[int] | None = None, *, limit: int = 500) -> int:
    """Deliver undelivered notifications (``ids``, or the oldest pending ones); return how
    many were delivered. Each row is its own transaction, locked with SKIP LOCKED. A row
    whose channels failed ``NOTIFICATION_MAX_ATTEMPTS`` times is given up (``failed_at``),
    never marked delivered."""
    if ids is None:
        ids = list(
            Notification.objects.filter(delivered_at__isnull=True, failed_at__isnull=True)
            .order_by("id")
            .values_list("pk", flat=True)[:limit]
        )
    delivered = 0
    for pk in ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient__notification_preference")
                .filter(pk=pk, delivered_at__isnull=True, failed_at__isnull=True)
                .first()
            )
            if row is None:
                continue
            now = timezone.now()
            row.attempts += 1
            try:
                _deliver_row(row, now)
            except Exception as exc:  # noqa: BLE001 - a channel failed: keep it pending
                log.warning("delivery of notification %s failed: %s", pk, exc)
                row.last_error = str(exc)[:300]
                if row.attempts >= getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 10):
                    row.failed_at = now  # give up; the inbox row stays
                    log.error("gave up delivering notification %s after %s attempts", pk,
                              row.attempts)  # fmt: skip
            else:
                row.delivered_at = now
                row.last_error = ""
                delivered += 1
            row.save(
                update_fields=[
                    "attempts", "last_error", "delivered_at", "failed_at", "emailed_at",
                    "texted_at", "in_digest",
                ]
            )  # fmt: skip
    return delivered


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """Send each user whose notifications wait for the digest one email listing them."""
    now = now or timezone.now()
    sent = 0
    user_ids = (
        Notification.objects.filter(in_digest=True, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user_id in list(user_ids):
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient_id=user_id, in_digest=True, emailed_at__isnull=True)
                .order_by("id")
            )
            if not rows:
                continue
            user = User.objects.get(pk=user_id)
            if user.email and user.is_active:
                lines = [f"- {row.subject}" + (f"\n  {_absolute(row.url)}" if row.url else "")
                         for row in rows]  # fmt: skip
                send_mail(
                    subject=_("Your notifications of the day (%(count)s)") % {"count": len(rows)},
                    message="\n".join(lines),
                    from_email=None,
                    recipient_list=[user.email],
                )
                sent += 1
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                emailed_at=now, in_digest=False
            )
    return sent


# --- inbox ------------------------------------------------------------------------------------


def inbox_rows(user: User) -> models.QuerySet:
    """Return the user's own notifications, newest first: the inbox is the recipient's alone
    (office staff see others' messages in the admin, never in their inbox)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-id")


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_rows(user).filter(read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or ``ids``) read; return how many changed."""
    rows = inbox_rows(user).filter(read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# --- scope --------------------------------------------------------------------------------


def _own_rows(user: User, action: str) -> Q | None:
    """Everyone sees their own notifications."""
    return Q(recipient=user) if action == access.VIEW else None


# Office staff see the messages of the people of their regions; a text message to a citizen
# (no recipient, so no region) only superusers.
access.register(
    Notification, access.ScopeRule(region_field="recipient__region", participant=_own_rows)
)
