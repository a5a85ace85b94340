"""Who wants to know when an object's current version changes: the image
registry follows the objects its images are files of (the image's size,
checksum and location are the object's). Listeners are plain functions
``listener(dbsession, change)`` called in the transaction of the change."""
from dataclasses import dataclass

_LISTENERS = []


@dataclass(frozen=True)
class ObjectChange:
    uuid: str
    account: str
    container: str
    name: str
    #: ``None`` when the object has no current version any more
    size: int | None
    hash: str | None
    mtime_us: int


def subscribe(listener):
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def publish(dbsession, change):
    for listener in list(_LISTENERS):
        listener(dbsession, change)
