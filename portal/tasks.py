"""Celery tasks of the portal core. Tasks take ids and call workflow functions."""

from celery import shared_task


@shared_task(name="portal.ping")
def ping(token: str = "") -> str:
    """Answer ``pong:<token>``; used by health checks and tests to prove a worker runs."""
    return f"pong:{token}"
