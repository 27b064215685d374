# Finance Tracker image: gunicorn serving the Dash app, as a non-root user, from wheels built in a
# separate stage. Needs BuildKit (the default builder since Docker 23) for RUN --mount; no
# `# syntax=` line, so the build pulls nothing but the base image.
#
#   docker build -t finance-tracker:latest .
#   docker compose up -d            (see docker-compose.yml and .env.example)

# One exact tag for both stages, so the wheels are built for the interpreter that runs them.
# Bump it deliberately (and rebuild) for Python and Debian security updates.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# -------- builder: resolve and build every wheel once --------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /build
COPY requirements.txt .
# Every pinned dependency ships a manylinux wheel for CPython 3.11 (psycopg2-binary included), so
# no compiler is installed even here. If one ever needs compiling, install build-essential in
# this stage only: nothing of the builder but the wheels reaches the runtime image.
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt \
    && cp requirements.txt /wheels/requirements.txt

# -------- runtime: the interpreter, the wheels installed, the app; no build tools, no curl --------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="finance-tracker" \
      org.opencontainers.image.description="Self-hosted personal-finance dashboard (Dash on Flask, gunicorn)"

# Production defaults baked in; everything secret (SECRET_KEY, DATABASE_URL, REDIS_URL) comes from
# the environment at run time and never from a layer.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    FT_ENV=production \
    LOAD_DEMO_DATA=false \
    PORT=8000 \
    RECEIPTS_DIR=/var/lib/finance-tracker/receipts \
    FT_INSTANCE_PATH=/tmp/finance-tracker

# A fixed UID/GID, so volume ownership and Kubernetes runAsUser/fsGroup can rely on it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid app \
        --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin app

# Install from the builder's wheels only (--no-index: nothing is fetched in this stage). The
# wheels are bind-mounted for this one step, so they never become a layer of this image.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels -r /wheels/requirements.txt

WORKDIR /app
# The code stays owned by root: the app user can read it but not change it. .dockerignore keeps
# .git, virtualenvs, local data, tests and any .env out of the build context.
COPY . .
# Byte-compile once here: the runtime root filesystem is read-only, so Python could not cache
# .pyc files itself (and PYTHONDONTWRITEBYTECODE stops it from trying). The modes do not depend
# on the builder's umask or checkout: code readable by all, writable by root only, and the
# entrypoint executable.
RUN python -m compileall -q . \
    && chmod -R a+rX,go-w /app \
    && chmod 0755 /app/deploy/docker-entrypoint.sh \
    && mkdir -p /var/lib/finance-tracker/receipts \
    && chown -R app:app /var/lib/finance-tracker \
    && chmod 0750 /var/lib/finance-tracker/receipts

# Receipts are user data: they live on a volume, never in the container layer. A new named
# volume takes this directory's ownership (app:app) when Docker first mounts it.
VOLUME ["/var/lib/finance-tracker/receipts"]

USER 10001:10001
EXPOSE 8000

# /health answers 503 while the database is down. urllib, not curl: the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]

ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "dashboard.wsgi:server"]
