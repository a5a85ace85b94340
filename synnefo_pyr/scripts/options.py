"""Option helpers for the packages' ``commands.py`` modules."""


def add_switch(parser, dest, on_help, off_help, off, on=None):
    """``--<dest>`` (or ``on``) / ``off``: ``True``, ``False``, or ``None``
    when neither is given."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(on or f"--{dest}", dest=dest, action="store_const", const=True, default=None,
                       help=on_help)
    group.add_argument(off, dest=dest, action="store_const", const=False, help=off_help)
