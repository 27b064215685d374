"""gunicorn settings for the container and Kubernetes images: every knob comes from the environment.

Start: gunicorn -c gunicorn.conf.py dashboard.wsgi:server
A bad value stops gunicorn at once with a one-line message (SystemExit is not caught by
gunicorn's config loader, so the operator sees the message, not a traceback).
"""

from __future__ import annotations

import os


def _env_int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"gunicorn.conf.py: {name} must be at least {minimum}, not {value}")
    return value


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SystemExit(f"gunicorn.conf.py: {name} must be true or false, not {raw!r}")


bind = f"0.0.0.0:{_env_int('PORT', 8000, minimum=1)}"
workers = _env_int("WEB_CONCURRENCY", 2, minimum=1)
# Threads, because Dash callbacks mostly wait on PostgreSQL: gunicorn's gthread worker, stopping
# without leaving new connections to be reset (see gunicorn_worker.py).
threads = _env_int("GUNICORN_THREADS", 4, minimum=1)
worker_class = "gunicorn_worker.DrainingThreadWorker"
timeout = _env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# Time for in-flight requests to finish after SIGTERM. Compose's stop_grace_period and the
# pod's terminationGracePeriodSeconds are set above it, so nothing is killed mid-request.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
# Idle keep-alive connections wait in gthread's poller, not in a thread. Longer than the idle
# timeout of the proxies in front (ingress-nginx upstream keepalive and cloud load balancers: 60 s),
# so the proxy always closes first and never reuses a connection gunicorn has just closed (a 502).
keepalive = _env_int("GUNICORN_KEEPALIVE", 75, minimum=1)
# The app is imported and built once, in the master; a worker is a fork of it. A worker that
# starts (at boot, after a crash or a timeout kill, or recycled by max_requests) then serves at
# once instead of importing Dash, pandas and plotly again (seconds of CPU, during which the
# other workers carry its load), and the workers share the imported code's memory. Safe because
# create_app opens no connection (engines and Redis clients connect on first use, in the
# worker) and post_fork below drops any pool the master might hold:
# tests/stack/test_stack_preload.py checks that no socket is shared across a recycled worker.
# The price: `kill -HUP` reloads the configuration but not the code (restart the container).
preload_app = _env_bool("GUNICORN_PRELOAD", True)
# Worker recycling is off (0) by default, because it costs requests and buys nothing here:
# - Memory does not grow: worker RSS stayed flat at 160 MB over a 4-minute soak at 100k rows
#   (issue 15), since no request loads the transactions table into pandas.
# - Without preload a recycled worker re-imports Dash, pandas and plotly before it serves again
#   (seconds of CPU on a small host): with max_requests 2000, c=8 throughput fell from 250 to
#   154 requests/s over 4 minutes (issue 15). With preload (the default) it is a fork.
# - A stopping worker closes its idle keep-alive connections (after a 2 s grace in gunicorn 27).
#   A client that sends its next request on one as it closes gets no answer: the request is
#   dropped, or, rarely, stored with its answer lost (seen with http.client clients). The
#   entry form's submission keys make the retry of such a request safe, but it is still an
#   error on the person's screen.
# The knob stays for an operator who sees a leak (a library upgrade): set it in the thousands.
# The jitter is half the limit, so that two workers rarely restart within one boot of each other.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 0, minimum=0)
max_requests_jitter = max_requests // 2

# Refuse, rather than silently raise the timeout: both numbers are the operator's choice, and a
# gunicorn timeout at or below the statement timeout means a slow query gets its worker killed
# (a dropped request and a lost pool) instead of a clean cancellation by PostgreSQL. A quiet
# correction would hide that the two settings contradict each other. (With threads > 1 the
# gthread worker keeps heart-beating while one request waits, so there the timeout bounds a hung
# worker rather than a single request; the rule still keeps the two settings coherent.)
_statement_timeout_ms = _env_int("STATEMENT_TIMEOUT_MS", 15_000, minimum=1)
if timeout * 1000 <= _statement_timeout_ms:
    raise SystemExit(
        f"gunicorn.conf.py: GUNICORN_TIMEOUT ({timeout}s) must be greater than "
        f"STATEMENT_TIMEOUT_MS ({_statement_timeout_ms}ms); raise GUNICORN_TIMEOUT "
        "or lower STATEMENT_TIMEOUT_MS"
    )

# The worker heartbeat file lives in RAM: a disk-backed /tmp can stall heartbeats under I/O load
# and gets workers killed for nothing; the root filesystem is read-only in containers anyway.
worker_tmp_dir = "/dev/shm"

# gunicorn >= 25 opens a control socket under $HOME by default; the app user has no writable home
# and nothing in a container should change the worker count behind the orchestrator's back.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# One line per request. %(U)s is the path without its query string, and neither the referer
# (%(f)s, which can carry another page's query) nor any header or cookie is logged, so tokens
# and session cookies never reach the logs.
access_log_format = (
    '%(h)s xff="%({x-forwarded-for}i)s" "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms ua="%(a)s"'
)


def post_fork(server, worker) -> None:
    """Drop any pooled database connection inherited from the master (GUNICORN_PRELOAD=true).

    Imported here, not at the top: the config file is read before the app is importable, and
    without preload there is nothing to drop (dispose_engines is then a no-op).
    """
    from data.db import dispose_engines

    dispose_engines()
