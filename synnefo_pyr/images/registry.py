"""The image registry's rules, independent of HTTP: who sees an image,
registering, updating, sharing and unregistering.

Both the image service (views/image/) and the compute API
(views/compute/images.py, and server creation) go through this module.
Invalid input raises ``errors.Invalid``.

Concurrency: every change of an image row-locks it first (``lock_image``)
and reloads its properties and members, so concurrent writers of one
property or member take turns instead of inserting it twice. One live
image per location is the partial unique index ``uq_images_live_location``;
a registration that loses the race to a concurrent one of the same file
finds the winner's image and treats it as already registered.
"""
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, cast, exists, func, literal, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError

from synnefo_pyr import errors
from synnefo_pyr.db import lock_row

from synnefo_pyr.images.models import Image, ImageMember, ImageProperty
from synnefo_pyr.orm import UTCDateTime, utcnow
from synnefo_pyr.prepared_reads import PreparedRead, statements_are_round_trips
from synnefo_pyr.storage import files

#: The guide's "Disk format" table, the values marked for Image.
DISK_FORMATS = ("diskdump", "extdump", "ntfsdump")
#: The guide's "Container format" table.
CONTAINER_FORMATS = ("aki", "ari", "ami", "bare", "ovf")
#: Glance v1's life cycle, upper-cased like the compute API's statuses.
#: ``available`` (the guide's examples) is accepted as a synonym of ACTIVE.
STATUSES = ("ACTIVE", "QUEUED", "SAVING", "ERROR", "DELETED")
STATUS_SYNONYMS = {"AVAILABLE": "ACTIVE"}

#: ``sort_key`` values of the list calls (the guide's list).
SORT_KEYS = ("id", "name", "status", "size", "disk_format", "container_format",
             "created_at", "updated_at")
SORT_DIRS = ("asc", "desc")

# pithos://<account>/<container>/<object path>: three non-empty parts, the
# object path may contain further slashes.
_LOCATION = re.compile(r"^pithos://([^/]+)/([^/]+)/(.+)$")

# The columns' limits (models/images.py): longer values are refused with a
# 400 rather than failing in the database.
MAX_LOCATION = 1024
MAX_SIZE = 2**63 - 1  # BIGINT
MAX_UUID = 36
#: Properties of one image: at most this many, values at most this many
#: characters. Names (1-255 characters, quoted in the
#: ``X-Image-Meta-Property-<name>`` headers) and values carry no control
#: characters: a CR or LF would end the header they travel in.
MAX_PROPERTIES = 128
MAX_PROPERTY_VALUE = 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Location:
    account: str
    container: str
    path: str


def parse_location(url):
    """Split a ``pithos://account/container/path`` URL (K7). Segments that
    are empty, ``.`` or ``..`` are refused: ``pithos://<me>/c/../../<other>/x``
    would name another account's file while looking like one of mine."""
    match = _LOCATION.match(url or "")
    if match is None or len(url) > MAX_LOCATION:
        raise errors.Invalid(f"Invalid location '{url}'")
    segments = url[len("pithos://"):].split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise errors.Invalid(f"Invalid location '{url}'", "no empty, '.' or '..' segments")
    return Location(*match.groups())


def normalize_status(value):
    status = (value or "").strip().upper()
    status = STATUS_SYNONYMS.get(status, status)
    if status not in STATUSES:
        raise errors.Invalid(f"Invalid status '{value}'")
    return status


def _check_choice(value, choices, what):
    if value not in choices:
        raise errors.Invalid(f"Invalid {what} '{value}'")
    return value


def _check_name(name):
    if name is None or not str(name).strip():
        raise errors.Invalid("Image name is required")
    if len(name) > 255:
        raise errors.Invalid("Image name is too long")
    return name


def _check_size(size):
    try:
        size = int(size)
    except (TypeError, ValueError):
        raise errors.Invalid(f"Invalid size '{size}'") from None
    if not 0 <= size <= MAX_SIZE:
        raise errors.Invalid(f"Invalid size '{size}'")
    return size


