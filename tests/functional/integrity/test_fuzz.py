"""Finding 18: a property-based fuzzer against a live instance (``pserve``
on this test's database), driven by its own ``/openapi.json``: every
operation gets a bounded number of generated requests (path parameters,
queries, headers and bodies from the description's schemas, mixed with
arbitrary JSON, lone surrogates and garbage), and never a 5xx; every error
has a valid fault body. Deterministic (``derandomize``), a few hundred
requests per database."""
import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.functional.integrity.routes import make_owned_targets

BIN = Path(sys.executable).parent
EXAMPLES = 10

INI = """\
[app:main]
use = egg:synnefo_pyr#main
sqlalchemy.url = {db_url}
synnefo_pyr.base_url = http://127.0.0.1:{port}
synnefo_pyr.storage.block_dir = {block_dir}
synnefo_pyr.storage.block_size = {block_size}
synnefo_pyr.backend.worker = external
synnefo_pyr.feedback.sink = log
retry.attempts = 3

[server:main]
use = egg:synnefo_pyr#waitress
listen = 127.0.0.1:{port}
threads = 4
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Live:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, headers=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, res.getheader("Content-Type") or "", res.read()
        finally:
            conn.close()


@pytest.fixture
def live(db_url, tmp_path, registry, base_settings):
    port = free_port()
    ini = tmp_path / "fuzz.ini"
    # The test's own block store: the files the test stores are the live service's.
    ini.write_text(INI.format(db_url=db_url.replace("%", "%%"), port=port,
                              block_dir=base_settings["synnefo_pyr.storage.block_dir"],
                              block_size=base_settings["synnefo_pyr.storage.block_size"]))
    log = open(tmp_path / "pserve.log", "wb")
    process = subprocess.Popen([str(BIN / "pserve"), str(ini)], stdout=log, stderr=subprocess.STDOUT)
    service = Live(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if service.request("GET", "/identity/v2.0")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, \
                (tmp_path / "pserve.log").read_text()
            time.sleep(0.2)
        yield service
    finally:
        process.terminate()
        process.wait(20)
        log.close()


# --- strategies from the description's schemas --------------------------------

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
TEXT = st.text(max_size=16) | st.sampled_from(["", "public", "1", "0", "-1", "99999999999", "\x00"])


def from_schema(schema):
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | TEXT
    if "oneOf" in schema:
        return st.one_of([from_schema(s) for s in schema["oneOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema(dict(schema, type=k)) for k in kind])
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        fixed = st.fixed_dictionaries(
            {k: from_schema(v) for k, v in properties.items() if k in required},
            optional={k: from_schema(v) for k, v in properties.items() if k not in required},
        )
        if "additionalProperties" in schema:
            extra = st.dictionaries(st.text(max_size=8), from_schema(schema["additionalProperties"]),
                                    max_size=3)
            return st.one_of(fixed, extra)
        return fixed
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=3)
    if kind == "string":
        return TEXT
    if kind == "integer":
        return st.integers(-2 ** 64, 2 ** 64) | st.sampled_from([0, 1, 2 ** 31])
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return JUNK


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=24)


def request_strategy(path, method, operation, known, tokens):
    parameters = operation.get("parameters", [])
    path_values = {p["name"]: (st.sampled_from(known.get(p["name"], ["1"])) | TEXT)
                   for p in parameters if p["in"] == "path"}
    queries = {p["name"]: (from_schema(p["schema"]).map(str) | TEXT)
               for p in parameters if p["in"] == "query"}
    headers = {p["name"]: HEADER_TEXT for p in parameters if p["in"] == "header"}
    security = operation.get("security") or [{}]
    token = st.sampled_from([tokens.get(next(iter(security[0]), ""), "")] * 4 + ["", "bogus"])
    content = (operation.get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        body = st.one_of(from_schema(content["application/json"]["schema"]), JUNK).map(
            lambda value: ("application/json", json.dumps(value).encode()))
        body = body | st.sampled_from([("application/json", b"[" * 5000),
                                       ("application/json; charset=bogus", b"{}"),
                                       ("text/plain", b"x"), ("application/json", b"\xff")])
    elif content:
        (media, spec), = content.items()
        body = from_schema(spec["schema"]).map(
            lambda value: (media, urlencode({k: str(v) for k, v in (value or {}).items()}).encode()))
    else:
        body = st.just((None, None))
    return st.fixed_dictionaries({
        "path": st.fixed_dictionaries(path_values),
        "query": st.fixed_dictionaries({}, optional=queries),
        "headers": st.fixed_dictionaries({}, optional=headers),
        "token": token,
        "body": body,
    })


def url_of(path, values, query):
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe="") or "x")
    return path + ("?" + urlencode(query) if query else "")


def check_fault(status, content_type, body, method):
    # 501 notImplemented is documented (image data, image creation through
    # the compute API); any other 5xx is a bug.
    assert status < 500 or (status == 501 and b"notImplemented" in body), (status, body[:300])
    if status < 400 or not body or method == "HEAD":
        return
    if "xml" in content_type:
        text = body.decode("utf-8")
        assert text.startswith("<?xml") and f'code="{status}"' in text, text[:300]
        return
    assert "application/json" in content_type, (content_type, body[:200])
    fault = json.loads(body)
    assert isinstance(fault, dict) and len(fault) == 1, fault
    (inner,) = fault.values()
    assert inner["code"] == status and isinstance(inner["message"], str), fault
    assert isinstance(inner.get("details", ""), str), fault


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def fuzz_operation(live, path, method, operation, known, tokens):
    @given(request_strategy(path, method, operation, known, tokens))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def one(generated):
        headers = dict(generated["headers"])
        if generated["token"]:
            headers["X-Auth-Token"] = generated["token"]
        media, body = generated["body"]
        if media:
            headers["Content-Type"] = media
        url = url_of(path, generated["path"], generated["query"])
        status, content_type, answer = live.request(method, url, headers=headers, body=body)
        check_fault(status, content_type, answer, method)

    one()


def test_fuzz_every_operation(live, registry, factory, create_server, user, other_user, db_kind):
    owned = make_owned_targets(create_server, user, registry, factory)
    server = owned["server_id"]
    known = {"server_id": [server], "network_id": [owned["network_id"], "public"],
             "image_id": [owned["image_id"]], "subnet_id": [owned["subnet_id"]],
             "port_id": [owned["port_id"], f"nic-{server}-0"],
             "floating_ip_id": [owned["floating_ip_id"]],
             "key": ["k", "os"], "member": [other_user.uuid], "serial": [1, 2],
             "token_id": [user.token], "flavor_id": [1], "alias": ["x"],
             "account": [user.uuid], "container": ["c", "pithos"], "object": ["own.img"],
             "project_id": [1], "app_id": [1], "membership_id": [1], "slash": [""]}
    tokens = {"userToken": user.token, "serviceToken": factory.component("cyclades")}
    status, _, body = live.request("GET", "/openapi.json")
    assert status == 200
    paths = json.loads(body)["paths"]
    count = 0
    for path, item in paths.items():
        for method, operation in item.items():
            fuzz_operation(live, path, method.upper(), operation, known, tokens)
            count += 1
    assert count > 70
