"""What every flow script shares; runs on Python 2.7 (kamaki) and 3.

A flow is a sequence of steps run in order as they are declared::

    flow = Flow("kamaki")

    @flow.step("authenticate")
    def _():
        ...

Each passed step prints ``PASS <name>``; the first failure prints
``FAIL <name>: <why>`` with the traceback and exits 1.
``FLOW_KEEP_GOING=1`` runs the remaining steps anyway (still exiting 1),
to see everything a client trips on at once.
"""
from __future__ import print_function

import json
import os
import sys
import time
import traceback


class StepFailed(AssertionError):
    pass


def check(condition, message, *args):
    if not condition:
        raise StepFailed(message % args if args else message)


def eq(actual, expected, what):
    if actual != expected:
        raise StepFailed("%s: expected %r, got %r" % (what, expected, actual))


def wait_for(probe, timeout, what, interval=0.25):
    """Call ``probe()`` until it returns something true; that value."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise StepFailed("%s: not reached within %ss (last: %r)" % (what, timeout, last))


class Flow(object):
    def __init__(self, client):
        self.client = client
        with open(sys.argv[1]) as config_file:
            self.config = json.load(config_file)
        self.keep_going = os.environ.get("FLOW_KEEP_GOING") == "1"
        self.failed = []
        self.passed = 0
        #: What steps hand to later steps (server id, ...).
        self.state = {}

    def seed(self, key):
        """A resource the operator created for the flows, or the reason it is missing."""
        seed = self.config["seed"]
        if key not in seed:
            raise StepFailed("seeding %r failed: %s" % (key, seed.get("errors", {}).get(key)))
        return seed[key]

    def step(self, name):
        def run(function):
            started = time.time()
            try:
                function()
            except Exception as exc:
                self.failed.append(name)
                print("FAIL %s: %s: %s" % (name, type(exc).__name__, _describe(exc)))
                traceback.print_exc(file=sys.stdout)
                sys.stdout.flush()
                if not self.keep_going:
                    print("%s: %d steps passed, stopped at %r" % (self.client, self.passed, name))
                    sys.exit(1)
            else:
                self.passed += 1
                print("PASS %s (%.1fs)" % (name, time.time() - started))
            sys.stdout.flush()
            return function
        return run

    def finish(self):
        if self.failed:
            print("%s: %d steps passed, %d failed: %s"
                  % (self.client, self.passed, len(self.failed), ", ".join(self.failed)))
            sys.exit(1)
        print("%s: ALL STEPS PASSED (%d)" % (self.client, self.passed))


def _describe(exc):
    """The message, plus the HTTP details clients keep on their exceptions."""
    parts = [str(exc)]
    for attr in ("status", "http_status", "status_code", "details", "response"):
        value = getattr(exc, attr, None)
        if value not in (None, "", []):
            if attr == "response":
                value = getattr(value, "text", value)
            parts.append("%s=%s" % (attr, value))
    return " | ".join(p for p in parts if p)
