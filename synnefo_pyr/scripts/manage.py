"""``snf-pyr-manage CONFIG_URI COMMAND [options]``: the operators' tool,
modelled on Synnefo's ``snf-manage``.

Each command prints one JSON object (a JSON list for ``*-list``) on stdout,
or a message on stderr and a non-zero exit status. Each package declares
its commands (``config.add_manage_commands("<package>.commands")``); a
commands module's ``register(add)`` declares them with ``add(name,
function, help)``, which returns the argparse parser to add options to. A
command function takes ``(args, ctx)`` and returns what to print; it runs
in one transaction, committed only if it returns. Refusals are the domain
errors (``synnefo_pyr.errors``), printed as ``Error: <message>``.
"""
import argparse
import importlib
import json
import sys
from dataclasses import dataclass

from synnefo_pyr import errors
from synnefo_pyr.db import session_scope
from synnefo_pyr.scripts.startup import bootstrap_app, exit_quietly_on_broken_pipe


@dataclass
class Context:
    dbsession: object
    registry: object


def build_parser(registry):
    parser = argparse.ArgumentParser(prog="snf-pyr-manage", description=__doc__.split("\n")[0])
    parser.add_argument("config_uri", help="The ini file, e.g. development.ini.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name, function, help_text):
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(function=function)
        return sub

    for dotted in registry.manage_commands:
        importlib.import_module(dotted).register(add)
    return parser


def _config_uri(argv):
    """The first argument, before the commands are known (they come with
    the application)."""
    first = argparse.ArgumentParser(prog="snf-pyr-manage", add_help=False)
    first.add_argument("config_uri", help="The ini file, e.g. development.ini.")
    known, _ = first.parse_known_args(argv)
    return known.config_uri


def run(argv, stdout=sys.stdout, stderr=sys.stderr):
    env = bootstrap_app(_config_uri(argv), stderr)
    if env is None:
        return 2
    try:
        args = build_parser(env["registry"]).parse_args(argv)
        with session_scope(env["registry"]) as dbsession:
            result = args.function(args, Context(dbsession, env["registry"]))
    except errors.DomainError as exc:
        print(f"Error: {exc.message}" + (f" ({exc.details})" if exc.details else ""), file=stderr)
        return 1
    finally:
        env["closer"]()
    json.dump(result, stdout, indent=2, default=str)
    stdout.write("\n")
    return 0


def main(argv=None):
    with exit_quietly_on_broken_pipe():
        status = run(sys.argv[1:] if argv is None else argv)
    sys.exit(status)
