"""The Celery app of background callbacks: Redis as broker and result store, bounded jobs.

Built from settings alone (no Dash, no Flask), so `celery inspect ping` (the worker's health
check, dashboard/worker_probe.py) starts in a fraction of the worker's time. The web side and
the worker build the same one: both queue and consume under the same key prefix.
"""

from __future__ import annotations

from celery import Celery

from dashboard.settings import Settings

# Results are read by the page's poll within seconds of the job's end; an abandoned one goes.
RESULT_TTL_S = 3600
# After the soft limit (SoftTimeLimitExceeded inside the job, stored as its error) the pool
# process is killed this much later if it is still running.
HARD_LIMIT_MARGIN_S = 30
# Redis calls of the web side (queue, poll) and the worker: a hung Redis costs at most this.
REDIS_TIMEOUT_S = 5.0
# Publishing a job while Redis is away: two quick retries, then the request fails.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def make_celery(settings: Settings) -> Celery:
    """The Celery app for settings.redis_url (required: FT_BACKGROUND=celery needs it)."""
    if not settings.redis_url:
        raise ValueError("the Celery app needs REDIS_URL")
    hard_limit_s = settings.job_time_limit_s + HARD_LIMIT_MARGIN_S
    prefix = settings.cache_key_prefix + "jobs:"
    celery = Celery(
        "finance_tracker",
        broker=settings.redis_url,
        backend=settings.redis_url,
        set_as_current=False,
    )
    celery.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # A job whose worker dies before it ends is delivered again (after the visibility
        # timeout); one that ends, even with an error, is not.
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.job_time_limit_s,
        task_time_limit=hard_limit_s,
        # Dash asks the task's state to tell "still running" from "cancelled".
        task_track_started=True,
        result_expires=RESULT_TTL_S,
        task_publish_retry_policy=PUBLISH_RETRY,
        broker_connection_timeout=REDIS_TIMEOUT_S,
        broker_connection_retry_on_startup=True,
        # Above the hard limit: a message is redelivered only when its worker is surely gone.
        broker_transport_options={
            "global_keyprefix": prefix,
            "visibility_timeout": hard_limit_s + 60,
            "socket_timeout": REDIS_TIMEOUT_S,
            "socket_connect_timeout": REDIS_TIMEOUT_S,
        },
        result_backend_transport_options={"global_keyprefix": prefix},
        redis_socket_timeout=REDIS_TIMEOUT_S,
        redis_socket_connect_timeout=REDIS_TIMEOUT_S,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return celery
