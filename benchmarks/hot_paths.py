"""The hot paths against the bare web stack, measured in one run.

Starts, on free loopback ports, a bare Pyramid app (benchmarks/bare_app.py,
one route answering a small JSON object) under gunicorn, and the service as
production.ini serves it (pserve with ``egg:synnefo_pyr#gunicorn``), both
with ``--workers`` processes and production.ini's other server settings
(worker class, threads, keep-alive), from this virtualenv; seeds the
service (a user, a flavor, images, the public network, ``--servers``
ACTIVE servers); then loads both with wrk, a bare run before every service
run, and prints req/s, p50 and p99 of each call and its ratio to the bare
route of the adjacent runs: the median of ``--rounds`` rounds.

    .venv/bin/python benchmarks/hot_paths.py [--servers 100] [--duration 3] [--warmup 1]
        [--rounds 5] [--workers 2] [--server-setting worker_class=sync ...] [--calls flavors ...]
        [--db-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--scaling 100,1000,10000] [--worker-scaling]

Needs wrk (Debian: ``apt-get install wrk``). With ``--db-url`` a throwaway database is
created on that server (PostgreSQL) and dropped at the end; without it, a
temporary SQLite file. ``--scaling`` times ``servers/detail`` for each
number of servers (one connection, so that the time per request is the
latency) and its SQL statement count (``Server-Timing``); ``--worker-scaling``
measures the flavors call with 1 and 2 workers.
"""
import argparse
import configparser
import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

SERVICE_INI = """\
[app:main]
use = egg:synnefo_pyr#main
sqlalchemy.url = {db_url}
synnefo_pyr.base_url = http://127.0.0.1:{port}
synnefo_pyr.storage.block_dir = {block_dir}
synnefo_pyr.backend.worker = external
synnefo_pyr.backend.driver.build_seconds = 0
synnefo_pyr.backend.driver.action_seconds = 0
synnefo_pyr.quotas.default_limit.cyclades.vm = 1000000
synnefo_pyr.quotas.default_limit.cyclades.cpu = 1000000
synnefo_pyr.quotas.default_limit.cyclades.total_cpu = 1000000
synnefo_pyr.quotas.default_limit.cyclades.ram = 1000000000000000
synnefo_pyr.quotas.default_limit.cyclades.total_ram = 1000000000000000
synnefo_pyr.quotas.default_limit.cyclades.disk = 1000000000000000

[server:main]
use = egg:synnefo_pyr#gunicorn
bind = 127.0.0.1:{port}
workers = {workers}
loglevel = warning
{server}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""

TOKENS_LUA = """\
wrk.method = "POST"
wrk.body = '{{"auth": {{"token": {{"id": "{token}"}}}}}}'
wrk.headers["Content-Type"] = "application/json"
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need(program, hint):
    path = shutil.which(program) or (BIN / program if (BIN / program).exists() else None)
    if path is None:
        sys.exit(f"{program} is needed: {hint}")
    return str(path)


#: ``--server-setting`` values, over production.ini's.
SERVER_OVERRIDES = {}


