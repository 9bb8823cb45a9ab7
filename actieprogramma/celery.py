"""The Celery application: the job queue's workers and scheduler start from it.

    celery -A actieprogramma worker --concurrency 2
    celery -A actieprogramma beat

Its settings are Django's, those starting with ``CELERY_`` (settings.py); the
jobs are the ``tasks`` modules of the apps (docs/operations.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actieprogramma.settings")

app = Celery("actieprogramma")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
