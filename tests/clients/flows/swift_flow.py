"""python-swiftclient's ``swift`` command, unmodified, against the object
store, authenticated through the identity service with Keystone v2.

Run as ``python swift_flow.py CONFIG.json`` inside swift's venv. Pithos'
ETag is its Merkle top hash, not an MD5, so uploads and downloads run with
``--ignore-checksum`` (swift would compare the ETag with its own MD5), and
with a Content-Type header (Pithos requires one: 411 without). The
catalog's object-store URL is the API root (kamaki appends the account);
swift wants the account's URL, so it gets ``--os-storage-url`` too, and
still authenticates with Keystone v2 for its token.
"""
import os
import subprocess

from _flowlib import Flow, StepFailed, check, eq

flow = Flow("swift")
cfg = flow.config
USER = cfg["user"]
WORK = cfg["workdir"]
AUTH = ["-V", "2", "--os-auth-url", cfg["auth_url"], "--os-username", USER["email"],
        "--os-password", USER["password"], "--os-tenant-name", USER["uuid"],
        "--os-storage-url", "%s/object-store/v1/%s" % (cfg["url"], USER["uuid"])]


def swift(*args):
    command = ["swift"] + AUTH + [str(a) for a in args]
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=WORK)
    if proc.returncode != 0:
        raise StepFailed("%s exited %s\nstdout: %s\nstderr: %s"
                         % (" ".join(command), proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout.decode("utf-8")


def local(name, data):
    with open(os.path.join(WORK, name), "wb") as f:
        f.write(data)
    return name


TYPE = "Content-Type: application/octet-stream"
SMALL = b"hello from swift\n" * 100
BIG = os.urandom(1024 * 1024) * 3 + b"end"


@flow.step("stat (account, through Keystone v2)")
def _():
    out = swift("stat")
    check(USER["uuid"] in out, "account not in stat: %s", out)
    check("Containers: 2" in out, "containers: %s", out)


@flow.step("list containers")
def _():
    eq(swift("list").split(), ["pithos", "trash"], "containers")


@flow.step("upload, list, stat an object")
def _():
    swift("upload", "swiftbox", local("small.txt", SMALL), "--ignore-checksum", "-H", TYPE)
    eq(swift("list", "swiftbox").split(), ["small.txt"], "objects")
    out = swift("stat", "swiftbox", "small.txt")
    check("Content Length: %d" % len(SMALL) in out, "stat: %s", out)
    check("swiftbox" in swift("list", "--lh"), "container not in the long listing")


@flow.step("segmented upload (a manifest and its segments)")
def _():
    swift("upload", "swiftbox", local("big.bin", BIG), "--segment-size", 1024 * 1024, "--ignore-checksum",
          "-H", TYPE)
    check("big.bin" in swift("list", "swiftbox").split(), "manifest not listed")
    segments = swift("list", "swiftbox_segments").split()
    eq(len(segments), 4, "segments")


@flow.step("download (plain and segmented)")
def _():
    os.remove(os.path.join(WORK, "small.txt"))
    os.remove(os.path.join(WORK, "big.bin"))
    swift("download", "swiftbox", "small.txt", "big.bin", "--ignore-checksum")
    with open(os.path.join(WORK, "small.txt"), "rb") as f:
        eq(f.read(), SMALL, "small.txt")
    with open(os.path.join(WORK, "big.bin"), "rb") as f:
        eq(f.read(), BIG, "big.bin")


@flow.step("delete objects (the segments with the manifest) and the container")
def _():
    swift("delete", "swiftbox", "small.txt")
    swift("delete", "swiftbox", "big.bin")
    eq(swift("list", "swiftbox_segments").split(), [], "segments left")
    swift("delete", "swiftbox")
    check("swiftbox" not in swift("list").split(), "container still listed")


flow.finish()
