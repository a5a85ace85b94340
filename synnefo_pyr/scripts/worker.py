"""``snf-pyr-worker CONFIG_URI``: run the compute backend's jobs in a
process of its own (``synnefo_pyr.backend.worker = external``).

Start as many as you like against one PostgreSQL database: each job step
is claimed by exactly one of them. ``--once`` runs what is due and exits.
"""
import argparse
import signal
import sys

from synnefo_pyr.backend.worker import Worker, default_worker_id, run_pending
from synnefo_pyr.scripts.startup import bootstrap_app


def build_parser():
    parser = argparse.ArgumentParser(prog="snf-pyr-worker", description=__doc__.split("\n")[0])
    parser.add_argument("config_uri", help="The ini file, e.g. production.ini.")
    parser.add_argument("--once", action="store_true", help="Run every due job step, then exit.")
    parser.add_argument("--id", dest="worker_id",
                        help="The worker's name in the job table (default: host:pid).")
    return parser


def run(argv):
    args = build_parser().parse_args(argv)
    env = bootstrap_app(args.config_uri)
    if env is None:
        return 2
    registry = env["registry"]
    worker_id = args.worker_id or default_worker_id()
    try:
        if args.once:
            ended = run_pending(registry, worker_id)
            print(f"{ended} job(s) finished")
            return 0
        worker = Worker(registry, worker_id=worker_id)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: worker.stop())
        worker.run_forever()
        return 0
    finally:
        env["closer"]()


def main(argv=None):
    sys.exit(run(sys.argv[1:] if argv is None else argv))
