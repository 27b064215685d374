"""The shape of a Dash callback request, checked before Dash reads it.

Dash's dispatch trusts the body of a POST to /_dash-update-component: a JSON array, a missing
`state`, an output no callback has or JSON nested 10,000 deep ends in an AttributeError,
IndexError, KeyError or RecursionError inside Dash, a 500 and a traceback. Here the body is held
to what the renderer sends for the callback it names (the app's callback_map): `output` a server
callback's output, `outputs`, `inputs` and `state` with one entry per declared dependency, each
the declared component (a pattern-matching id: a row of its pattern) and property, and
`changedPropIds` naming only those inputs. Anything else is a 400 with the reason and one log
line. Values are not looked at beyond their depth: each callback validates its own input.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from dash import Dash
from flask import Response, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

logger = logging.getLogger(__name__)

ERROR = "Malformed callback request"
# Far above any real body (a component tree as a value nests ~3 levels per component) and far
# below Python's recursion limit, which Dash's and plotly's JSON code must not reach.
MAX_JSON_DEPTH = 100
# How much of a client's string goes into a reason: enough to recognise it, never a flood.
SHOWN_CHARS = 60
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])
# Wildcards that stand for any number of components: the renderer sends a list of rows.
MULTI_WILDCARDS = (["ALL"], ["ALLSMALLER"])
DependencyKey = tuple[str, str]


class MalformedRequest(ValueError):
    """A body Dash cannot use; the message is the reason given to the client."""


def init_app(app: Dash) -> None:
    """Check every callback request's body after the sign-in guard and before Dash's view."""
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"

    def check_callback_request() -> Response | None:
        if request.endpoint != endpoint or request.method != "POST":
            return None
        try:
            check_body(_read_json(), app.callback_map)
        except RequestEntityTooLarge:
            _log_refusal("larger than the request size limit")
            raise  # answered by the app's 413 handler
        except MalformedRequest as error:
            reason = str(error)
            _log_refusal(reason)
            response = jsonify(error=ERROR, reason=reason)
            response.status_code = 400
            return response
        return None

    app.server.before_request(check_callback_request)


def check_body(body: object, callback_map: Mapping[str, Mapping[str, Any]]) -> None:
    """Raises MalformedRequest unless Dash's dispatch can use `body` for a callback it knows."""
    if not isinstance(body, dict):
        raise MalformedRequest(f"the body must be a JSON object, not {_json_type(body)}")
    output = body.get("output")
    if not isinstance(output, str):
        raise MalformedRequest("'output' must be the callback's output string")
    spec = callback_map.get(output)
    # Clientside callbacks are in the map too, but have no server function to run.
    if spec is None or "callback" not in spec:
        raise MalformedRequest(f"no server callback has the output {_shown(output)}")
    if "inputs" not in body:
        raise MalformedRequest("'inputs' is missing")
    inputs, state = body["inputs"], body.get("state", [])
    _check_count("inputs", inputs, spec["inputs"])
    _check_count("state", state, spec["state"])
    # Only now, with the counts right, the walk over every value: a body with 200,000 entries
    # is refused above without it.
    if _too_deep(body):
        raise MalformedRequest(f"the body is nested deeper than {MAX_JSON_DEPTH} levels")
    input_keys = _check_dependencies("inputs", inputs, spec["inputs"])
    _check_dependencies("state", state, spec["state"])
    if not spec.get("no_output"):
        _check_outputs(body.get("outputs"), output)
    _check_changed(body.get("changedPropIds", []), input_keys)


