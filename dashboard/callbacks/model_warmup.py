"""/transactions: train the user's category model off the request path.

When the page opens and after each write on it, a background job (the worker in the stack, a
forked process in the embedded default) trains the model for the user's current data_version
if the stored one is older, and stores it (data/suggest/stored.py), so the entry form's
suggestions never wait for a training.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from dashboard import ids, services
from dashboard.background import job_user_id


def warm(user_id: int) -> int:
    """Train (if needed) and return the data_version the model now matches."""
    services.category_model(user_id, train=True)
    return services.data_version(user_id)


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.MODEL_WARM_STORE, "data"),
        Input(ids.REFRESH_STORE, "data"),
        background=True,
        interval=1000,
    )
    def warm_callback(_refresh: Any) -> int:
        return warm(job_user_id())
