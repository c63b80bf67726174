"""Hostile values for every route of the URL map, as every role: not one answer is a 5xx.

Built from the app's URL map (a new route is covered without touching this file) and from the
pages themselves: every form a role is shown is posted back with hostile values in its fields.
For each role (anonymous, inspector, lead, coordinator, admin - the admin last, since it may
change other users) the test sends
- path parameters: ids of 2**31, 2**63 and 5,000 digits, Unicode digits, NUL and control
  characters, invalid UTF-8, long and dotted strings, in every <int:> and string part;
- query strings: every parameter the app reads (and a few it does not) with hostile values;
- form fields: each field of each form on the role's pages, one hostile value at a time
  (others as the page filled them), and once all at the same time;
- JSON members: every member of every /api/ write (a sync item's every field, answer keys,
  answers and notes included) with lone surrogates, NUL, control characters, 5,000-digit and
  non-finite numbers, nesting 900 deep and Unicode digits.
The values are sampled in rotation (each value reaches many routes, not every route every
value), which keeps the run around a minute. The suite runs on SQLite and on PostgreSQL (NUL is
a PostgreSQL-only failure), so `make test` runs this on both. The app runs with TESTING on: an
exception in a view propagates and is recorded as a failure with the route and the value.
"""
from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

from werkzeug.datastructures import MultiDict

from tests.test_access_matrix import PARAMS, demo_ids

from .conftest import api_login, new_uuid, submission_item

ROLES = (None, "inspector1", "lead1", "coordinator", "admin")  # the admin last (may edit users)
NEVER_POST = {"/logout", "/api/v1/session"}  # would end the role's session (tested elsewhere)

# Path parts, already URL-encoded.
HOSTILE_INT_PARTS = ["2147483648", "9223372036854775808", "1" + "0" * 30, "9" * 5000, "%C2%B2", "%E2%91%A0",
                     "%D9%A3", "-1", "0", "%00"]
HOSTILE_TEXT_PARTS = ["%00", "a%0D%0Ab", "%ED%A0%80", "%FF%FE", "x" * 400, "..", "%2E%2E%2Fetc", "%C2%85",
                      "%E2%80%AE"]
