"""The live service the real clients talk to.

``synnefo_service`` runs ``pserve`` on a free loopback port with a database
of its own (a temporary SQLite file, and a temporary PostgreSQL database when
the server is reachable: ``db_kind`` from tests/conftest.py parametrizes it
and ``--db`` narrows it), development settings and a fast simulated backend.
``seeded`` fills it through ``snf-pyr-manage`` as an operator would; each
client gets users of its own from ``client_users`` so the flows never see
each other's servers. ``run_flow`` runs ``flows/<flow>_flow.py`` with the
client's own interpreter (tests/clients/venvs.py).
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import _postgresql_database
from tests.clients import venvs

HERE = Path(__file__).parent
FLOWS = HERE / "flows"
#: Each flow script (``flows/<name>_flow.py``) and the client whose
#: interpreter runs it; every flow has users of its own.
FLOW_CLIENTS = dict({name: name for name in venvs.CLIENTS}, kamaki_network="kamaki")
BIN = Path(sys.executable).parent

#: Backend delays short enough for a quick suite, long enough that the
#: clients really see BUILD and wait for ACTIVE.
INI_TEMPLATE = """\
[app:main]
use = egg:synnefo_pyr#main
sqlalchemy.url = {db_url}
retry.attempts = 3
synnefo_pyr.auto_migrate = true
synnefo_pyr.base_url = http://127.0.0.1:{port}
synnefo_pyr.feedback.sink = log
synnefo_pyr.backend.driver = simulated
synnefo_pyr.backend.worker = inprocess
synnefo_pyr.backend.poll_interval = 0.1
synnefo_pyr.backend.driver.build_seconds = 0.5
synnefo_pyr.backend.driver.action_seconds = 0.2

[server:main]
# Keeps header names with "_" (kamaki's X-Image-Meta-Property-ROOT_PARTITION).
use = egg:synnefo_pyr#waitress
listen = 127.0.0.1:{port}
threads = 8
# 5 GiB uploads (the object store's limit) plus one byte.
max_request_body_size = 5368709121

[loggers]
keys = root, synnefo_pyr, sqlalchemy

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = INFO
handlers = console

[logger_synnefo_pyr]
level = DEBUG
handlers =
qualname = synnefo_pyr

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s][%(threadName)s] %(message)s
"""


class ManageError(Exception):
    pass


@dataclass
class Service:
    url: str
    ini: Path
    log: Path
    db_kind: str
    workdir: Path
    process: subprocess.Popen = field(repr=False, default=None)

    def manage(self, *args):
        """Run ``snf-pyr-manage INI args...``; its JSON output."""
        proc = subprocess.run(
            [str(_script("snf-pyr-manage")), str(self.ini), *map(str, args)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120,
        )
        if proc.returncode != 0:
            raise ManageError(f"snf-pyr-manage {' '.join(map(str, args))} exited "
                              f"{proc.returncode}: {proc.stderr.strip()[-2000:]}")
        return json.loads(proc.stdout)

    def log_tail(self, chars=6000):
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _script(name):
    path = BIN / name
    if not path.exists():
        raise RuntimeError(f"{name} is not installed next to {sys.executable}")
    return path


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(service, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"pserve exited {service.process.returncode}:\n{service.log_tail()}")
        try:
            with urllib.request.urlopen(service.url + "/identity/v2.0", timeout=5) as res:
                if res.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"pserve did not answer within {timeout}s:\n{service.log_tail()}")


@pytest.fixture(scope="session")
def client_db_url(db_kind, tmp_path_factory):
    """A database of the live service's own, never shared with the in-process tests."""
    if db_kind == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("clients-db") / "service.sqlite")
        return
    url, drop = _postgresql_database()
    yield url
    drop()


@pytest.fixture(scope="session")
def synnefo_service(client_db_url, db_kind, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"service-{db_kind}")
    port = _free_port()
    ini = workdir / "service.ini"
    # ``%`` is interpolation syntax in ini files.
    ini.write_text(INI_TEMPLATE.format(db_url=client_db_url.replace("%", "%%"), port=port))
    log = workdir / "pserve.log"
    service = Service(url=f"http://127.0.0.1:{port}", ini=ini, log=log, db_kind=db_kind,
                      workdir=workdir)
    with open(log, "wb") as log_file:
        service.process = subprocess.Popen(
            [str(_script("pserve")), str(ini)], stdout=log_file, stderr=subprocess.STDOUT,
            cwd=workdir,
        )
        try:
            _wait_until_up(service)
            yield service
        finally:
            service.process.terminate()
            try:
                service.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()


def _run_seeds(manage, seed, commands, workers=4):
    """Run ``{key: manage args}`` concurrently (each command is a process that
    mostly imports); a failure is recorded under ``seed["errors"]``, so each
    flow fails at the first step that needs what is missing, with the reason."""
    def run(item):
        key, args = item
        try:
            return key, manage(*args), None
        except ManageError as exc:
            return key, None, str(exc)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for key, result, error in pool.map(run, commands.items()):
            if error is None:
                seed[key] = result
            else:
                seed.setdefault("errors", {})[key] = error