def _check_properties(properties):
    properties = dict(properties or {})
    for key, value in properties.items():
        if not isinstance(key, str) or not key or len(key) > 255 or _CONTROL.search(key):
            raise errors.Invalid(f"Invalid property name '{key}'",
                                 "1-255 characters, without control characters")
        if not isinstance(value, str) or len(value) > MAX_PROPERTY_VALUE or _CONTROL.search(value):
            raise errors.Invalid(f"Invalid value of property '{key}'",
                                 f"A string of at most {MAX_PROPERTY_VALUE} characters, "
                                 "without control characters")
    _check_property_count(properties)
    return properties


def _check_property_count(properties):
    if len(properties) > MAX_PROPERTIES:
        raise errors.LimitExceeded("Maximum number of metadata exceeded",
                                   f"At most {MAX_PROPERTIES} properties per image")


def can_read(image, user_uuid):
    return image.owner == user_uuid or image.is_public or user_uuid in image.members


def find_visible(dbsession, user_uuid, image_id):
    """The live image ``image_id`` if ``user_uuid`` owns it, is a member of
    it, or it is public; else ``None``."""
    if not image_id or not isinstance(image_id, str):
        return None
    image = dbsession.get(Image, image_id)
    if image is None or image.deleted or not can_read(image, user_uuid):
        return None
    return image


def get_image(dbsession, image_id):
    """Any image, whoever owns it, deleted or not (traversal loads it this
    way and lets the ACL decide)."""
    return dbsession.get(Image, image_id)


@dataclass(frozen=True)
class ListFilters:
    """The image service's list filters (guide: List Available Images)."""

    name: str | None = None
    container_format: str | None = None
    disk_format: str | None = None
    status: str | None = None
    size_min: int | None = None
    size_max: int | None = None


@dataclass(frozen=True)
class ImageView:
    """An image as the listings show it (the attributes of ``Image`` they read)."""

    id: str
    name: str
    owner: str
    location: str
    size: int
    checksum: str
    disk_format: str
    container_format: str
    status: str
    is_public: bool
    created_at: object
    updated_at: object
    deleted_at: object
    properties: dict

    @property
    def deleted(self):
        return self.deleted_at is not None


_IMAGES = Image.__table__
_PROPERTIES = ImageProperty.__table__
_MEMBERS = ImageMember.__table__
#: ``ListFilters`` field -> the condition it adds, on a bound parameter of its name.
_FILTERS = {
    "name": lambda: _IMAGES.c.name == bindparam("name"),
    "container_format": lambda: _IMAGES.c.container_format == bindparam("container_format"),
    "disk_format": lambda: _IMAGES.c.disk_format == bindparam("disk_format"),
    "status": lambda: _IMAGES.c.status == bindparam("status"),
    "size_min": lambda: _IMAGES.c.size >= bindparam("size_min"),
    "size_max": lambda: _IMAGES.c.size <= bindparam("size_max"),
}


_VIEW_FIELDS = ("id", "name", "owner", "location", "size", "checksum", "disk_format",
                "container_format", "status", "is_public", "created_at", "updated_at", "deleted_at")


class _Listing(NamedTuple):
    images: object
    #: The properties of the same images: a join on the same conditions,
    #: not an IN list of their ids (no statement to expand per request).
    properties: object
    #: Both in one statement (PostgreSQL: one round trip): the images in
    #: the listing's order (their ``position``), then the properties.
    both: object


