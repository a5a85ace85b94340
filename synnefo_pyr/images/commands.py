"""Images: register an image for a user, list the registry."""
import mimetypes
import os

from sqlalchemy import select

from synnefo_pyr.identity import accounts
from synnefo_pyr.images import registry as image_registry
from synnefo_pyr.images.models import Image
from synnefo_pyr.serialization import isoformat
from synnefo_pyr import errors
from synnefo_pyr.storage import files


def image_dict(image):
    return {
        "id": image.id,
        "name": image.name,
        "owner": image.owner,
        "location": image.location,
        "size": image.size,
        "checksum": image.checksum,
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "status": image.status,
        "is_public": image.is_public,
        "properties": image.properties,
        "members": image.members,
        "created": isoformat(image.created_at),
        "updated": isoformat(image.updated_at),
        "deleted": isoformat(image.deleted_at),
    }


def _properties(pairs):
    properties = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise errors.Invalid(f"--property wants KEY=VALUE, not {pair!r}")
        properties[key] = value
    return properties


def image_register(args, ctx):
    user = accounts.find_user(ctx.dbsession, args.owner)
    if user is None:
        raise errors.Invalid(f"No user {args.owner!r}")
    if args.file is None and not args.location:
        raise errors.Invalid("Give --location of a stored file, or --file to store one")
    # Without a location the file goes to the owner's ``images`` container.
    location = args.location or f"pithos://{user.uuid}/images/{os.path.basename(args.file)}"
    parsed = image_registry.parse_location(location)
    # The location is an image's key: one live image per file.
    existing = image_registry.find_live_by_location(ctx.dbsession, location)
    if existing is not None:
        raise errors.Invalid(f"{location} is already registered as image {existing.id}")
    if args.file is not None:
        if parsed.account != user.uuid:
            raise errors.Invalid("--file stores the file in the owner's own account: "
                                 f"pithos://{user.uuid}/...")
        _store(ctx, parsed, args.file)
    image = image_registry.register(
        ctx.dbsession,
        name=args.name,
        owner=user.uuid,
        location=location,
        public=args.public,
        properties=_properties(args.property),
        size=args.size,
        checksum=args.checksum,
        disk_format=args.disk_format,
        container_format=args.container_format,
    )
    return image_dict(image)


def _store(ctx, parsed, path):
    """Store the local file at the location, streaming it block by block."""
    settings = ctx.registry.storage_settings
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise errors.Invalid(f"Cannot read {path}: {exc.strerror}") from None
    with handle:
        files.store_file(
            ctx.dbsession, ctx.registry.block_store, settings.block_size, account=parsed.account,
            container=parsed.container, name=parsed.path, read=handle.read,
            content_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
            max_size=settings.max_upload)


def image_list(args, ctx):
    query = select(Image).order_by(Image.created_at, Image.id)
    if not args.deleted:
        query = query.where(Image.deleted_at.is_(None))
    if args.owner:
        query = query.where(Image.owner == args.owner)
    return [image_dict(image) for image in ctx.dbsession.scalars(query)]


def register(add):
    p = add("image-register", image_register, "Register an image file for a user.")
    p.add_argument("--name", required=True, help="The image's name.")
    p.add_argument("--owner", required=True, metavar="UUID", help="The owner's uuid (or email).")
    p.add_argument("--public", action="store_true", help="Make it readable by every user.")
    p.add_argument("--location", metavar="URL",
                   help="The file's URL, pithos://<account>/<container>/<path>: a stored file the "
                        "owner may read (with --file, default: pithos://<owner>/images/<file name>).")
    p.add_argument("--file", metavar="PATH",
                   help="Store this local file at --location in the owner's account first "
                        "(creating the container), then register it.")
    p.add_argument("--property", action="append", metavar="KEY=VALUE",
                   help="A free-form property; repeat for more.")
    p.add_argument("--size", type=int, default=None, metavar="BYTES",
                   help="The file's size in bytes (default: taken from the file; must match it).")
    p.add_argument("--checksum", default=None, metavar="HASH",
                   help="The file's X-Object-Hash (default: taken from the file; must match it).")
    p.add_argument("--disk-format", default="diskdump", choices=image_registry.DISK_FORMATS,
                   help="The disk format (default diskdump).")
    p.add_argument("--container-format", default="bare", choices=image_registry.CONTAINER_FORMATS,
                   help="The container format (default bare).")

    p = add("image-list", image_list, "List the registered images.")
    p.add_argument("--owner", metavar="UUID", help="Only this user's images.")
    p.add_argument("--deleted", action="store_true", help="Include unregistered images.")
