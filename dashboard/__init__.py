"""The Finance Tracker web app: a Dash app on a Flask server, built by create_app()."""

from __future__ import annotations

import logging

from dash import Dash

from dashboard import (
    compression,
    exports,
    health,
    index_summary,
    plotly_bundle,
    routing,
    shell,
    static_caching,
)
from dashboard.background import make_background_manager
from dashboard.callbacks import register_all
from dashboard.cli import register_cli
from dashboard.extensions import cache, cache_config, init_database
from dashboard.logging_setup import configure_logging
from dashboard.receipts import download
from dashboard.security import auth, headers, request_shape
from dashboard.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Dash:
    """Build the app from settings (default: the environment). Nothing here touches the network."""
    settings = (settings or Settings.from_env()).validate()
    configure_logging()
    # The import's long steps are background callbacks (dashboard/background.py).
    background = make_background_manager(settings)
    app = Dash(
        __name__,
        title="Finance Tracker",
        # "" as documented (None works too but is typed str): the tab title never changes.
        update_title="",
        # Bootstrap and its icons are in assets/vendor, never on a CDN: a self-hosted finance
        # app calls no third party. Dash lists a folder's files after those above it, so they
        # load after the app's own stylesheets, the cascade every contrast check was made on.
        assets_folder=str(PROJECT_ROOT / "assets"),
        suppress_callback_exceptions=True,
        serve_locally=True,
        # dashboard/compression.py instead: Dash's option (flask-compress) would compress every
        # bundle again on every first visit, and the login page's HTML with its CSRF token.
        compress=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        background_callback_manager=background,
    )
    plotly_bundle.use_basic_bundle()
    # Screen readers choose voice and pronunciation from <html lang>; Dash's page sets none.
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    server = app.server
    background.bind(server)
    server.config.update(
        SECRET_KEY=settings.secret_key,
        DEBUG=settings.debug,
        **cache_config(settings),
    )
    server.extensions["ft_settings"] = settings
    server.extensions["ft_background"] = background
    init_database(server, settings)
    cache.init_app(server)
    auth.init_app(server, settings)
    request_shape.init_app(app)
    download.init_app(server, settings)
    exports.init_app(server)
    headers.init_app(app, settings)
    static_caching.init_app(app, routing.has_charts)
    if settings.compress:
        compression.init_app(server)
    server.register_blueprint(health.bp)
    register_cli(server)
    app.layout = shell.layout
    index_summary.install(app)
    routing.register(app)
    register_all(app)
    return app
