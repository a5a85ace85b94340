"""Stream an object up and down through the object store, and the same
bytes through a bare WSGI app that only moves them, in the same run, on
the same machine and server (waitress); report times, ratios and the
servers' resident memory.

    python benchmarks/storage_stream.py [--mib 256] [--db-url URL]
    python benchmarks/storage_stream.py --mib 1024      # the 1 GiB demonstration

Both servers are separate processes started here: ``pserve`` of a
temporary ini (SQLite unless ``--db-url``, blocks in a temporary
directory) and ``waitress`` serving ``bare_app`` below. The client sends
the body from a generator and reads the reply in 1 MiB pieces, so it holds
no copy either. Memory: VmRSS before and after each transfer and VmHWM
(the peak) of each server, read from /proc. A bounded peak is the point:
uploads are hashed block by block as they arrive and downloads are read
block by block from the store (4 MiB blocks), whatever the size.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MiB = 1024 * 1024
BIN = Path(sys.executable).parent

INI = """\
[app:main]
use = egg:synnefo_pyr#main
sqlalchemy.url = {db_url}
synnefo_pyr.backend.worker = external
synnefo_pyr.storage.block_dir = {blocks}
synnefo_pyr.quotas.default_limit.pithos.diskspace = 1099511627776

[server:main]
use = egg:waitress#main
listen = 127.0.0.1:{port}
threads = 4
max_request_body_size = 5368709121
"""


def bare_app(environ, start_response):
    """Moves bytes and nothing else: reads a PUT body, or sends N bytes."""
    if environ["REQUEST_METHOD"] == "PUT":
        body, total = environ["wsgi.input"], 0
        while True:
            piece = body.read(MiB)
            if not piece:
                break
            total += len(piece)
        start_response("201 Created", [("Content-Length", "0")])
        return [b""]
    size = int(environ.get("QUERY_STRING") or 0)
    start_response("200 OK", [("Content-Length", str(size))])
    return _chunks(size)


def _chunks(size):
    for offset in range(0, size, MiB):
        yield _piece(offset // MiB, min(MiB, size - offset))


def _piece(index, length):
    # Distinct blocks (the store deduplicates equal ones).
    return (index.to_bytes(8, "big") * (length // 8 + 1))[:length]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) // 1024
    return fields


def _wait(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _upload(port, path, size, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("PUT", path, body=_chunks(size), headers=dict(headers, **{"Content-Length": str(size)}))
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"PUT {path}: {response.status}")
    return elapsed


def _download(port, path, size, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    received = 0
    while True:
        piece = response.read(MiB)
        if not piece:
            break
        received += len(piece)
    elapsed = time.perf_counter() - started
    conn.close()
    if response.status != 200 or received != size:
        raise RuntimeError(f"GET {path}: {response.status}, {received} bytes")
    return elapsed


def run(mib, db_url):
    size = mib * MiB
    work = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    port, bare_port = _free_port(), _free_port()
    ini = work / "bench.ini"
    ini.write_text(INI.format(db_url=db_url or f"sqlite:///{work}/bench.sqlite", blocks=work / "blocks",
                              port=port))
    env = dict(os.environ, TMPDIR=str(work))
    service = subprocess.Popen([str(BIN / "pserve"), str(ini)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    bare = subprocess.Popen([sys.executable, "-c", (
        "import sys; sys.path.insert(0, %r); from benchmarks.storage_stream import bare_app;"
        "import waitress; waitress.serve(bare_app, listen='127.0.0.1:%d', threads=4,"
        " max_request_body_size=5368709121, _quiet=True)") % (str(Path(__file__).parent.parent), bare_port)],
        env=env)
    try:
        _wait(port, service)
        _wait(bare_port, bare)
        user = json.loads(subprocess.run(
            [str(BIN / "snf-pyr-manage"), str(ini), "user-add", "--email", "bench@example.org",
             "--first-name", "Bench", "--last-name", "Mark"],
            check=True, stdout=subprocess.PIPE, text=True, env=env).stdout)
        headers = {"X-Auth-Token": user["token"]}
        path = f"/object-store/v1/{user['uuid']}/pithos/big.bin"
        # Warm up: the account comes into being, imports are done.
        _upload(port, path.replace("big.bin", "warm"), MiB, dict(headers, **{"Content-Type": "a/b"}))
        results = {}
        for name, pid, up, down in (
            ("service", service.pid,
             lambda: _upload(port, path, size, dict(headers, **{"Content-Type": "application/octet-stream"})),
             lambda: _download(port, path, size, headers)),
            ("bare WSGI", bare.pid, lambda: _upload(bare_port, "/", size, {}),
             lambda: _download(bare_port, f"/?{size}", size, {})),
        ):
            before = _memory(pid)
            upload = up()
            after_up = _memory(pid)
            download = down()
            after_down = _memory(pid)
            results[name] = {"upload_s": upload, "download_s": download, "rss_before_mib": before["VmRSS"],
                             "rss_after_mib": after_down["VmRSS"], "peak_mib": after_down["VmHWM"],
                             "rss_after_upload_mib": after_up["VmRSS"]}
        print(f"object of {mib} MiB, waitress, {db_url or 'SQLite'}")
        for name, r in results.items():
            print(f"  {name:10} up {r['upload_s']:7.2f} s ({mib / r['upload_s']:7.1f} MiB/s)  "
                  f"down {r['download_s']:7.2f} s ({mib / r['download_s']:7.1f} MiB/s)  "
                  f"RSS {r['rss_before_mib']} -> {r['rss_after_mib']} MiB, peak {r['peak_mib']} MiB")
        service_r, bare_r = results["service"], results["bare WSGI"]
        print(f"  ratio service/bare: upload {service_r['upload_s'] / bare_r['upload_s']:.2f}x, "
              f"download {service_r['download_s'] / bare_r['download_s']:.2f}x; service peak RSS "
              f"{service_r['peak_mib']} MiB for a {mib} MiB object")
        return results
    finally:
        for process in (service, bare):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=256, help="object size in MiB (default 256)")
    parser.add_argument("--db-url", default=None, help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    run(args.mib, args.db_url)


if __name__ == "__main__":
    main()
