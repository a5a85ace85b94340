"""Response shapes of the image service: bare JSON lists and objects, and
``X-Image-Meta-*`` headers (behaviours.md K; dates ``YYYY-MM-DD HH:MM:SS``).

A usable image is ``available`` here, as the image guide and its examples
write it; the compute API's view of the same image says ``ACTIVE``.
"""
from datetime import timezone
from urllib.parse import quote

#: The image service's name of each registry status.
STATUS = {"ACTIVE": "available", "QUEUED": "queued", "SAVING": "saving", "ERROR": "error",
          "DELETED": "deleted"}


def timestamp(value):
    """K2's date format; ``""`` for no date (the guide's ``deleted_at``)."""
    if value is None:
        return ""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def summary_dict(img):
    return {
        "id": img.id,
        "name": img.name,
        "status": STATUS.get(img.status, img.status.lower()),
        "disk_format": img.disk_format,
        "container_format": img.container_format,
        "size": img.size,
    }


def detail_dict(img):
    return dict(
        summary_dict(img),
        checksum=img.checksum,
        location=img.location,
        created_at=timestamp(img.created_at),
        updated_at=timestamp(img.updated_at),
        deleted_at=timestamp(img.deleted_at),
        is_public=img.is_public,
        owner=img.owner,
        properties=img.properties,
    )


def _header_value(value):
    # Header values are latin-1 on the WSGI side: send UTF-8 bytes through.
    # Control characters (a CR or LF stored before they were refused)
    # would end the header: each becomes a space.
    text = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in str(value))
    return text.encode("utf-8").decode("latin-1")


def set_meta_headers(response, img):
    """One ``X-Image-Meta-*`` header per detail field, one
    ``X-Image-Meta-Property-<name>`` per property (K5)."""
    detail = detail_dict(img)
    properties = detail.pop("properties")
    for key, value in detail.items():
        name = "-".join(part.capitalize() for part in key.split("_"))
        response.headers["X-Image-Meta-" + name] = _header_value(value)
    for key, value in properties.items():
        # A header name allows no spaces and only ASCII: quote the rest.
        name = quote(key.replace("_", "-"), safe="!#$&'*+-.^`|~")
        response.headers["X-Image-Meta-Property-" + name] = _header_value(value)


def members_dict(img):
    # The guide: "returns an empty list if the image is publicly accessible".
    uuids = [] if img.is_public else img.members
    return {"members": [{"member_id": uuid, "can_share": False} for uuid in uuids]}


def shared_images_dict(images):
    return {"shared_images": [{"image_id": img.id, "can_share": False} for img in images]}
