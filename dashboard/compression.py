"""Responses compressed by the app itself (FT_COMPRESS), for the many installs with no proxy.

`python -m dashboard` and compose's `web` without the proxy profile answer browsers directly;
uncompressed, a first visit moves ~8.7 MB, most of it plotly.js. Brotli where the browser
accepts it, gzip otherwise. A proxy in front (deploy/nginx) leaves an encoded response alone.

- Bundles and assets (`/_dash-component-suites/`, `/assets/`) are the same bytes for everyone:
  compressed once at a high level and kept, by path and content, in a bounded in-process cache.
- Callback and layout JSON is compressed per response at a fast level.
- HTML is left as it is: the login page carries the CSRF token, and a page that reflects input
  next to a secret is what BREACH reads through compression. Dash's page itself is 2 kB.
- Streamed and ranged responses (exports, receipts) are passed through untouched.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict

import brotli
from flask import Flask, Response, request

COMPRESSIBLE_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "text/javascript",
        "text/css",
        "text/plain",
        "image/svg+xml",
    }
)
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
# Below this the header and the CPU cost more than the bytes saved.
MIN_BYTES = 1024
# What the static cache may hold: every bundle of the app compressed is ~2.5 MB.
STATIC_CACHE_BYTES = 32 * 2**20
# Measured on plotly.js (4.8 MB, this machine, loaded): Brotli 4 -> 1.41 MB in 0.38 s, 5 -> 1.29 MB
# in 0.36 s, 9 -> 1.23 MB in 2.1 s, 11 -> 1.11 MB in 42 s; gzip 9 -> 1.47 MB in 1.4 s. Bundles:
# 5 and gzip 9, once per process. Callback JSON: Brotli 4 / gzip 5, a 100 kB answer in ~2 ms.
DYNAMIC_BROTLI_QUALITY = 4
DYNAMIC_GZIP_LEVEL = 5
STATIC_BROTLI_QUALITY = 5
STATIC_GZIP_LEVEL = 9


def _compress(data: bytes, encoding: str, static: bool) -> bytes:
    if encoding == "br":
        quality = STATIC_BROTLI_QUALITY if static else DYNAMIC_BROTLI_QUALITY
        return brotli.compress(data, quality=quality)
    level = STATIC_GZIP_LEVEL if static else DYNAMIC_GZIP_LEVEL
    return gzip.compress(data, compresslevel=level, mtime=0)


class StaticCache:
    """Compressed bundles by (encoding, path, digest of the content), least recently used out."""

    def __init__(self, limit_bytes: int = STATIC_CACHE_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self._entries: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def compressed(self, path: str, data: bytes, encoding: str) -> bytes:
        key = (encoding, path, hashlib.blake2b(data, digest_size=16).hexdigest())
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        body = _compress(data, encoding, static=True)
        with self._lock:
            if key not in self._entries and len(body) <= self.limit_bytes:
                self._entries[key] = body
                self._size += len(body)
                while self._size > self.limit_bytes:
                    _, dropped = self._entries.popitem(last=False)
                    self._size -= len(dropped)
        return body


def _chosen_encoding() -> str | None:
    accepted = request.accept_encodings
    if accepted.quality("br") > 0:
        return "br"
    if accepted.quality("gzip") > 0:
        return "gzip"
    return None


def _vary_on_encoding(response: Response) -> None:
    if "accept-encoding" not in response.headers.get("Vary", "").lower():
        response.vary.add("Accept-Encoding")


def compress_response(response: Response, cache: StaticCache) -> Response:
    """`response` encoded for this request's browser, when that is worth it."""
    if response.mimetype not in COMPRESSIBLE_TYPES:
        return response
    _vary_on_encoding(response)
    static = request.path.startswith(STATIC_PREFIXES)
    untouchable = (
        response.status_code != 200
        or "Content-Encoding" in response.headers
        or "Range" in request.headers
        # Streamed answers (exports) stay streamed; a static file's stream is read whole.
        or (response.is_streamed and not static)
    )
    encoding = None if untouchable else _chosen_encoding()
    if encoding is None:
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    if static:
        body = cache.compressed(request.path, data, encoding)
    else:
        body = _compress(data, encoding, static=False)
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    # The ETag stays the uncompressed file's: Dash answers a bundle's If-None-Match with 304
    # only when it equals its own tag exactly, and Vary: Accept-Encoding keeps the browser's
    # cached copies apart.
    return response


def init_app(server: Flask) -> None:
    cache = StaticCache()

    @server.after_request
    def _compress_after(response: Response) -> Response:
        return compress_response(response, cache)
