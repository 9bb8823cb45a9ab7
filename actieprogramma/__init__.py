# The job queue's application is loaded with Django, so that the apps' jobs
# (``shared_task``) are bound to it wherever they are started.
from .celery import app as celery_app

__all__ = ("celery_app",)
