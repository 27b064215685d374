"""Who is asking: login and logout, the one guard in front of every route, current_user_id().

Every request passes guard() first, Dash's own endpoints included. Only /login, /health* and
the static bundles are public; pages without a session redirect to /login, Dash's JSON
endpoints answer 401. The user id comes from the server-side session, never from the client.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RouteLimit
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from dashboard import services
from dashboard.extensions import get_engine, get_settings
from dashboard.security import passwords, session_store
from dashboard.security.headers import error_response, is_data_endpoint, is_static_bundle
from dashboard.settings import Settings
from data import users

WRONG_CREDENTIALS = "Wrong username or password."
SESSIONLESS_ENDPOINTS = {"health.health", "health.live", "health.ready"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# A HEAD is a GET without the body (Flask runs the GET view): it must answer the same.
PAGE_LOADS = {"GET", "HEAD"}
# What a browser sends with a request a page of this origin made, or one the user typed.
SAME_SITE_FETCHES = {"same-origin", "none"}
MAX_NEXT_LENGTH = 2000
DEMO_RECHECK_S = 60


@dataclass(frozen=True, eq=False)
class SignedInUser(UserMixin):
    id: int
    username: str
    display_name: str
    session_epoch: int


def user_by_id(user_id: int) -> SignedInUser | None:
    """The user with this id, for a login (no session of theirs is checked)."""
    return _signed_in(users.session_user(get_engine(), user_id))


def _signed_in(found: users.SessionUser | None) -> SignedInUser | None:
    if found is None:
        return None
    # The same row read gives the request its data_version: one query fewer per callback.
    services.remember_data_version(found.id, found.data_version)
    return SignedInUser(found.id, found.username, found.display_name, found.session_epoch)


def current_user_id() -> int:
    """The logged-in user's id, from the server-side session; 401 outside a login."""
    if not current_user.is_authenticated:
        abort(401)
    return current_user.id


def init_app(server: Flask, settings: Settings) -> None:
    """Sessions, the guard, login rate limits, CSRF tokens and the /login and /logout routes.

    The order matters: the guard runs before the rate limiter and the CSRF check.
    """
    session_store.init_app(server, settings)
    login_manager = LoginManager()
    # Our own checks (epoch, idle and absolute timeouts) replace Flask-Login's IP/agent hash.
    login_manager.session_protection = None
    login_manager.user_loader(_load_user)
    # No current_user in templates: an error page must render without a database round trip.
    login_manager.init_app(server, add_context_processor=False)
    server.before_request(guard)
    if settings.trusted_proxy_hops:
        # The per-address login limit must count the client, not the proxy in front.
        # Wrapping wsgi_app is Flask's documented way to add WSGI middleware; mypy refuses any
        # assignment to a method.
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=settings.trusted_proxy_hops
        )

    limiter = Limiter(
        _address_key,
        storage_uri=settings.redis_url or "memory://",
        # Flask-Limiter types these as dict[str, str | int] but hands them to redis-py, whose
        # socket timeouts are floats (0.25 s by default here).
        storage_options=_limiter_storage_options(settings),  # type: ignore[arg-type]
        strategy="fixed-window",
        # Redis down: count in this process meanwhile (limits still hold, per worker) rather
        # than fail the sign-in page; an error between check and count is logged, not a 500.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    limiter.init_app(server)
    server.extensions["ft_limiter"] = limiter
    per_account = _limit_failures(limiter, settings.login_limit_per_account, _account_key)
    per_address = _limit_failures(limiter, settings.login_limit_per_address, _address_key)
    server.add_url_rule("/login", "login", per_address(per_account(login)), methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])

    # A token lives as long as its session, which has timeouts of its own.
    server.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf = CSRFProtect(server)
    # Dash's JSON POSTs carry no form token; guard() holds them to same-origin JSON instead.
    for rule in server.url_map.iter_rules():
        if is_data_endpoint(rule.rule):
            csrf.exempt(server.view_functions[rule.endpoint])
    server.register_error_handler(CSRFError, _csrf_failed)
    server.register_error_handler(429, _too_many_attempts)


def guard() -> BaseResponse | None:
    """The one before_request check: sessions, login and same-origin, for every route."""
    rule = request.url_rule.rule if request.url_rule is not None else None
    if request.endpoint in SESSIONLESS_ENDPOINTS or is_static_bundle(rule):
        return None
    session_store.raise_if_unreadable()
    signed_in = _session_is_valid() or _demo_sign_in(rule)
    if not signed_in and request.endpoint != "login":
        return _login_required(rule)
    return _refuse_cross_site(rule)


def _session_is_valid() -> bool:
    """True for a logged-in, current session (and restarts its idle clock); ends any other."""
    now = time.time()
    if current_user.is_authenticated and session_store.is_current(
        current_user, get_settings(), now
    ):
        session_store.touch(now)
        return True
    if "_user_id" in session:
        session_store.end_session()
    return False


def _demo_sign_in(rule: str | None) -> bool:
    """Demo mode opens the demo household's pages without a login form: its credentials are
    public anyway. Only page loads, and only while the demo password is still the public one,
    so a demo turned into a real installation (password changed) is private again."""
    if not get_settings().demo_mode or request.method not in PAGE_LOADS or is_data_endpoint(rule):
        return False
    if request.endpoint in {"login", "logout"} or request.path.startswith("/_"):
        return False
    # A closed demo stays closed for a minute without a hash check per anonymous page load.
    if current_app.extensions.get("ft_demo_closed_until", 0.0) > time.monotonic():
        return False
    user_id = passwords.authenticate(get_engine(), passwords.DEMO_USERNAME, passwords.DEMO_PASSWORD)
    user = None if user_id is None else user_by_id(user_id)
    if user is None:
        current_app.extensions["ft_demo_closed_until"] = time.monotonic() + DEMO_RECHECK_S
        return False
    session_store.start_session(user, time.time())
    return True


