"""Virtualenvs of the real clients, built once and cached.

Each client gets a virtualenv of its own under
``~/.cache/synnefo_pyr/clients/<name>-<hash>`` (``SYNNEFO_CLIENTS_CACHE``
moves the root), the hash covering the requirements, the build recipe and
the interpreter, so a changed pin builds a fresh one beside the old. A
marker file written last tells a finished build from an interrupted one;
a file lock keeps two pytest processes from building the same venv at once.
Only PyPI is needed (through pip as configured on the machine).

``python -m tests.clients.venvs`` builds all of them (or the ones named).
"""
import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Bump when the recipe below changes in a way the requirements do not show.
RECIPE_VERSION = 1
MARKER = ".synnefo_pyr_complete"


@dataclass(frozen=True)
class ClientSpec:
    name: str
    #: "py27" or "py3"
    python: str
    requirements: tuple


KAMAKI = ClientSpec("kamaki", "py27", (
    "objpool==0.4", "progress==1.5", "simplejson==3.17.6",
    # Installed from its sdist with the distribute bootstrap removed.
    "astakosclient==0.15", "kamaki==0.12.10",
))
NOVACLIENT = ClientSpec("novaclient", "py3", (
    "keystoneauth1==5.18.1", "python-novaclient==18.13.1",
))
OPENSTACKSDK = ClientSpec("openstacksdk", "py3", (
    "openstacksdk==4.22.0", "keystoneauth1>=5,<6",
))
#: swift with Keystone v2 (``-V 2``): keystoneclient 3.22 is among the last
#: releases with ``keystoneclient.v2_0``, which swiftclient uses for it.
SWIFT = ClientSpec("swift", "py3", (
    "python-swiftclient==4.6.0", "python-keystoneclient==3.22.0",
))
CLIENTS = {spec.name: spec for spec in (KAMAKI, NOVACLIENT, OPENSTACKSDK, SWIFT)}

# The virtualenv release that still runs on and creates Python 2.7 envs,
# and the pip release that saves an sdist even when its egg_info fails.
PY27_TOOLS = ("virtualenv==20.15.1", "pip==19.2.3")


class Unavailable(Exception):
    """An interpreter the client needs is not on this machine."""


class BuildError(Exception):
    pass


def cache_root():
    root = os.environ.get("SYNNEFO_CLIENTS_CACHE")
    if root:
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "synnefo_pyr" / "clients"


def clean_env(**extra):
    """The environment for client processes: nothing from our own venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "__PYVENV_LAUNCHER__")}
    env.update(extra)
    return env


def _run(cmd, env=None, cwd=None, check=True):
    proc = subprocess.run(
        [str(c) for c in cmd], env=env or clean_env(), cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    if check and proc.returncode != 0:
        raise BuildError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout[-6000:]}")
    return proc


def _python_version(exe):
    try:
        proc = subprocess.run(
            [exe, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def find_python27():
    """``(path, version)`` of a Python 2.7 interpreter with pip; raises Unavailable."""
    candidates = []
    if os.environ.get("SYNNEFO_PYTHON27"):
        candidates.append(os.environ["SYNNEFO_PYTHON27"])
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", "2.7*", "bin", "python2.7")),
                         reverse=True)
    for name in ("python2.7", "python2"):
        found = shutil.which(name)
        if found:
            candidates.append(found)
    tried = []
    for exe in candidates:
        version = _python_version(exe)
        if version is None or not version.startswith("2.7"):
            tried.append(exe)
            continue
        if _run([exe, "-m", "pip", "--version"], check=False).returncode != 0:
            tried.append(f"{exe} (no pip)")
            continue
        return exe, version
    raise Unavailable("no Python 2.7 with pip found (tried: %s; set SYNNEFO_PYTHON27 or "
                      "install it with pyenv)" % (", ".join(tried) or "nothing"))


def base_python(spec):
    if spec.python == "py27":
        return find_python27()
    return sys.executable, "%d.%d.%d" % sys.version_info[:3]


def venv_dir(spec, python_version):
    digest = hashlib.sha256(json.dumps(
        [RECIPE_VERSION, spec.python, python_version, list(spec.requirements),
         list(PY27_TOOLS) if spec.python == "py27" else []]
    ).encode()).hexdigest()[:12]
    return cache_root() / f"{spec.name}-{digest}"


def venv_python(path):
    return path / "bin" / "python"


def ensure_venv(name):
    """Path to the Python of the client's venv, building it when missing."""
    spec = CLIENTS[name]
    exe, version = base_python(spec)
    path = venv_dir(spec, version)
    if (path / MARKER).exists():
        return venv_python(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (path / MARKER).exists():
            if path.exists():
                shutil.rmtree(path)  # an interrupted build
            try:
                (_build_py27 if spec.python == "py27" else _build_py3)(spec, exe, path)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            (path / MARKER).write_text(json.dumps({"requirements": spec.requirements,
                                                   "python": version}))
    return venv_python(path)


def _build_py3(spec, exe, path):
    _run([exe, "-m", "venv", path])
    _run([venv_python(path), "-m", "pip", "install", "-q", *spec.requirements])


def _py27_tools(exe):
    """A folder holding virtualenv and an old pip for ``exe``, outside its site-packages."""
    version = _python_version(exe)
    digest = hashlib.sha256(json.dumps([version, PY27_TOOLS]).encode()).hexdigest()[:12]
    tools = cache_root() / f"py27-tools-{digest}"
    if not (tools / MARKER).exists():
        shutil.rmtree(tools, ignore_errors=True)
        _run([exe, "-m", "pip", "install", "-q", "--target", tools, *PY27_TOOLS])
        (tools / MARKER).write_text(version)
    return tools


def _build_py27(spec, exe, path):
    tools = _py27_tools(exe)
    tools_env = clean_env(PYTHONPATH=str(tools))
    _run([exe, "-m", "virtualenv", "-q", path], env=tools_env)
    with tempfile.TemporaryDirectory() as tmp:
        # astakosclient 0.15's setup.py fetches `distribute` from the network:
        # take its sdist, drop those two lines, install the folder.
        _run([exe, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, "astakosclient==0.15"],
             env=tools_env, check=False)
        sdists = glob.glob(os.path.join(tmp, "astakosclient-0.15.tar.gz"))
        if not sdists:
            raise BuildError("could not download the astakosclient 0.15 sdist")
        with tarfile.open(sdists[0]) as tar:
            # The "data" filter where this Python has it (3.11.4+).
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:
                tar.extractall(tmp)
        source = Path(tmp) / "astakosclient-0.15"
        setup_py = source / "setup.py"
        lines = setup_py.read_text().splitlines(True)
        setup_py.write_text("".join(l for l in lines if "distribute_setup" not in l))
        requirements = [str(source) if r == "astakosclient==0.15" else r for r in spec.requirements]
        _run([venv_python(path), "-m", "pip", "install", "-q", *requirements])


if __name__ == "__main__":
    for client in sys.argv[1:] or list(CLIENTS):
        try:
            print(client, ensure_venv(client))
        except Unavailable as exc:
            print(client, "unavailable:", exc)