def _user_args(first, last, tag, password=None):
    args = ["user-add", "--email", f"{first.lower()}-{tag}@example.org",
            "--first-name", first, "--last-name", last]
    return args + (["--password", password] if password else [])


@pytest.fixture(scope="session")
def seeded(synnefo_service):
    """What the flows share (flavors, the public network, a public image), and
    two users per client (the flow's own and another, for catalogs and
    sharing), so the flows never see each other's servers."""
    seed = {}
    tag = uuid.uuid4().hex[:8]
    commands = {
        "flavor": ["flavor-create", 1, 1024, 20, "drbd"],
        "flavor_large": ["flavor-create", 2, 2048, 20, "drbd"],
        "network": ["network-create", "--public", "--floating-ip-pool", "--name", "public",
                    "--subnet", "10.0.0.0/16", "--gateway", "10.0.0.1"],
        "image_owner": _user_args("Image", "Keeper", tag),
    }
    for client in FLOW_CLIENTS:
        commands[f"user:{client}"] = _user_args("Ada", "Lovelace", f"{client}-{tag}", f"pw-{tag}")
        commands[f"other:{client}"] = _user_args("Grace", "Hopper", f"{client}-{tag}")
    # The project flow's owner, member and project administrator.
    for role in ("owner", "member"):
        commands[f"projects_{role}"] = _user_args("Project", role.title(), f"{role}-{tag}")
    commands["projects_admin"] = _user_args("Project", "Admin", f"admin-{tag}") + ["--admin"]
    _run_seeds(synnefo_service.manage, seed, commands)
    if "projects_member" in seed:
        # No virtual machine of their own: only a project's grant lets them boot one.
        _run_seeds(synnefo_service.manage, seed, {
            "projects_member_quota": ["quota-set", seed["projects_member"]["uuid"], "cyclades.vm", 0],
        })
    for client in FLOW_CLIENTS:
        if f"user:{client}" in seed:
            seed[f"user:{client}"]["password"] = f"pw-{tag}"
    if "image_owner" in seed:
        owner = seed["image_owner"]["uuid"]
        # The image's file goes into the owner's account first (--file).
        disk = synnefo_service.workdir / "debian_base.diskdump"
        disk.write_bytes(b"\xeb\x63\x90" + bytes(64 * 1024))
        _run_seeds(synnefo_service.manage, seed, {
            "image": ["image-register", "--owner", owner, "--name", "Debian Base",
                      "--location", f"pithos://{owner}/images/debian_base.diskdump", "--file", disk,
                      "--public", "--property", "OS=debian", "--property", "osfamily=linux",
                      "--property", "users=root", "--disk-format", "diskdump",
                      "--container-format", "bare"],
        })
    return seed


@pytest.fixture
def client_users(seeded, client):
    """The client's two users; without them nothing can run."""
    missing = [f"{role}:{client}" for role in ("user", "other") if f"{role}:{client}" not in seeded]
    if missing:
        pytest.fail(f"seeding users failed: {[seeded['errors'][k] for k in missing]}")
    return {"user": seeded[f"user:{client}"], "other": seeded[f"other:{client}"]}


@pytest.fixture
def flow_config(synnefo_service, seeded, client_users, tmp_path):
    return {
        "url": synnefo_service.url,
        "auth_url": synnefo_service.url + "/identity/v2.0",
        "db_kind": synnefo_service.db_kind,
        "workdir": str(tmp_path),
        # The shared resources (and why any is missing), not the other clients' users.
        "seed": {k: v for k, v in seeded.items() if ":" not in k},
        **client_users,
    }


@pytest.fixture
def run_flow(synnefo_service, tmp_path):
    """``run_flow(client, config)``: run the client's flow script, fail with its output."""

    def run(client, config, timeout=300, flow=None):
        """``flow``: the script's name before ``_flow.py`` (default: the client's)."""
        try:
            python = venvs.ensure_venv(FLOW_CLIENTS[client])
        except venvs.Unavailable as exc:
            pytest.skip(f"{client}: {exc}")
        config_file = tmp_path / f"{client}-config.json"
        config_file.write_text(json.dumps(config, indent=2))
        env = venvs.clean_env(PYTHONUNBUFFERED="1", HOME=str(tmp_path))
        # The clients' venv is the interpreter's; its scripts (kamaki) beside it.
        env["PATH"] = str(Path(python).parent) + os.pathsep + env.get("PATH", "")
        try:
            proc = subprocess.run(
                [str(python), str(FLOWS / f"{flow or client}_flow.py"), str(config_file)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                timeout=timeout, cwd=tmp_path, env=env,
            )
            output, code = proc.stdout, proc.returncode
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) \
                else (exc.stdout or "")
            output += f"\n[timed out after {timeout}s]"
            code = -1
        if code != 0:
            pytest.fail(
                f"{client} flow on {synnefo_service.db_kind} exited {code}:\n{output}\n"
                f"--- pserve log (tail) ---\n{synnefo_service.log_tail()}",
                pytrace=False,
            )
        return output

    return run
