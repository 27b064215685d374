"""dashboard/static_caching.py: a warm page load revalidates nothing that is fingerprinted, loads
each stylesheet once, and fetches dcc's lazy chunks from the page's head."""

from __future__ import annotations

import hashlib
import re

import pytest

from dashboard import VENDOR_STYLESHEETS
from dashboard.settings import PROJECT_ROOT
from dashboard.static_caching import DROPDOWN_CHUNK, GRAPH_CHUNK, IMMUTABLE

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
# The Cache-Control of anything revalidated on every use.
REVALIDATED = {"no-cache", "no-store", None}


def page(client) -> str:
    return client.get("/").get_data(as_text=True)


def stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def cache_control(client, url: str) -> str | None:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.headers.get("Cache-Control")


def test_every_asset_the_page_lists_is_fingerprinted_and_kept_for_a_year(logged_in_client):
    html = page(logged_in_client)
    assets = [
        url
        for url in stylesheets(html) + re.findall(r'<script src="([^"]+)"', html)
        if url.startswith("/assets/")
    ]
    assert len(assets) >= 8, assets
    for url in assets:
        assert re.search(r"\?(m|v)=[\w.]+$", url), url
        assert cache_control(logged_in_client, url) == IMMUTABLE, url
    favicon = re.search(r'<link rel="icon" [^>]*href="([^"]+)"', html).group(1)
    assert cache_control(logged_in_client, favicon) == IMMUTABLE


def test_a_file_asked_for_without_its_fingerprint_is_revalidated(logged_in_client):
    for url in ("/assets/app.css", "/assets/vendor/bootstrap.min.css", "/_favicon.ico"):
        control = cache_control(logged_in_client, url)
        assert control in REVALIDATED or "immutable" not in control, url


def test_the_vendored_stylesheets_load_once_before_the_apps_own_with_their_content_digest(
    logged_in_client,
):
    listed = stylesheets(page(logged_in_client))
    vendored = [url for url in listed if "/vendor/" in url]
    assert len(vendored) == len(VENDOR_STYLESHEETS), listed
    for url, name in zip(vendored, VENDOR_STYLESHEETS, strict=True):
        digest = hashlib.sha256((PROJECT_ROOT / "assets" / name).read_bytes()).hexdigest()
        assert url == f"/assets/{name}?v={digest[:16]}"
    # Bootstrap first: the app's own stylesheets override it.
    assert listed.index(vendored[0]) < listed.index(next(u for u in listed if "app.css" in u))


def preloaded(client, path: str) -> list[str]:
    html = client.get(path).get_data(as_text=True)
    return re.findall(r'<link rel="preload" as="script" href="([^"]+)">', html)


def test_dccs_lazy_chunks_are_preloaded_where_the_page_uses_them_and_exist(logged_in_client):
    suites = "/_dash-component-suites/"
    overview = preloaded(logged_in_client, "/")
    assert overview == [suites + DROPDOWN_CHUNK, suites + GRAPH_CHUNK]
    # No chart on these: an unused preload is a console warning.
    for path in ("/transactions", "/rules", "/budgets", "/no-such-page"):
        assert preloaded(logged_in_client, path) == [suites + DROPDOWN_CHUNK], path
    for url in overview:
        # Unfingerprinted (dcc's code asks for them by this name): revalidated on every use.
        assert cache_control(logged_in_client, url) in REVALIDATED, url
        assert len(logged_in_client.get(url).get_data()) > 1000, url