@functools.lru_cache(maxsize=256)
def _listing(sort_key, sort_dir, include_deleted, since, filters):
    """The listing statements of one shape (which filters, which order),
    built once: every value is a bound parameter (``user``, ``since`` and
    the filters'), so a request only binds them."""
    user = bindparam("user")
    is_member = exists().where(and_(_MEMBERS.c.image_id == _IMAGES.c.id, _MEMBERS.c.member_uuid == user))
    conditions = [or_(_IMAGES.c.owner == user, _IMAGES.c.is_public.is_(True), is_member)]
    if not include_deleted:
        conditions.append(_IMAGES.c.deleted_at.is_(None))
    if since:
        conditions.append(_IMAGES.c.updated_at >= bindparam("since", type_=UTCDateTime()))
    for name in filters:
        conditions.append(_FILTERS[name]())
    query = select(*(_IMAGES.c[name] for name in _VIEW_FIELDS)).where(*conditions)
    column = _IMAGES.c[sort_key]
    order = column.asc() if sort_dir == "asc" else column.desc()
    tie = _IMAGES.c.id.asc() if sort_dir == "asc" else _IMAGES.c.id.desc()
    properties = (
        select(_PROPERTIES.c.image_id, _PROPERTIES.c.key, _PROPERTIES.c.value)
        .join(_IMAGES, _IMAGES.c.id == _PROPERTIES.c.image_id)
        .where(*conditions).order_by(_PROPERTIES.c.key)
    )
    ordered = (order, tie) if sort_key != "id" else (order,)
    key, value = _PROPERTIES.c.key, _PROPERTIES.c.value
    image_rows = select(literal(0).label("kind"), *(_IMAGES.c[name] for name in _VIEW_FIELDS),
                        cast(null(), key.type).label("key"), cast(null(), value.type).label("value"),
                        func.row_number().over(order_by=ordered).label("position")).where(*conditions)
    property_rows = (
        select(literal(1), _PROPERTIES.c.image_id,
               *(cast(null(), _IMAGES.c[name].type) for name in _VIEW_FIELDS[1:]),
               key, value, cast(null(), Integer))
        .join(_IMAGES, _IMAGES.c.id == _PROPERTIES.c.image_id).where(*conditions)
    )
    both = union_all(image_rows, property_rows)
    c = both.selected_columns
    return _Listing(PreparedRead(query.order_by(*ordered)), PreparedRead(properties),
                    PreparedRead(both.order_by(c.kind, c.position, c.key)))


def list_visible(dbsession, user_uuid, *, filters=None, sort_key="created_at",
                 sort_dir="desc", since=None, include_deleted=False):
    """The images ``user_uuid`` may read, filtered and sorted (ties broken
    by id so that pages and repeated calls agree), as ``ImageView``s: the
    listings are hot paths, so Core statements built once per shape (on
    SQLite two, the images then their properties; elsewhere both in one)
    and no ORM objects; members are never shown, never read."""
    _check_choice(sort_key, SORT_KEYS, "sort_key")
    _check_choice(sort_dir, SORT_DIRS, "sort_dir")
    f = filters or ListFilters()
    values = {name: getattr(f, name) for name in _FILTERS if getattr(f, name) is not None}
    if "status" in values:
        wanted = values["status"].upper()
        values["status"] = STATUS_SYNONYMS.get(wanted, wanted)
    listing = _listing(sort_key, sort_dir, include_deleted, since is not None, tuple(sorted(values)))
    connection = dbsession.connection()
    params = dict(values, user=user_uuid, since=since)
    if statements_are_round_trips(connection):
        return _images_together(connection, listing, params)
    return _images_separately(connection, listing, params)


def _images_separately(connection, listing, params):
    found = [ImageView(*row, properties={}) for row in listing.images.rows(connection, params)]
    if found:
        by_id = {image.id: image for image in found}
        for image_id, key, value in listing.properties.rows(connection, params):
            # An image the first statement did not see (registered
            # meanwhile, where each statement has its own snapshot) is left out.
            image = by_id.get(image_id)
            if image is not None:
                image.properties[key] = value
    return found


def _images_together(connection, listing, params):
    found, by_id = [], {}
    for kind, *fields, key, value, _position in listing.both.rows(connection, params):
        if kind == 0:
            image = by_id[fields[0]] = ImageView(*fields, properties={})
            found.append(image)
        else:
            by_id[fields[0]].properties[key] = value
    return found


def find_live_by_location(dbsession, location):
    return dbsession.scalar(
        select(Image)
        .where(Image.location == location, Image.deleted_at.is_(None))
        .order_by(Image.created_at)
        .limit(1)
    )


def stored_file(dbsession, location, reader, size=None, checksum=None):
    """The object ``location`` names (behaviours-object MI1): it must exist
    and ``reader`` must be allowed to read it; a size or checksum given
    must be the object's (its size and X-Object-Hash)."""
    parsed = parse_location(location)
    found = files.readable_file(dbsession, parsed.account, parsed.container, parsed.path, reader)
    if found is None:
        raise errors.Invalid("File not found on given location", location)
    if (size not in (None, "") and _check_size(size) != found.size) or \
            (checksum not in (None, "") and checksum.lower() != found.hash):
        raise errors.Invalid("Invalid size or checksum",
                             f"the file has {found.size} bytes and checksum {found.hash}")
    return found


