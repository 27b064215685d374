"""The clientside size check of a receipt upload: a file too large is dropped in the browser,
with the server's message, before it is ever posted (the server checks everything again).
"""

from __future__ import annotations

import json
from string import Template

from dashboard.receipts.files import encoded_length, too_large_message

# In the browser, when a file is chosen: show its name, or drop it with the server's message if
# it is too large, so an oversize file is never posted (the server checks everything again).
# With $signals, the last output tells the server-side callback that a file is ready.
_UPLOAD_CHECK_JS = Template("""
function(contents, filename) {
    const skip = window.dash_clientside.no_update;
    const signal = (value) => $signals ? [value] : [];
    if (!contents) { return [$prompt, skip, skip, ...signal(skip)]; }
    const encoded = contents.length - contents.indexOf(',') - 1;
    if (encoded > $max_encoded) { return [$prompt, $too_large, null, ...signal(skip)]; }
    return [filename || $prompt, '', skip, ...signal(Date.now())];
}
""")


def upload_check_js(max_bytes: int, prompt: str, signals_ready: bool) -> str:
    """The clientside size check of a receipt upload (see _UPLOAD_CHECK_JS); `prompt` is the
    drop zone's text without a file."""
    return _UPLOAD_CHECK_JS.substitute(
        signals="true" if signals_ready else "false",
        prompt=json.dumps(prompt),
        max_encoded=encoded_length(max_bytes),
        too_large=json.dumps(too_large_message(max_bytes)),
    )
