"""Storage: show an account, show a file, collect unreferenced blocks."""


def register(add):
    pass
