"""dashboard/compression.py: what the app sends compressed, to whom, and what it never touches."""

from __future__ import annotations

import gzip
import json
import re

import brotli

from dashboard.compression import MIN_BYTES, StaticCache
from tests.conftest import build_app

BR = {"Accept-Encoding": "gzip, deflate, br, zstd"}
GZIP_ONLY = {"Accept-Encoding": "gzip"}


def core_bundle(client) -> str:
    """The URL of dash_core_components' bundle as Dash's page names it (fingerprinted)."""
    html = client.get("/").get_data(as_text=True)
    found = re.findall(r'src="([^"]*/dash_core_components\.v[^"]*\.js)"', html)
    assert found, "the page names no dash_core_components bundle"
    return found[0]


def test_callback_json_is_brotli_when_accepted_and_reads_back_the_same(logged_in_client):
    plain = logged_in_client.get("/_dash-dependencies")
    assert plain.headers.get("Content-Encoding") is None  # no Accept-Encoding: identity
    encoded = logged_in_client.get("/_dash-dependencies", headers=BR)
    assert encoded.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in encoded.headers["Vary"]
    body = brotli.decompress(encoded.get_data())
    assert json.loads(body) == json.loads(plain.get_data())
    assert int(encoded.headers["Content-Length"]) == len(encoded.get_data()) < len(body)


def test_gzip_for_a_browser_without_brotli(logged_in_client):
    encoded = logged_in_client.get("/_dash-layout", headers=GZIP_ONLY)
    assert encoded.headers["Content-Encoding"] == "gzip"
    plain = logged_in_client.get("/_dash-layout")
    assert gzip.decompress(encoded.get_data()) == plain.get_data()


def test_a_refused_encoding_is_never_used(logged_in_client):
    answer = logged_in_client.get("/_dash-layout", headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert answer.headers.get("Content-Encoding") is None


def test_html_is_never_compressed(client):
    # The login page carries the CSRF token: compressed next to reflected input, BREACH reads it.
    answer = client.get("/login", headers=BR)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert answer.headers.get("Content-Encoding") is None


def test_bundles_are_compressed_once_and_served_from_the_cache(logged_in_client):
    client = logged_in_client
    path = core_bundle(client)
    first = client.get(path, headers=BR)
    assert first.headers["Content-Encoding"] == "br"
    raw = client.get(path)
    assert brotli.decompress(first.get_data()) == raw.get_data()
    assert len(first.get_data()) < len(raw.get_data()) / 3
    again = client.get(path, headers=BR)
    assert again.get_data() == first.get_data()


def test_the_static_cache_keeps_one_copy_per_content_and_stays_within_its_limit():
    cache = StaticCache(limit_bytes=4096)
    data = b"x" * 50_000 + bytes(range(256)) * 8
    first = cache.compressed("/assets/a.css", data, "br")
    assert cache.compressed("/assets/a.css", data, "br") is first  # a hit: the same object
    changed = cache.compressed("/assets/a.css", data + b"y", "br")
    assert changed is not first and brotli.decompress(changed) == data + b"y"
    for n in range(40):
        cache.compressed(f"/assets/{n}.css", bytes(range(256)) * (n + 8), "gzip")
    assert cache._size <= 4096
    assert sum(len(body) for body in cache._entries.values()) == cache._size


def test_small_answers_and_errors_are_left_alone(logged_in_client):
    missing = logged_in_client.get("/_dash-component-suites/dash/nothing.js", headers=BR)
    assert missing.status_code >= 400
    assert missing.headers.get("Content-Encoding") is None
    health = logged_in_client.get("/health", headers=BR)
    assert len(health.get_data()) < MIN_BYTES
    assert health.headers.get("Content-Encoding") is None


def test_exports_stay_streamed_and_uncompressed(logged_in_client):
    answer = logged_in_client.get("/export/transactions.csv", headers=BR)
    assert answer.status_code == 200
    assert answer.is_streamed
    assert answer.headers.get("Content-Encoding") is None


def test_ft_compress_false_sends_everything_as_it_is(engine, tmp_path, logged_in_client):
    path = core_bundle(logged_in_client)
    app = build_app(engine.url.render_as_string(hide_password=False), tmp_path, compress=False)
    # Bundles are public (the login page needs them too): no session needed.
    answer = app.server.test_client().get(path, headers=BR)
    assert answer.status_code == 200
    assert answer.headers.get("Content-Encoding") is None


def test_a_compressed_bundle_is_revalidated_with_its_etag(logged_in_client):
    # Dash's async chunks (plotly.js among them) have no fingerprint: the browser asks again
    # with If-None-Match, and must get a 304, not the whole bundle, once it was compressed.
    path = "/_dash-component-suites/dash/dcc/async-graph.js"
    first = logged_in_client.get(path, headers=BR)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    etag = first.headers["ETag"]
    again = logged_in_client.get(path, headers={**BR, "If-None-Match": etag})
    assert again.status_code == 304