def lock_image(image):
    """Row-lock ``image`` (once per transaction) and reload its
    properties and members: the first step of every change."""
    return lock_row(image, "property_items", "member_items")


def register(dbsession, *, name, owner, location, public=False, properties=None,
             size=None, checksum=None, disk_format="diskdump", container_format="bare",
             status="ACTIVE"):
    """Register a new image of the file at ``location`` (kept as given),
    which ``owner`` must be able to read: its id is the object's uuid,
    its size and checksum the object's. Everything is checked before
    anything is added to the session. A live image of the location
    (registered concurrently) is a conflict."""
    found = stored_file(dbsession, location, owner, size, checksum)
    properties = _check_properties(properties)
    if dbsession.get(Image, found.uuid) is not None:
        # The object was registered before (and unregistered, or moved):
        # its image keeps its id and follows it.
        image = dbsession.get(Image, found.uuid)
        if image.owner != owner and not image.deleted:
            raise errors.Invalid("Location already registered", f"image {image.id} of another owner")
        image.location, image.owner, image.deleted_at = location, owner, None
        reregister(image, name=name, public=public, properties=properties, size=found.size,
                   checksum=found.hash, disk_format=disk_format, container_format=container_format,
                   status=status)
        touch(image)
        dbsession.flush()
        return image
    image = Image(
        id=found.uuid,
        name=_check_name(name),
        owner=owner,
        location=location,
        size=found.size,
        checksum=found.hash,
        disk_format=_check_choice(disk_format, DISK_FORMATS, "disk format"),
        container_format=_check_choice(container_format, CONTAINER_FORMATS, "container format"),
        status=normalize_status(status),
        is_public=bool(public),
    )
    try:
        # A savepoint: losing the race for the location must not undo the
        # rest of the caller's transaction.
        with dbsession.begin_nested():
            dbsession.add(image)
            dbsession.flush()
    except IntegrityError:
        raise errors.Conflict("Location already registered", location) from None
    replace_properties(image, properties)
    # A new image has not been updated yet.
    image.updated_at = image.created_at
    dbsession.flush()
    return image


def register_location(dbsession, *, owner, location, **fields):
    """Register the file at ``location`` for ``owner`` (the image service's
    POST): a location already registered by ``owner`` resets that image's
    metadata and keeps its id (the location is the image's key, the
    guide); one registered by somebody else (its owner changed hands) is
    refused, as a second image of one file would break that key."""
    existing = find_live_by_location(dbsession, location)
    if existing is None:
        try:
            return register(dbsession, owner=owner, location=location, **fields)
        except errors.Conflict:
            # Registered meanwhile by a concurrent request: that image it is.
            existing = find_live_by_location(dbsession, location)
            if existing is None:
                raise
    if existing.owner != owner:
        raise errors.Invalid("Location already registered", f"image {existing.id} of another owner")
    found = stored_file(dbsession, location, owner, fields.pop("size", None), fields.pop("checksum", None))
    image = reregister(existing, size=found.size, checksum=found.hash, **fields)
    dbsession.flush()
    return image


def reregister(image, *, name, public=False, properties=None, size=None, checksum=None,
               disk_format="diskdump", container_format="bare", status="ACTIVE"):
    """Registering a location again resets all of its image's metadata
    (the guide's hint: "use POST to completely reset"); id and owner stay."""
    lock_image(image)
    values = {
        "name": _check_name(name),
        "size": image.size if size is None else _check_size(size),
        "checksum": image.checksum if checksum is None else checksum,
        "disk_format": _check_choice(disk_format, DISK_FORMATS, "disk format"),
        "container_format": _check_choice(container_format, CONTAINER_FORMATS, "container format"),
        "status": normalize_status(status),
        "is_public": bool(public),
    }
    properties = _check_properties(properties)
    for key, value in values.items():
        setattr(image, key, value)
    replace_properties(image, properties)
    return image


