"""What the command-line programs share: loading the application from an
ini file, with a one-line error instead of a traceback when it cannot
start (no database URL, a bad setting, an unreachable database), and a
quiet exit when the reader of stdout goes away (``... | head``)."""
import contextlib
import os
import sys

from pyramid.paster import bootstrap, setup_logging
from sqlalchemy.exc import OperationalError

from synnefo_pyr.settings import SettingsError


def bootstrap_app(config_uri, stderr=sys.stderr):
    """``pyramid.paster.bootstrap``'s environment, or ``None`` after
    printing why the application cannot start."""
    try:
        setup_logging(config_uri)
        return bootstrap(config_uri)
    except SettingsError as exc:
        print(f"Error: {exc}", file=stderr)
    except OperationalError as exc:
        print(f"Error: the database is unreachable: {exc.orig}".splitlines()[0], file=stderr)
    except FileNotFoundError as exc:
        print(f"Error: {exc}", file=stderr)
    return None


@contextlib.contextmanager
def exit_quietly_on_broken_pipe():
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)  # 128 + SIGPIPE, as a program killed by it
