"""Queue a Celery task by its registered name, without importing the module that defines it
(``portal.tasks`` imports the modules that queue its tasks; this keeps imports one-way)."""

from celery import current_app


def task(name: str):
    """Return the registered Celery task ``name`` (e.g. ``"portal.deliver_notifications"``)."""
    return current_app.tasks[name]