def follow_object(dbsession, change):
    """The image of an object follows it (MI1): its location after a
    move, its size and checksum after a data change; once the object has
    no current version the image is no longer found."""
    image = dbsession.get(Image, change.uuid)
    if image is None or image.deleted:
        return
    lock_image(image)
    if change.size is None:
        # A move leaves a tombstone at the old path first; the new path
        # comes with the same uuid in the same transaction.
        if image.location == f"pithos://{change.account}/{change.container}/{change.name}":
            unregister(image)
        return
    location = f"pithos://{change.account}/{change.container}/{change.name}"
    if len(location) > MAX_LOCATION:
        unregister(image)
        return
    image.location = location
    image.size, image.checksum, image.deleted_at = change.size, change.hash, None
    image.status = "ACTIVE" if image.status == "DELETED" else image.status
    touch(image)


def touch(image):
    """Bump ``updated_at`` (changes to properties and members live in other
    tables, so the ORM would not)."""
    image.updated_at = utcnow()


def update(image, *, name=None, disk_format=None, container_format=None, status=None,
           public=None, owner=None, size=None, checksum=None):
    """Change the given fields; ``None`` leaves a field as it is. The owner
    never changes (an image handed to somebody, or to ``nobody``, would
    leave its owner's reach): ``owner`` may only name the owner."""
    lock_image(image)
    if name is not None:
        image.name = _check_name(name)
    if disk_format is not None:
        image.disk_format = _check_choice(disk_format, DISK_FORMATS, "disk format")
    if container_format is not None:
        image.container_format = _check_choice(container_format, CONTAINER_FORMATS, "container format")
    if status is not None:
        image.status = normalize_status(status)
    if public is not None:
        image.is_public = bool(public)
    if owner is not None and owner != image.owner:
        raise errors.Invalid("The owner of an image cannot change")
    if size is not None:
        image.size = _check_size(size)
    if checksum is not None:
        image.checksum = checksum
    touch(image)
    return image


def replace_properties(image, properties):
    properties = _check_properties(properties)
    lock_image(image)
    for key in list(image.property_items):
        if key not in properties:
            del image.property_items[key]
    merge_properties(image, properties)


def merge_properties(image, properties):
    """Set the given properties, keep the others."""
    properties = _check_properties(properties)
    lock_image(image)
    _check_property_count(set(image.property_items) | set(properties))
    for key, value in properties.items():
        item = image.property_items.get(key)
        if item is None:
            image.property_items[key] = ImageProperty(key=key, value=value)
        else:
            item.value = value
    touch(image)


def delete_property(image, key):
    """Remove ``key``; a missing key is not an error (J7)."""
    lock_image(image)
    image.property_items.pop(key, None)
    touch(image)


def unregister(image):
    """Delete the image from the registry; the file itself is kept (J6)."""
    lock_image(image)
    image.deleted_at = utcnow()
    image.status = "DELETED"
    touch(image)


def add_member(image, member_uuid):
    if not member_uuid or len(member_uuid) > MAX_UUID:
        raise errors.Invalid(f"Invalid member '{member_uuid}'")
    lock_image(image)
    if member_uuid not in image.members:
        image.member_items.append(ImageMember(member_uuid=member_uuid))
    touch(image)


def remove_member(image, member_uuid):
    lock_image(image)
    image.member_items[:] = [m for m in image.member_items if m.member_uuid != member_uuid]
    touch(image)


def replace_members(image, member_uuids):
    wanted = list(dict.fromkeys(member_uuids))
    for uuid in wanted:
        if not isinstance(uuid, str) or not uuid or len(uuid) > MAX_UUID:
            raise errors.Invalid(f"Invalid member '{uuid}'")
    lock_image(image)
    image.member_items[:] = [m for m in image.member_items if m.member_uuid in wanted]
    for uuid in wanted:
        if uuid not in image.members:
            image.member_items.append(ImageMember(member_uuid=uuid))
    touch(image)


def shared_with(dbsession, member_uuid, seen_by):
    """Live images shared with ``member_uuid``, by id, as ``seen_by`` may
    see them: all of them when asking for oneself, else only one's own."""
    query = (
        select(Image)
        .join(ImageMember, ImageMember.image_id == Image.id)
        .where(ImageMember.member_uuid == member_uuid, Image.deleted_at.is_(None))
        .order_by(Image.id)
    )
    if member_uuid != seen_by:
        query = query.where(Image.owner == seen_by)
    return list(dbsession.scalars(query))
