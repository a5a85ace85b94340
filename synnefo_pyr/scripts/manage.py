"""``snf-pyr-manage CONFIG_URI COMMAND [options]``: the operators' tool,
modelled on Synnefo's ``snf-manage``.

Each command prints one JSON object (a JSON list for ``*-list``) on stdout,
or a message on stderr and a non-zero exit status. Commands live in
``scripts/commands/<subsystem>.py``; each module's ``register(add)`` declares
its commands with ``add(name, function, help)``, which returns the argparse
parser to add options to. A command function takes ``(args, ctx)`` and
returns what to print; it runs in one transaction, committed only if it
returns.
"""
import argparse
import json
import sys
from dataclasses import dataclass

from pyramid.paster import bootstrap, setup_logging

from ..db import session_scope
from .commands import COMMAND_MODULES, CommandError


@dataclass
class Context:
    dbsession: object
    registry: object

    @property
    def settings(self):
        return self.registry.synnefo


def build_parser():
    parser = argparse.ArgumentParser(prog="snf-pyr-manage", description=__doc__.split("\n")[0])
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name, function, help_text):
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(function=function)
        return sub

    for module in COMMAND_MODULES:
        module.register(add)
    return parser


def run(argv, stdout=sys.stdout, stderr=sys.stderr):
    args = build_parser().parse_args(argv)
    setup_logging(args.config_uri)
    env = bootstrap(args.config_uri)
    try:
        with session_scope(env["registry"]) as dbsession:
            result = args.function(args, Context(dbsession, env["registry"]))
    except CommandError as exc:
        print(f"Error: {exc}", file=stderr)
        return 1
    finally:
        env["closer"]()
    json.dump(result, stdout, indent=2, default=str)
    stdout.write("\n")
    return 0


def main(argv=None):
    sys.exit(run(sys.argv[1:] if argv is None else argv))
