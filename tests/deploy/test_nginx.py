"""deploy/nginx/default.conf keeps its promises: nginx accepts it, and it proxies with timeouts
above gunicorn's, compresses, and adds the security headers only where the app sent none.
"""

from __future__ import annotations

import re

import pytest

from tests.deploy.tools import (
    NGINX_CONF,
    assert_ok,
    find_tool,
    run,
    seconds,
)

pytestmark = pytest.mark.deploy


def test_nginx_accepts_the_proxy_config(tmp_path):
    nginx = find_tool("nginx", "apt-get install nginx-light")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n"
        f"    client_body_temp_path {tmp_path}/body;\n    proxy_temp_path {tmp_path}/proxy;\n"
        f"    fastcgi_temp_path {tmp_path}/fastcgi;\n    uwsgi_temp_path {tmp_path}/uwsgi;\n"
        f"    scgi_temp_path {tmp_path}/scgi;\n    include {NGINX_CONF};\n}}\n"
    )
    assert_ok(run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]))


def _nginx_directives() -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text())
    for statement in text.replace("{", ";").replace("}", ";").split(";"):
        words = statement.split()
        if words:
            directives.setdefault(words[0], []).append(" ".join(words[1:]))
    return directives


def test_nginx_config_keeps_its_promises(load_gunicorn_conf):
    directives = _nginx_directives()
    assert directives["client_max_body_size"] == ["16m"]
    gunicorn_timeout = load_gunicorn_conf()["timeout"]
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert seconds(directives[name][0]) > gunicorn_timeout, name
    assert directives["gzip"] == ["on"]
    gzip_types = directives["gzip_types"][0].split()
    assert {"application/json", "application/javascript", "text/css"} <= set(gzip_types)
    # Each header is set from a map: nginx's value when the app sent none, nothing otherwise.
    maps = {
        target: dict(re.findall(r'^\s*("[^"]*"|default)\s+("[^"]*")\s*;', body, re.M))
        for target, body in re.findall(
            r"map \$upstream_http_\w+ \$(\w+) \{([^}]*)\}", NGINX_CONF.read_text()
        )
    }
    expected = {
        "X-Content-Type-Options": '"nosniff"',
        "X-Frame-Options": '"DENY"',
        "Referrer-Policy": '"same-origin"',
    }
    headers = {h.split()[0]: h.split()[1:] for h in directives["add_header"]}
    for header, value in expected.items():
        variable, always = headers[header]
        assert always == "always", header
        assert maps[variable.lstrip("$")] == {'""': value, "default": '""'}, header
    proxied = {h.split()[0] for h in directives["proxy_set_header"]}
    assert {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Host"} <= proxied
    assert directives["server_tokens"] == ["off"]
