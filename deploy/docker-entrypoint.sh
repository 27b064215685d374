#!/bin/sh
# Container entrypoint: bring the schema to head, then hand PID 1 to the server.
#
#   (no arguments) or "gunicorn ..."  migrate (unless RUN_MIGRATIONS is off), then exec gunicorn
#   any other command                 exec it as given, without migrating: one-off jobs such as
#                                     `flask --app dashboard.wsgi:server create-user` or the
#                                     Kubernetes migration Job, which runs `... migrate` itself
#
# RUN_MIGRATIONS=0 skips the migration (Kubernetes web pods: the migration Job owns it). Several
# replicas migrating at once is safe anyway: the migrate command takes a PostgreSQL advisory lock.
set -eu

if [ "$#" -eq 0 ]; then
    set -- gunicorn -c gunicorn.conf.py dashboard.wsgi:server
fi

# The app's scratch directory: under /tmp, which is a tmpfs on a read-only root filesystem.
if [ -n "${FT_INSTANCE_PATH:-}" ]; then
    mkdir -p "$FT_INSTANCE_PATH"
fi

if [ "$1" = "gunicorn" ]; then
    case "${RUN_MIGRATIONS:-1}" in
        0 | false | False | FALSE | no | off)
            echo "entrypoint: RUN_MIGRATIONS=${RUN_MIGRATIONS}, not migrating" >&2
            ;;
        *)
            echo "entrypoint: migrating the database" >&2
            # set -e: a failed migration stops the container before it serves a request.
            flask --app dashboard.wsgi:server migrate
            ;;
    esac
fi

# exec: the server becomes PID 1 and receives SIGTERM directly for a graceful shutdown.
exec "$@"