def _login_required(rule: str | None) -> BaseResponse:
    if is_data_endpoint(rule) or request.path.startswith("/_"):
        response = jsonify(error="login required")
        response.status_code = 401
        return response
    target = safe_next(request.full_path.rstrip("?"))
    return redirect(url_for("login", next=target) if target != "/" else url_for("login"))


def _refuse_cross_site(rule: str | None) -> Response | None:
    """Unsafe methods only from pages of this origin; Dash's POSTs only as JSON."""
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    cross_site = (origin is not None and origin != request.host_url.rstrip("/")) or (
        fetch_site is not None and fetch_site not in SAME_SITE_FETCHES
    )
    not_json = is_data_endpoint(rule) and request.mimetype != "application/json"
    if cross_site or not_json:
        return error_response(
            403, "Forbidden", "This request did not come from a page of this site."
        )
    return None


def safe_next(target: str | None) -> str:
    """A path on this site to return to after login; "/" for anything else (//host, URLs)."""
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/"):
        return "/"
    if target.startswith("//") or "\\" in target or not target.isprintable():
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in {"/login", "/logout"}:
        return "/"
    return target


def login() -> ResponseReturnValue:
    next_path = safe_next(request.values.get("next"))
    # Only a POST signs in: a HEAD (an uptime check's) is a GET without the body, not an attempt.
    if request.method != "POST":
        if current_user.is_authenticated:
            return redirect(next_path)
        return _login_page(next_path, signed_out=request.args.get("signed_out") == "1")
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    if not username.strip() or not password:
        return _login_page(next_path, "Enter your username and password.", username, 400)
    user_id = passwords.authenticate(get_engine(), username, password)
    user = None if user_id is None else user_by_id(user_id)
    if user is None:
        g.ft_login_failed = True
        return _login_page(next_path, WRONG_CREDENTIALS, username)
    session_store.start_session(user, time.time())
    return redirect(next_path)


def logout() -> ResponseReturnValue:
    """GET (and HEAD) asks (the navbar's link); only the POST, with its CSRF token, logs out."""
    if request.method != "POST":
        return render_template("logout.html")
    session_store.end_session()
    return redirect(url_for("login", signed_out=1))


def _login_page(
    next_path: str,
    error: str | None = None,
    username: str = "",
    status: int = 200,
    signed_out: bool = False,
) -> tuple[str, int]:
    page = render_template(
        "login.html",
        next_path=next_path,
        error=error,
        username=username[:64],
        signed_out=signed_out,
        demo_is_public=_demo_is_public(),
        max_password_length=passwords.MAX_LENGTH,
    )
    return page, status


def _demo_is_public() -> bool:
    """True while the login page may say "sign in as demo with the password demo": demo mode,
    and the demo account's password still the public one. A demo found closed stays closed for
    DEMO_RECHECK_S, as for _demo_sign_in; an open one costs a row read, no hash check."""
    if not get_settings().demo_mode:
        return False
    if current_app.extensions.get("ft_demo_closed_until", 0.0) > time.monotonic():
        return False
    credentials = users.credentials_for_login(get_engine(), passwords.DEMO_USERNAME)
    public = (
        credentials is not None
        and credentials.password_hash is not None
        and passwords.is_demo_password_hash(credentials.password_hash)
    )
    if not public:
        current_app.extensions["ft_demo_closed_until"] = time.monotonic() + DEMO_RECHECK_S
    return public


def _load_user(user_id: str) -> SignedInUser | None:
    """Flask-Login's loader: the user, only while this request's session is live."""
    return _signed_in(session_store.live_user(int(user_id))) if user_id.isdigit() else None


def _limit_failures(limiter: Limiter, limit: str, key_func: Callable[[], str]) -> RouteLimit:
    """Count failed logins only: a person who types their password right is never held up."""
    return limiter.limit(
        limit,
        key_func=key_func,
        methods=["POST"],
        deduct_when=lambda _response: g.get("ft_login_failed", False),
    )


def _account_key() -> str:
    return "account:" + request.form.get("username", "").strip().lower()[:64]


def _address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _limiter_storage_options(settings: Settings) -> dict[str, object]:
    if not settings.redis_url:
        return {}
    timeout = settings.redis_socket_timeout_s
    return {
        "key_prefix": settings.cache_key_prefix + "limits",
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
    }


def _too_many_attempts(_error: Exception) -> Response:
    breached = current_app.extensions["ft_limiter"].current_limit
    wait_s = max(1, int(breached.reset_at - time.time())) if breached is not None else 60
    minutes = -(-wait_s // 60)  # rounded up: "in 0 minutes" would be wrong
    unit = "minute" if minutes == 1 else "minutes"
    return error_response(
        429,
        "Too many sign-in attempts",
        f"Too many failed sign-ins. Try again in {minutes} {unit}.",
        back_to="/login",
        headers={"Retry-After": str(wait_s)},
    )


def _csrf_failed(_error: CSRFError) -> Response:
    return error_response(
        400,
        "Form expired",
        "This form expired or did not come from this site. Open the page again and retry.",
        back_to="/login",
    )
