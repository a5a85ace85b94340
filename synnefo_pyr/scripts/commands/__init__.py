"""The management commands, one module per subsystem.

Each module's ``register(add)`` declares its commands; ``COMMAND_MODULES``
at the bottom lists the modules in help order.
"""


class CommandError(Exception):
    """A refusal: its message goes to stderr and the exit status is 1."""


from . import identity  # noqa: E402
from . import images  # noqa: E402
from . import quotas  # noqa: E402
from . import compute  # noqa: E402
from . import networks  # noqa: E402

COMMAND_MODULES = [identity, images, compute, quotas, networks]
