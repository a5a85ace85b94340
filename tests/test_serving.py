"""The programs as an operator runs them: ``pserve`` with the ini files'
server, ``snf-pyr-manage`` and ``snf-pyr-worker``, as subprocesses.

* request headers whose names contain ``_`` reach the application through
  the documented server (``egg:synnefo_pyr#waitress``), as kamaki 0.12's
  ``image register`` sends them;
* ``production.ini`` takes the database URL and the listen address from
  pserve variables (and listens on the loopback without one);
* without a database URL each program stops with one line, no traceback;
* ``snf-pyr-manage ... | head`` exits quietly.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from synnefo_pyr import main
from synnefo_pyr.db import session_scope
from synnefo_pyr.identity import accounts
from synnefo_pyr.server import DEFAULT_LISTEN, dash_header_names, listen_address

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: The environment of the programs: no database URL inherited by accident.
ENV = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SYNNEFO_LISTEN")}

INI = """\
[app:main]
use = egg:synnefo_pyr#main
sqlalchemy.url = sqlite:///{db}
synnefo_pyr.storage.block_dir = {blocks}
synnefo_pyr.base_url = http://127.0.0.1:{port}
synnefo_pyr.backend.worker = external

[server:main]
{server}
"""

#: The two servers of the ini files, as [server:main] gives them.
SERVERS = {
    "waitress": "use = egg:synnefo_pyr#waitress\nlisten = 127.0.0.1:{port}\nthreads = 2",
    # Two processes forked from one app: each must get a pool of its own.
    "gunicorn": "use = egg:synnefo_pyr#gunicorn\nbind = 127.0.0.1:{port}\nworkers = 2\n"
                "worker_class = gthread\nthreads = 2",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*argv, **kwargs):
    return subprocess.run([str(BIN / argv[0]), *map(str, argv[1:])], capture_output=True,
                          text=True, timeout=120, env=kwargs.pop("env", ENV), cwd=ROOT, **kwargs)


class Served:
    """A ``pserve`` process on a free port, stopped at the end."""

    def __init__(self, *argv, port):
        self.port = port
        self.process = subprocess.Popen([str(BIN / "pserve"), *map(str, argv)], env=ENV, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("pserve exited:\n" + self.process.stdout.read())
            try:
                if self.request("GET", "/identity/v2.0")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("pserve did not start")

    def request(self, method, path, headers=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            # An iterable body goes chunked (Transfer-Encoding), as swift sends one.
            conn.request(method, path, body=body, headers=headers or {},
                         encode_chunked=body is not None and not isinstance(body, bytes))
            res = conn.getresponse()
            return res.status, dict(res.getheaders()), res.read()
        finally:
            conn.close()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def write_ini(tmp_path, server):
    port = free_port()
    path = tmp_path / "serve.ini"
    path.write_text(INI.format(db=tmp_path / "serve.sqlite", blocks=tmp_path / "blocks", port=port,
                               server=SERVERS[server].format(port=port)))
    return path


@pytest.fixture
def ini(tmp_path):
    return write_ini(tmp_path, "waitress")


def test_dash_header_names_touches_names_only():
    head = (b"POST /a_b HTTP/1.1\r\nX-Image-Meta-Property-ROOT_PARTITION: 1_2\r\n"
            b"Host: h\r\n folded_value\r\n")
    assert dash_header_names(head) == (b"POST /a_b HTTP/1.1\r\nX-Image-Meta-Property-ROOT-PARTITION: 1_2"
                                       b"\r\nHost: h\r\n folded_value\r\n")


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_underscore_headers_reach_the_application(tmp_path, server):
    ini = write_ini(tmp_path, server)
    user = json.loads(run("snf-pyr-manage", ini, "user-add", "--email", "k@example.org",
                          "--first-name", "K", "--last-name", "M").stdout)
    port = int(ini.read_text().split("127.0.0.1:")[1].split()[0])
    served = Served(ini, port=port)
    try:
        # The image's file, stored first (an image is a stored object).
        token = {"X-Auth-Token": user["token"]}
        account = f"/object-store/v1/{user['uuid']}"
        assert served.request("PUT", account + "/images", headers=token)[0] in (201, 202)
        assert served.request("PUT", account + "/images/debian.diskdump", body=b"disk",
                              headers=dict(token, **{"Content-Type": "application/octet-stream"}))[0] == 201
        status, headers, _ = served.request("POST", "/image/v1.0/images/", headers={
            "X-Auth-Token": user["token"],
            "X-Image-Meta-Name": "Debian",
            "X-Image-Meta-Location": f"pithos://{user['uuid']}/images/debian.diskdump",
            "X-Image-Meta-Property-ROOT_PARTITION": "1",
            "X-Image-Meta-Property-OSFAMILY": "linux",
        })
        assert status == 200, headers
        status, _, body = served.request("GET", "/image/v1.0/images/detail",
                                         headers={"X-Auth-Token": user["token"]})
        (image,) = json.loads(body)
        assert image["properties"] == {"root_partition": "1", "osfamily": "linux"}
        # A chunked upload (no Content-Length) reaches the object store whole.
        chunks = [b"a" * 70000, b"b" * 5, b"c" * 3]
        status, _, _ = served.request("PUT", account + "/images/chunked", body=iter(chunks),
                                      headers=dict(token, **{"Content-Type": "text/plain"}))
        assert status == 201
        status, headers, body = served.request("GET", account + "/images/chunked", headers=token)
        assert status == 200 and body == b"".join(chunks)
        # Every worker process answers from the same database.
        for _ in range(20):
            status, _, body = served.request("GET", "/image/v1.0/images/detail",
                                             headers={"X-Auth-Token": user["token"]})
            assert status == 200 and len(json.loads(body)) == 1
    finally:
        served.stop()


def test_production_ini_takes_the_database_and_listen_address_as_variables(tmp_path):
    port = free_port()
    served = Served("production.ini", f"database_url=sqlite:///{tmp_path}/prod.sqlite",
                    f"listen=127.0.0.1:{port}", "base_url=https://cloud.example.org", port=port)
    try:
        status, _, body = served.request("GET", "/identity/v2.0")
        assert status == 200 and json.loads(body)["version"]["id"] == "v2.0"
        # The base URL variable, not the Host header, makes the links.
        assert json.loads(body)["version"]["links"][0]["href"] == "https://cloud.example.org/identity/v2.0/"
    finally:
        served.stop()


def test_production_ini_serves_with_gunicorn_workers(tmp_path):
    port = free_port()
    served = Served("production.ini", f"database_url=sqlite:///{tmp_path}/prod.sqlite",
                    f"listen=127.0.0.1:{port}", "base_url=https://cloud.example.org", port=port)
    try:
        # pserve is gunicorn's master; one worker process per core beneath it.
        pid = served.process.pid
        deadline = time.monotonic() + 20
        while True:  # the master forks them one after another
            workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if len(workers) == (os.cpu_count() or 1) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(workers) == (os.cpu_count() or 1)
    finally:
        served.stop()


def test_a_forked_process_starts_with_an_empty_pool(tmp_path):
    app = main({}, **{"sqlalchemy.url": f"sqlite:///{tmp_path}/fork.sqlite",
                      "synnefo_pyr.trust_host_header": "true"})
    engine, readers = app.registry.dbengine, app.registry.reader_sessions
    held = readers.get()  # this thread's session for read requests
    with engine.connect():
        pass
    assert engine.pool.checkedin() == 1
    pid = os.fork()
    if pid == 0:
        # The child: the parent's connections are neither in its pool nor
        # held for its reads; it opens its own.
        ok = engine.pool.checkedin() == 0 and readers.get() is not held
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent keeps its own, still open.
    assert engine.pool.checkedin() == 1
    assert readers.get() is held and not held.bind.closed
    engine.dispose()
    assert held.bind.closed


def test_a_deactivated_user_stops_working_within_the_cache_bound_in_other_processes(tmp_path):
    """Two serving processes with a 1-second token cache; the user is
    deactivated by a third (snf-pyr-manage): within the bound, both
    answer 401, although each had the token cached."""
    inis = []
    for n in range(2):
        port = free_port()
        path = tmp_path / f"serve{n}.ini"
        path.write_text(INI.format(db=tmp_path / "serve.sqlite", blocks=tmp_path / "blocks", port=port,
                                   server=SERVERS["waitress"].format(port=port))
                        .replace("[server:main]", "synnefo_pyr.identity.token_cache_seconds = 1\n\n[server:main]"))
        inis.append((path, port))
    user = json.loads(run("snf-pyr-manage", inis[0][0], "user-add", "--email", "c@example.org",
                          "--first-name", "C", "--last-name", "M").stdout)
    token = {"X-Auth-Token": user["token"]}
    served = [Served(path, port=port) for path, port in inis]
    try:
        for process in served:
            assert process.request("GET", "/compute/v2.0/flavors", headers=token)[0] == 200
        assert run("snf-pyr-manage", inis[0][0], "user-modify", user["uuid"], "--deactivate").returncode == 0
        deactivated = time.monotonic()
        statuses = {}
        while len(statuses) < 2 and time.monotonic() - deactivated < 10:
            for n, process in enumerate(served):
                if n not in statuses and process.request("GET", "/compute/v2.0/flavors", headers=token)[0] == 401:
                    statuses[n] = time.monotonic() - deactivated
            time.sleep(0.05)
        # The bound (1 s) and the time the manage command took to exit.
        assert sorted(statuses) == [0, 1] and max(statuses.values()) < 1.5, statuses
    finally:
        for process in served:
            process.stop()


def test_the_listen_address_defaults_to_the_loopback():
    assert DEFAULT_LISTEN.startswith("127.0.0.1:")
    assert listen_address({}, environ={}) == DEFAULT_LISTEN
    assert listen_address({}, environ={"SYNNEFO_LISTEN": "0.0.0.0:80"}) == "0.0.0.0:80"
    assert listen_address({"listen": "[::1]:6543"}, environ={"SYNNEFO_LISTEN": "x"}) == "[::1]:6543"


@pytest.mark.parametrize("argv", [
    ("pserve", "production.ini"),
    ("snf-pyr-manage", "production.ini", "user-list"),
    ("snf-pyr-worker", "production.ini", "--once"),
])
def test_no_database_url_is_a_one_line_error(argv):
    proc = run(*argv, env=dict(ENV, SYNNEFO_BASE_URL="https://cloud.example.org"))
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: No database"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_production_ini_refuses_to_start_without_a_base_url(tmp_path):
    proc = run("snf-pyr-manage", "production.ini", "user-list",
               env=dict(ENV, DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite"))
    assert proc.returncode != 0
    assert "base_url is required" in proc.stderr.strip().splitlines()[-1], proc.stderr
    assert "Traceback" not in proc.stderr


def test_manage_into_head_exits_quietly(ini, tmp_path):
    # More output than a pipe holds, so that the writer meets the closed pipe.
    app = main({}, **{"sqlalchemy.url": f"sqlite:///{tmp_path}/serve.sqlite",
                      "synnefo_pyr.trust_host_header": "true"})
    with session_scope(app.registry) as db:
        for n in range(600):
            accounts.create_user(db, f"user{n}@example.org", "User", str(n))
    app.registry.dbengine.dispose()
    proc = subprocess.run(f"'{BIN}/snf-pyr-manage' '{ini}' user-list | head -n 1", shell=True,
                          capture_output=True, text=True, timeout=120, env=ENV, cwd=ROOT)
    assert proc.stdout == "[\n"
    assert proc.stderr == "", proc.stderr
