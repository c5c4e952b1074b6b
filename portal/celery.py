"""The Celery application.

Broker: Redis when ``REDIS_URL`` is set, otherwise kombu's file-system transport under
``var/celery`` (no server needed for ``make run``). Reminders are found by periodic sweeps
listed in ``CELERY_BEAT_SCHEDULE``, never by one ETA task per deadline.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