# Query and form values (sent URL-encoded as UTF-8; invalid UTF-8 is sent as raw bytes below).
HOSTILE_TEXTS = ["a\x00b", "\x00", "a\r\nb", "\x07bell", "\x7f", "\u0085", "\u202etxt", "²", "①", "٣",
                 "9" * 5000, "2147483648", "9223372036854775808", "-1", "0", "x" * 20000, "' OR 1=1 --",
                 "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "1e309", "NaN", " ", "\t"]
QUERY_NAMES = ["next", "lang", "inspector", "archived", "provisional", "download", "show", "submission_id",
               "visit_id", "filename", "item_code", "q", "page", "year", "period", "campaign_id", "team_id",
               "unit_id", "version", "revision", "id", "uuid"]


class RawJSON:
    """A JSON fragment written as is (numbers Python cannot even print, deep nesting)."""

    def __init__(self, text: str):
        self.text = text


NESTED_900 = RawJSON("[" * 900 + "]" * 900)
HOSTILE_JSON = ["\ud800", "a\udfffb", "a\x00b", "\x07", "\u0085", RawJSON("9" * 5000), RawJSON("-" + "9" * 5000),
                RawJSON("1e999"), RawJSON("NaN"), RawJSON("Infinity"), NESTED_900, "²", "①", "9" * 5000,
                2**31, 2**63, 2**64 + 1, -1, 0, 1.5, True, None, [], {}, [None], {"male": "\ud800"}]


def encode(value) -> str:
    """JSON text for a value that may hold RawJSON fragments and lone surrogates."""
    if isinstance(value, RawJSON):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    return json.dumps(value)  # ensure_ascii: a lone surrogate becomes its \ud800 escape


class Forms(HTMLParser):
    """The POST forms of a page: [(action, [(name, type, value)])]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._current = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._current = (a.get("action") or "", [])
                self.forms.append(self._current)
            else:
                self._current = None
        elif self._current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "checkbox" and "checked" not in a:
                return
            if kind == "radio" and any(f[0] == a["name"] for f in self._current[1]):
                return  # the first choice of a group is enough
            self._current[1].append((a["name"], kind, a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "button" and a.get("name"):
            self._current[1].append((a["name"], "button", a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "textarea" and self._textarea is not None and self._current is not None:
            self._current[1].append((self._textarea[0], "textarea", self._textarea[1]))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._current is not None:
            self._current[1].append((self._select[0], "select", self._select[1] or ""))
            self._select = None


_PART = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def rule_url(rule, values: dict[str, str]) -> str:
    """The rule's path with each <part> replaced by values[name] (already URL-encoded)."""
    return _PART.sub(lambda m: values[m.group(2)], rule.rule)


class Run:
    """Sends the requests of one role and collects every 5xx and every exception."""

    def __init__(self, app, client, role):
        self.app, self.client, self.role = app, client, role or "anonymous"
        self.failures: list[str] = []
        self.count = 0

    def send(self, method: str, url: str, what: str, **kwargs):
        self.count += 1
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 - an exception in a view is a 500
            self.failures.append(f"{self.role} {method} {url[:120]} [{what[:160]}]: "
                                 f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{self.role} {method} {url[:120]} [{what[:160]}]: {response.status_code}")
        return response


def defaults_for(app, ids) -> dict[str, str]:
    values = {name: quote(str(value), safe="/") for name, value in ids.items()}
    for params in PARAMS.values():
        for name, value in params.items():
            values.setdefault(name, quote(str(value), safe="/"))
    values.setdefault("key", "gender_equality")
    values.setdefault("version", "1")
    values.setdefault("revision", "1")
    values.setdefault("member_id", "1")
    values.setdefault("attachment_uuid", new_uuid())
    return values


def part_kind(rule, name: str) -> str:
    converter = rule._converters.get(name)
    return "int" if type(converter).__name__.lower().startswith(("int", "bounded")) else "text"


def test_no_hostile_value_reaches_a_500_on_any_route_for_any_role(app, teams):
    ids = demo_ids(app)
    defaults = defaults_for(app, ids)
    rules = [r for r in app.url_map.iter_rules()]
    assert len(rules) > 50
    texts = itertools.cycle(HOSTILE_TEXTS)
    json_values = itertools.cycle(HOSTILE_JSON)
    int_parts = itertools.cycle(HOSTILE_INT_PARTS)
    text_parts = itertools.cycle(HOSTILE_TEXT_PARTS)
    failures: list[str] = []
    total = 0
    for role in ROLES:
        client = app.test_client()
        if role:
            api_login(client, role)
        run = Run(app, client, role)
        version = visit_version(client, ids["visit_id"])

        # 1. Path parameters (every method of the rule).
        for rule in rules:
            for name in rule.arguments:
                parts = int_parts if part_kind(rule, name) == "int" else text_parts
                for _ in range(3):
                    hostile = next(parts)
                    url = rule_url(rule, dict(defaults, **{name: hostile}))
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                        body = {"json": {}} if url.startswith("/api/") and method != "GET" else {}
                        run.send(method, url, f"path {name}={hostile[:30]}", **body)

        # 2. Query strings on every GET route; 3. collect the forms of every page.
        forms: dict[tuple, tuple[str, list]] = {}
        for rule in rules:
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            url = rule_url(rule, defaults)
            value = next(texts)
            query = urlencode({n: value for n in QUERY_NAMES})
            run.send("GET", f"{url}?{query}", f"query *={value[:30]!r}")
            run.send("GET", f"{url}?{quote(next(texts))}={quote(next(texts))}&next=%ED%A0%80&lang=%FF",
                     "query odd names and invalid UTF-8")
            response = run.send("GET", url, "the page itself")
            if response is not None and response.status_code == 200 and response.mimetype == "text/html":
                parser = Forms()
                parser.feed(response.get_data(as_text=True))
                for action, fields in parser.forms:
                    target = urlsplit(action).path or url
                    if target in NEVER_POST:
                        continue
                    key = (target, tuple(sorted(f[0] for f in fields)))
                    forms.setdefault(key, (action or url, fields))

        # 3. Form fields, one hostile value at a time, then all at once.
        for action, fields in forms.values():
            editable = [f for f in fields if f[1] not in ("file", "submit") and f[0] != "csrf_token"]
            step = max(1, len(editable) // 12)  # big forms (the checklist): a sample of fields
            for name, _kind, _default in editable[::step]:
                for _ in range(2):
                    value = next(texts)
                    data = [(n, value if n == name else v) for n, _k, v in fields]
                    run.send("POST", action, f"form {name}={value[:30]!r}", data=MultiDict(data))
            everything = [(n, "a\x00b\x01" if k not in ("file", "submit") and n != "csrf_token" else v)
                          for n, k, v in fields]
            run.send("POST", action, "form all fields = NUL and control", data=MultiDict(everything))

        # 4. JSON members of every /api/ write.
        for rule in rules:
            if not rule.rule.startswith("/api/"):
                continue
            url = rule_url(rule, defaults)
            for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
                if url in NEVER_POST and method in ("DELETE",):
                    continue
                for body, what in json_bodies(rule.endpoint, teams, version, json_values):
                    if rule.endpoint == "auth_api.create_session" and role:
                        continue  # logging in again as another user would change the role
                    run.send(method, url, what, data=body, content_type="application/json")
            if rule.endpoint == "sync_api.put_attachment":
                for name in ("visit_id", "filename", "item_code"):
                    for _ in range(3):
                        value = next(texts)
                        run.send("PUT", f"{url}?{urlencode({name: value})}", f"query {name}={value[:30]!r}",
                                 data=b"\x89PNG\r\n\x1a\n")
                        run.send("PUT", url, f"header {name}={value[:30]!r}", data=b"%PDF-1.4\n",
                                 headers={"X-Visit-Id" if name == "visit_id" else
                                          "X-Filename" if name == "filename" else "X-Item-Code":
                                          quote(value)})
        failures += run.failures
        total += run.count
    assert total > 2000, f"only {total} requests were sent"
    assert not failures, f"{len(failures)} of {total} requests failed:\n" + "\n".join(failures[:150])


def visit_version(client, visit_id) -> int:
    response = client.get(f"/api/v1/visits/{visit_id}/merge")
    return response.get_json()["version"] if response.status_code == 200 else 1


def json_bodies(endpoint: str, teams, version: int, values):
    """(body text, description) pairs for one JSON write route."""
    visit_id = teams["1"]["visits"][0]
    if endpoint == "sync_api.submissions":
        good = submission_item(visit_id)
        for field in ("uuid", "visit_id", "revision", "answers", "notes", "state", "template", "client_saved_at"):
            for _ in range(2):
                value = next(values)
                bad = dict(submission_item(visit_id), **{field: value})
                yield encode({"submissions": [bad, good]}), f"item {field}={encode(value)[:30]}"
        for _ in range(4):
            value = next(values)
            bad = submission_item(visit_id, answers={"A1": value, "H2": value, "C1": {"male": value, "female": 1}},
                                  notes={"A1": value})
            yield encode({"submissions": [bad, good]}), f"answers and notes = {encode(value)[:30]}"
            key = value if isinstance(value, str) else "A1"
            yield (encode({"submissions": [submission_item(visit_id, answers={key: "yes"}, notes={key: "x"}), good]}),
                   f"answer key {encode(key)[:30]}")
        yield encode({"submissions": next(values)}), "submissions=hostile"
        yield encode({"submissions": [next(values), good]}), "an item that is hostile"
        return
    members = {"version": version, "item_code": "A1", "source": "picked", "submission_id": 1,
               "source_revision": 1, "value": "yes", "note": "ok", "reason": "lý do",
               "comments": [{"item_code": "A1", "comment": "sửa"}], "username": "nobody", "password": "x" * 10,
               "remember": True}
    for name in list(members) + ["comments.item_code", "comments.comment"]:
        for _ in range(2):
            value = next(values)
            body = dict(members)
            if name.startswith("comments."):
                body["comments"] = [{"item_code": "A1", "comment": "x", name.split(".")[1]: value}]
            else:
                body[name] = value
            yield encode(body), f"{name}={encode(value)[:30]}"
    yield encode(next(values)), "the whole body is hostile"
    yield encode({"version": version, "value": NESTED_900}), "value nested 900 deep"
