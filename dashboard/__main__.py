"""`python -m dashboard`: the embedded default. Migrates, loads the demo data into an empty
database, and serves on 127.0.0.1:8050 (SQLite and an in-process cache unless configured)."""

from __future__ import annotations

import argparse
import logging

from dashboard import create_app
from dashboard.extensions import get_engine
from dashboard.job_processes import start_job_server
from dashboard.security.passwords import set_demo_password
from data.migrate import upgrade_to_head
from data.seed import load_demo
from data.users import has_users

logger = logging.getLogger("dashboard")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Finance Tracker (embedded default).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    args = parser.parse_args()

    app = create_app()
    with app.server.app_context():
        engine = get_engine()
        upgrade_to_head(engine)
        settings = app.server.extensions["ft_settings"]
        if settings.load_demo_data and not has_users(engine):
            user_id = load_demo(engine)
            logger.info("loaded the demo household into %s", engine.url.render_as_string())
            if settings.demo_mode:
                set_demo_password(engine, user_id)
                logger.info("log in as 'demo' with the password 'demo'")
    if settings.background_mode == "diskcache":
        # Its imports now, while nobody waits, rather than at the first import's preview.
        start_job_server()
    logger.info("Finance Tracker on http://%s:%d/", args.host, args.port)
    # Werkzeug's threaded server: fine for one household on a laptop; gunicorn for the stack.
    app.server.run(host=args.host, port=args.port, debug=False, threaded=True)


if __name__ == "__main__":
    main()