def production_server():
    """production.ini's ``[server:main]`` settings but its runner, the
    address and the number of workers (which the benchmark sets), with
    ``--server-setting`` over them."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "production.ini")
    settings = {key: value for key, value in parser["server:main"].items()
                if key not in ("use", "bind", "listen", "workers")}
    return dict(settings, **SERVER_OVERRIDES)


class Gunicorn:
    """The bare app under gunicorn's command line, or the service as
    production.ini serves it: ``pserve`` with ``egg:synnefo_pyr#gunicorn``;
    both with production.ini's server settings."""

    def __init__(self, target, workers, port, paste=False):
        self.url = f"http://127.0.0.1:{port}"
        if paste:
            argv = [need("pserve", "pip install -e ."), str(target)]
        else:
            argv = [need("gunicorn", "pip install gunicorn"), "-w", str(workers),
                    "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning"]
            from gunicorn.config import KNOWN_SETTINGS

            flags = {setting.name: setting.cli[-1] for setting in KNOWN_SETTINGS if setting.cli}
            for key, value in production_server().items():
                argv.append(f"{flags[key]}={value}")
            argv.append(target)
        self.process = subprocess.Popen(argv, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + ("/identity/v2.0" if paste else "/"), timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {target} did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def cpu_seconds(self):
        """CPU time the server's processes (the master and its workers)
        have used so far: what a request costs, whatever share of the
        machine the server got meanwhile (a shared machine's speed drifts;
        time stolen by its other guests is not counted)."""
        pids, unseen = [], [self.process.pid]
        while unseen:  # the process tree, pserve's or gunicorn's
            pid = unseen.pop()
            pids.append(pid)
            with contextlib.suppress(OSError):
                unseen += map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        ticks = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


def wrk(url, duration, warmup, token=None, lua=None, threads=2, connections=8, server=None):
    """``(req/s, p50 ms, p99 ms)`` of ``url`` after a warm-up; with
    ``server``, also the server's CPU microseconds per request."""
    argv = [need("wrk", "apt-get install wrk"), f"-t{threads}", f"-c{connections}", "--latency"]
    if token:
        argv += ["-H", f"X-Auth-Token: {token}"]
    if lua:
        argv += ["-s", str(lua)]
    if warmup:
        subprocess.run(argv + [f"-d{warmup}s", url], capture_output=True, check=True)
    cpu_before = server.cpu_seconds() if server else None
    out = subprocess.run(argv + [f"-d{duration}s", url], capture_output=True, text=True,
                         check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{url} answered errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    result = (rps, _latency(out, "50%"), _latency(out, "99%"))
    if server is None:
        return result
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return result + ((server.cpu_seconds() - cpu_before) * 1e6 / max(requests, 1),)


def _latency(out, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# --- seeding -----------------------------------------------------------------


def seed(db_url, port, servers, block_dir):
    """A user (token), a flavor, two images, the public network and
    ``servers`` ACTIVE servers, created through the API as users would."""
    import webtest

    from synnefo_pyr import main
    from synnefo_pyr.backend.worker import run_pending
    from synnefo_pyr.compute.models import Flavor
    from synnefo_pyr.db import session_scope
    from synnefo_pyr.identity import accounts
    from synnefo_pyr.images import registry as images
    from synnefo_pyr.network import subnets
    from synnefo_pyr.storage import files

    settings = dict(line.split(" = ", 1) for line in SERVICE_INI.format(
        db_url=db_url, port=port, block_dir=block_dir, workers=1, server="",
    ).split("[server:main]")[0].splitlines() if " = " in line and not line.startswith("use"))
    # The Server-Timing header for the in-process scaling run only.
    settings["synnefo_pyr.timing_header"] = "true"
    app = main({}, **settings)
    registry = app.registry
    with session_scope(registry) as db:
        user = accounts.create_user(db, "bench@example.org", "Bench", "Mark")
        token, _ = accounts.issue_token(db, user, 7 * 24 * 3600)
        # A second user, who has no servers (the empty listing).
        idle = accounts.create_user(db, "idle@example.org", "Idle", "User")
        idle_token, _ = accounts.issue_token(db, idle, 7 * 24 * 3600)
        flavor = Flavor(cpu=1, ram=1024, disk=20, disk_template="drbd")
        db.add(flavor)
        subnets.create_network_with_subnets(db, subnets.operator_subnet_specs(cidr="10.0.0.0/16"),
                                            name="Internet", type="IP_LESS_ROUTED", public=True)
        db.flush()
        flavor_id = flavor.id
    # An image is a stored file: store two, then register them.
    for i in range(2):
        with session_scope(registry) as db:
            files.store_file(db, registry.block_store, registry.storage_settings.block_size,
                             account=user.uuid, container="images", name=f"img{i}",
                             read=io.BytesIO(b"disk image").read, content_type="application/octet-stream")
    with session_scope(registry) as db:
        found = [images.register(db, name=f"img{i}", owner=user.uuid, public=True,
                                 location=f"pithos://{user.uuid}/images/img{i}") for i in range(2)]
        image_id = found[0].id
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": f"127.0.0.1:{port}"})
    add_servers(client, registry, token, flavor_id, image_id, servers, run_pending)
    server_id = client.get("/compute/v2.0/servers", headers={"X-Auth-Token": token}).json["servers"][0]["id"] \
        if servers else None
    return app, client, token, idle_token, flavor_id, image_id, server_id


def add_servers(client, registry, token, flavor_id, image_id, count, run_pending):
    body = {"server": {"name": "bench", "imageRef": image_id, "flavorRef": flavor_id,
                       "metadata": {"role": "bench", "tier": "web"}}}
    for n in range(count):
        client.post_json("/compute/v2.0/servers", body, headers={"X-Auth-Token": token}, status=202)
        if n % 200 == 199:
            run_pending(registry)
    run_pending(registry)


# --- databases -----------------------------------------------------------------


def database(db_url, tmp):
    """``(url, drop)`` of a fresh database."""
    if not db_url:
        return f"sqlite:///{tmp}/bench.sqlite", lambda: None
    import sqlalchemy as sa

    admin = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
    name = f"synnefo_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


# --- the runs --------------------------------------------------------------------


def calls(token, idle_token, server_id, lua):
    return [
        ("POST /identity/v2.0/tokens (token auth)", "/identity/v2.0/tokens", {"lua": lua}, 0.50),
        ("GET /compute/v2.0/flavors", "/compute/v2.0/flavors", {"token": token}, 0.50),
        ("GET /compute/v2.0/servers/detail, no servers", "/compute/v2.0/servers/detail",
         {"token": idle_token}, 0.50),
        ("GET /compute/v2.0/servers/<id>", f"/compute/v2.0/servers/{server_id}", {"token": token}, 0.50),
        ("GET /compute/v2.0/servers/detail, {n} servers", "/compute/v2.0/servers/detail",
         {"token": token}, 1 / 30),
        ("GET /image/v1.0/images/detail, 2 images", "/image/v1.0/images/detail", {"token": token}, 0.40),
    ]


def measure(args, service, bare, table):
    """Each call ``--rounds`` times, each time right after a bare run; the
    row of the round with the median ratio (a shared machine's speed
    drifts between runs: the ratio of adjacent runs drifts much less)."""
    samples = {label: [] for label, _, _, _ in table}
    for _ in range(args.rounds):
        for label, path, options, goal in table:
            bare_rps, _, _, bare_cpu = wrk(bare.url + "/", args.duration, args.warmup, server=bare)
            rps, p50, p99, cpu = wrk(service.url + path, args.duration, args.warmup, server=service,
                                     **options)
            samples[label].append((rps / bare_rps, rps, p50, p99, bare_rps, bare_cpu / cpu, cpu, bare_cpu))
    rows = []
    for label, _, _, goal in table:
        ordered = sorted(samples[label])
        ratio, rps, p50, p99, bare_rps = ordered[len(ordered) // 2][:5]
        # The CPU figures: their own medians, as steady as the machine is not.
        by_cpu = sorted(samples[label], key=lambda sample: sample[5])
        cpu_ratio, cpu, bare_cpu = by_cpu[len(by_cpu) // 2][5:]
        rows.append((label, rps, p50, p99, ratio, goal, bare_rps,
                     " / ".join(f"{sample[0]:.1%}" for sample in samples[label]),
                     cpu, bare_cpu, cpu_ratio))
    return rows


def print_rows(rows, title):
    print(f"\n{title}")
    print("| call | req/s | p50 ms | p99 ms | bare req/s | share of bare (median) | goal | every round "
          "| CPU us/request | bare CPU us/request | CPU share of bare |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    for label, rps, p50, p99, ratio, goal, bare_rps, rounds, cpu, bare_cpu, cpu_ratio in rows:
        mark = "met" if ratio >= goal else "NOT met"
        print(f"| {label} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {bare_rps:.0f} | {ratio:.1%} | "
              f">= {goal:.1%} ({mark}) | {rounds} | {cpu:.0f} | {bare_cpu:.0f} | {cpu_ratio:.1%} |")


def add_servers_in_bulk(registry, count):
    """``count`` copies of the first server the API made, with its
    metadata, ports, addresses and diagnostics (new ids, and MACs and
    addresses made of the new server's id, these in the upper half of its
    subnet), written with Core ``executemany``,
    2,000 servers to a transaction: the scaling run's thousands in seconds
    (through the create call, about a quarter of a second each). Rows as
    the API and the backend leave them; not counted in the user's quota,
    which a listing does not read."""
    import ipaddress

    import sqlalchemy as sa
    import zope.sqlalchemy

    from synnefo_pyr.compute.models import Diagnostic, Server, ServerMetadata
    from synnefo_pyr.db import session_scope
    from synnefo_pyr.network.models import NIC, IPAddress, Subnet

    tables = [model.__table__ for model in (Server, ServerMetadata, NIC, IPAddress, Diagnostic)]
    servers, metadata, nics, addresses, diagnostics = tables
    with session_scope(registry) as db:
        conn = db.connection()
        template = conn.execute(sa.select(servers).order_by(servers.c.id).limit(1)).mappings().one()
        own = {table: [dict(row) for row in conn.execute(
            sa.select(table).where(table.c.server_id == template["id"]).order_by(table.c.id)).mappings()]
            for table in (metadata, nics, diagnostics)}
        nic_ids = [nic["id"] for nic in own[nics]]
        own[addresses] = [dict(row) for row in conn.execute(
            sa.select(addresses).where(addresses.c.nic_id.in_(nic_ids)).order_by(addresses.c.id)).mappings()]
        subnets = {subnet_id: ipaddress.ip_network(cidr)
                   for subnet_id, cidr in conn.execute(sa.select(Subnet.id, Subnet.cidr))}
        next_id = {table: (conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1 for table in tables}
    made = 0
    while made < count:
        batch = min(2000, count - made)
        rows = {table: [] for table in tables}
        for k in range(made, made + batch):
            server_id = next_id[servers] + k
            rows[servers].append(dict(template, id=server_id, name=f"bench-{k}"))
            for table in (metadata, diagnostics):
                rows[table].extend(dict(row, id=None, server_id=server_id) for row in own[table])
            nic_map = {}
            for j, nic in enumerate(own[nics]):
                nic_map[nic["id"]] = nic_id = next_id[nics] + k * len(own[nics]) + j
                rows[nics].append(dict(nic, id=nic_id, server_id=server_id,
                                       mac=f"bb:{server_id >> 16 & 255:02x}:{server_id >> 8 & 255:02x}:"
                                           f"{server_id & 255:02x}:00:{j:02x}"))
            for j, address in enumerate(own[addresses]):
                subnet = subnets[address["subnet_id"]]
                offset = subnet.num_addresses // 2 + server_id * len(own[addresses]) + j
                rows[addresses].append(dict(address, id=None, nic_id=nic_map[address["nic_id"]],
                                            address=str(subnet.network_address + offset)))
        with session_scope(registry) as db:
            conn = db.connection()
            for table in tables:
                if rows[table]:
                    # id None: the database numbers the row.
                    conn.execute(sa.insert(table), [{key: value for key, value in row.items()
                                                     if key != "id" or value is not None}
                                                    for row in rows[table]])
            zope.sqlalchemy.mark_changed(db)  # Core writes: commit them
        made += batch
    if registry.dbengine.dialect.name == "postgresql":
        # The ids given above: the sequences start after them.
        with session_scope(registry) as db:
            for table in (servers, nics):
                db.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                   f"(SELECT max(id) FROM {table.name}))"))
            zope.sqlalchemy.mark_changed(db)


def scaling(client, registry, token, counts):
    from synnefo_pyr.server import freeze_the_app

    # As the server runners do before serving.
    freeze_the_app()
    print("\nservers/detail by number of servers (in-process, one request at a time)")
    print("| servers | ms per request | us per server | SQL statements |")
    print("| ---: | ---: | ---: | ---: |")
    have = len(client.get("/compute/v2.0/servers", headers={"X-Auth-Token": token}).json["servers"])
    for count in counts:
        add_servers_in_bulk(registry, count - have)
        have = count
        headers = {"X-Auth-Token": token}
        res = client.get("/compute/v2.0/servers/detail", headers=headers)
        listed = res.json["servers"]
        # What is timed is a listing of them all, each as the API made it.
        assert len(listed) == count and listed[-1]["attachments"] and listed[-1]["metadata"], len(listed)
        repeat = max(3, min(50, 20000 // count))
        started = time.perf_counter()
        for _ in range(repeat):
            res = client.get("/compute/v2.0/servers/detail", headers=headers)
        elapsed = (time.perf_counter() - started) / repeat * 1000
        statements = re.search(r'desc="(\d+) statements"', res.headers.get("Server-Timing", ""))
        print(f"| {count} | {elapsed:.1f} | {elapsed * 1000 / count:.0f} | "
              f"{statements.group(1) if statements else '?'} |")


def run(args):
    with tempfile.TemporaryDirectory() as tmp:
        db_url, drop = database(args.db_url, tmp)
        port, bare_port = free_port(), free_port()
        try:
            block_dir = Path(tmp) / "blocks"
            app, client, token, idle_token, flavor_id, image_id, server_id = seed(
                db_url, port, args.servers, block_dir)
            ini = Path(tmp) / "service.ini"

            def service_ini(workers):
                server = "\n".join(f"{key} = {value}" for key, value in production_server().items())
                ini.write_text(SERVICE_INI.format(db_url=db_url, port=port, block_dir=block_dir,
                                                  workers=workers, server=server))
                return ini

            service_ini(args.workers)
            lua = Path(tmp) / "tokens.lua"
            lua.write_text(TOKENS_LUA.format(token=token))
            table = [(label.format(n=args.servers), path, options, goal)
                     for label, path, options, goal in calls(token, idle_token, server_id, lua)]
            if args.calls:
                table = [row for row in table if any(word in row[0] for word in args.calls)]
            kind = "PostgreSQL" if args.db_url else "SQLite"
            server = ", ".join(f"{key} {value}" for key, value in production_server().items())
            print(f"machine: {os.cpu_count()} cores; database: {kind}; gunicorn workers {args.workers}, {server}; "
                  f"wrk -t2 -c8, {args.warmup} s warm-up, {args.duration} s runs, median of {args.rounds} rounds")
            if args.rounds:  # --rounds 0: the scaling run alone
                bare = Gunicorn("benchmarks.bare_app:app", args.workers, bare_port)
                service = Gunicorn(ini, args.workers, port, paste=True)
                try:
                    print_rows(measure(args, service, bare, table), "Hot paths against the bare route")
                finally:
                    service.stop()
                    bare.stop()
            if args.worker_scaling and args.rounds:
                print("\nGET /compute/v2.0/flavors by workers")
                print("| workers | req/s | bare req/s |")
                print("| ---: | ---: | ---: |")
                for workers in (1, 2):
                    bare = Gunicorn("benchmarks.bare_app:app", workers, bare_port)
                    service = Gunicorn(service_ini(workers), workers, port, paste=True)
                    try:
                        runs = sorted(
                            (wrk(service.url + "/compute/v2.0/flavors", args.duration, args.warmup,
                                 token=token)[0], wrk(bare.url + "/", args.duration, args.warmup)[0])
                            for _ in range(args.rounds))
                        rps, bare_rps = runs[len(runs) // 2]
                        print(f"| {workers} | {rps:.0f} | {bare_rps:.0f} |")
                    finally:
                        service.stop()
                        bare.stop()
            if args.scaling:
                scaling(client, app.registry, token, [int(n) for n in args.scaling.split(",")])
            app.registry.dbengine.dispose()
        finally:
            drop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=100, help="ACTIVE servers in the database")
    parser.add_argument("--duration", type=int, default=3, help="seconds of each measured run")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up before each run")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each call (the median is shown); 0: no load, only --scaling")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each app")
    parser.add_argument("--db-url", help="a PostgreSQL server to create a throwaway database on")
    parser.add_argument("--scaling", help="comma-separated numbers of servers for servers/detail")
    parser.add_argument("--worker-scaling", action="store_true", help="flavors with 1 and 2 workers")
    parser.add_argument("--calls", action="append", default=[], metavar="TEXT",
                        help="only the calls whose label contains TEXT (repeatable)")
    parser.add_argument("--server-setting", action="append", default=[], metavar="KEY=VALUE",
                        help="a gunicorn setting over production.ini's (worker_class=sync, threads=8)")
    args = parser.parse_args(argv)
    SERVER_OVERRIDES.update(item.split("=", 1) for item in args.server_setting)
    run(args)


if __name__ == "__main__":
    main()