def _read_json() -> object:
    """The body as JSON, parsed once: Flask caches it for Dash's own get_json()."""
    try:
        return request.get_json()
    except RecursionError:
        raise MalformedRequest(f"the body is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except RequestEntityTooLarge:
        raise
    except BadRequest:
        raise MalformedRequest("the body is not valid JSON") from None


def _too_deep(body: object) -> bool:
    """Whether any value sits deeper than MAX_JSON_DEPTH: walked level by level, without
    recursion (a list comprehension per container: ~0.2 s for a million numbers)."""
    level: list = [body]
    for _depth in range(MAX_JSON_DEPTH):
        below: list = []
        for value in level:
            children = value.values() if type(value) is dict else value
            below += [child for child in children if type(child) is dict or type(child) is list]
        if not below:
            return False
        level = below
    return True


def _check_count(name: str, sent: object, declared: list) -> None:
    """`inputs` or `state`: a list with one entry per declared dependency."""
    if not isinstance(sent, list):
        raise MalformedRequest(f"'{name}' must be a list, not {_json_type(sent)}")
    if len(sent) != len(declared):
        raise MalformedRequest(
            f"'{name}' has {len(sent)} entries, the callback takes {len(declared)}"
        )


def _check_dependencies(
    name: str, sent: list, declared: list[Mapping[str, str]]
) -> set[DependencyKey]:
    """Each entry the declared component and property. Returns the (id, property) keys of the
    components sent, for checking changedPropIds against."""
    keys: set[DependencyKey] = set()
    for index, (entry, dependency) in enumerate(zip(sent, declared, strict=True)):
        where = f"{name}[{index}]"
        keys.update(_check_entry(where, entry, dependency["id"], dependency["property"]))
    return keys


def _check_outputs(sent: object, output: str) -> None:
    """`outputs`: a list with one entry per output of a multi-output callback, else one entry."""
    declared = [item.rsplit(".", 1) for item in _split_outputs(output)]
    if not output.startswith(".."):
        id_text, prop = declared[0]
        _check_entry("outputs", sent, id_text, prop, output=True)
        return
    if not isinstance(sent, list) or len(sent) != len(declared):
        raise MalformedRequest(f"'outputs' must be a list of {len(declared)} entries")
    for index, (entry, (id_text, prop)) in enumerate(zip(sent, declared, strict=True)):
        _check_entry(f"outputs[{index}]", entry, id_text, prop, output=True)


def _split_outputs(output: str) -> list[str]:
    # As Dash spells a multi-output callback's id: "..a.prop...b.prop..".
    return output[2:-2].split("...") if output.startswith("..") else [output]


def _check_entry(
    where: str, entry: object, id_text: str, prop: str, output: bool = False
) -> list[DependencyKey]:
    """One dependency: the component itself, or for a pattern that stands for many, a list of
    its rows. Returns the keys of the components in it."""
    pattern = json.loads(id_text) if id_text.startswith("{") else None
    if pattern is not None and any(value in MULTI_WILDCARDS for value in pattern.values()):
        if not isinstance(entry, list):
            raise MalformedRequest(f"'{where}' must be a list of the pattern's components")
        rows = entry
    else:
        rows = [entry]
    keys = []
    for row in rows:
        if not isinstance(row, dict) or "id" not in row:
            raise MalformedRequest(f"'{where}' must be an object with 'id' and 'property'")
        sent_prop = row.get("property")
        # An output's property may carry Dash's "@hash" of allow_duplicate; it names the same.
        if not isinstance(sent_prop, str) or _bare(sent_prop, output) != _bare(prop, output):
            raise MalformedRequest(f"'{where}' must be the property {_shown(_bare(prop, True))}")
        if not _id_fits(row["id"], id_text, pattern):
            raise MalformedRequest(f"'{where}' is not the component {_shown(id_text)}")
        keys.append(_key(row["id"], sent_prop))
    return keys


def _id_fits(sent: object, id_text: str, pattern: dict | None) -> bool:
    if pattern is None:
        return sent == id_text
    if not isinstance(sent, dict) or sent.keys() != pattern.keys():
        return False
    return all(
        _is_wildcard_value(sent[key]) if value in WILDCARDS else sent[key] == value
        for key, value in pattern.items()
    )


def _is_wildcard_value(value: object) -> bool:
    # What Dash allows as the value of a key of a pattern-matching id.
    return isinstance(value, str | int | float | bool)


def _check_changed(changed: object, inputs: set[DependencyKey]) -> None:
    """changedPropIds: the inputs that fired the callback, as "<id>.<property>" strings."""
    if not isinstance(changed, list):
        raise MalformedRequest(f"'changedPropIds' must be a list, not {_json_type(changed)}")
    for prop_id in changed:
        if not isinstance(prop_id, str):
            raise MalformedRequest("'changedPropIds' must hold strings only")
        id_text, _, prop = prop_id.rpartition(".")
        try:
            component = json.loads(id_text) if id_text.startswith("{") else id_text
        except ValueError:
            component = None
        if not isinstance(component, str | dict) or _key(component, prop) not in inputs:
            raise MalformedRequest(f"'changedPropIds' names {_shown(prop_id)}, not an input")


def _key(component: object, prop: str) -> DependencyKey:
    """One spelling per component, whichever order or escaping the client used in its id."""
    text = json.dumps(component, sort_keys=True) if isinstance(component, dict) else component
    return str(text), prop


def _bare(prop: str, output: bool) -> str:
    return prop.split("@", 1)[0] if output else prop


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number")


def _shown(text: str) -> str:
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "...")


def _log_refusal(reason: str) -> None:
    user = current_user.get_id() if current_user.is_authenticated else None
    logger.warning("refused a malformed callback request from user %s: %s", user, reason)
