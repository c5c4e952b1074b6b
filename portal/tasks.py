"""Celery tasks of the portal core. Tasks take ids and call workflow functions.

The modules that queue these tasks look them up by name (``portal.queue.task``) instead of
importing this module, so that imports run one way: tasks → the modules they call.
"""

from celery import shared_task

from portal import accounts, notifications, reminders


@shared_task(name="portal.ping")
def ping(token: str = "") -> str:
    """Answer ``pong:<token>``; used by health checks and tests to prove a worker runs."""
    return f"pong:{token}"


@shared_task(name="portal.deliver_notifications", acks_late=True)
def deliver_notifications(ids: list[int]) -> int:
    """Deliver the notifications ``ids`` (scheduled after the commit that created them)."""
    return notifications.deliver(ids)


@shared_task(name="portal.deliver_pending", acks_late=True)
def deliver_pending(limit: int = 2000) -> int:
    """The delivery sweep: send what no after-commit task delivered (the broker was down)."""
    return notifications.deliver(limit=limit)


@shared_task(name="portal.send_digests", acks_late=True)
def send_digests() -> int:
    """Send the daily digest emails."""
    return notifications.send_digests()


@shared_task(name="portal.run_sweeps", acks_late=True)
def run_sweeps(kinds: list[str] | None = None) -> dict:
    """Run the registered reminder sweeps (all, or ``kinds``); return counts per kind."""
    return reminders.run_all(kinds)


@shared_task(name="portal.send_password_reset", acks_late=True)
def send_password_reset(user_id: int, base_url: str) -> None:
    """Send an account's password reset link by email and SMS."""
    accounts.send_reset(user_id, base_url)


@shared_task(name="portal.run_export", acks_late=True)
def run_export(job_id: int) -> str:
    """Write a long export of a staff list (``portal.tables.exports``)."""
    from portal.tables import exports

    return exports.run(job_id)


@shared_task(name="portal.sweep_exports", acks_late=True)
def sweep_exports() -> dict:
    """Queue exports the broker lost; delete export files older than a day."""
    from portal.tables import exports

    return exports.sweep()


@shared_task(name="portal.refresh_figures", acks_late=True)
def refresh_figures(months_back: int = 0, months: list[str] | None = None) -> dict:
    """Recompute the dashboards' figures: the current month and the ``months_back`` before
    it, or the ``months`` given ("2026-03"). Idempotent: whole months are rewritten."""
    import datetime

    from django.utils import timezone

    from portal.figures import periods, snapshots

    if months:
        chosen = [datetime.date(int(m[:4]), int(m[5:7]), 1) for m in months]
    else:
        this = periods.first(timezone.localdate())
        chosen = [periods.add_months(this, -n) for n in range(months_back, -1, -1)]
    return snapshots.refresh(chosen)


@shared_task(name="portal.send_activation_code", acks_late=True)
def send_activation_code(user_id: int) -> bool:
    """Send a new account's owner a fresh activation code by SMS."""
    from portal import activation

    return activation.send_code(user_id)
