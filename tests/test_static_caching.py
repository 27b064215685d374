"""dashboard/static_caching.py: a warm page load revalidates nothing that is fingerprinted, and
fetches dcc's lazy chunks from the page's head; each stylesheet is loaded once."""

from __future__ import annotations

import re

import pytest

from dashboard.static_caching import DROPDOWN_CHUNK, GRAPH_CHUNK, IMMUTABLE

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
VENDORED = ("vendor/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css")
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


def test_the_vendored_stylesheets_load_once_after_the_apps_own(logged_in_client):
    listed = stylesheets(page(logged_in_client))
    for name in VENDORED:
        assert len([url for url in listed if f"/assets/{name}?" in url]) == 1, listed
    assert not [url for url in listed if "?" not in url], "every stylesheet is fingerprinted"
    # The cascade every contrast check (tests/e2e/test_accessibility.py) was made on.
    app_css = listed.index(next(url for url in listed if "/assets/app.css?" in url))
    assert app_css < listed.index(next(url for url in listed if VENDORED[0] in url))


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
