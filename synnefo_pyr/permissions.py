"""Permission names, ``<api>:<what>``, granted only by ``__acl__``s.

Permissions whose name starts with ``service:`` are for service components
(called with a component token); all others are for users. The forbidden
view uses that split to answer 401 to a caller holding the wrong kind of
credential.
"""
from enum import StrEnum

#: The principal every component token carries, beside ``service:<name>``.
ANY_SERVICE = "service:*"
#: The principal of the project administrators (``synnefo_pyr.projects``).
PROJECT_ADMINS = "group:project-admins"


class Permission(StrEnum):
    # Identity
    TOKEN_VALIDATE = "identity:validate"
    # Account user API
    ACCOUNT_USE = "account:use"
    # Service API of the account service (component tokens)
    SERVICE_CATALOGS = "service:user_catalogs"
    SERVICE_QUOTAS = "service:quotas"
    SERVICE_COMMISSIONS = "service:commissions"
    # Quotas, images, compute (users)
    QUOTAS_READ = "quotas:read"
    IMAGE_READ = "image:read"
    IMAGE_WRITE = "image:write"
    COMPUTE_READ = "compute:read"
    COMPUTE_WRITE = "compute:write"
    # The network service (users)
    NETWORK_READ = "network:read"
    NETWORK_WRITE = "network:write"
    # Projects: every user may call the project API; who may see a project,
    # an application or a membership is the item's ACL.
    PROJECTS_USE = "projects:use"
    PROJECT_READ = "projects:read"
    # Object storage: read, write data and metadata, store blocks in a
    # container (write on some path in it); everything else is the owner's.
    STORAGE_READ = "object-store:read"
    STORAGE_WRITE = "object-store:write"
    STORAGE_BLOCKS = "object-store:blocks"
    STORAGE_OWN = "object-store:own"


def is_service_permission(permission):
    return str(permission).startswith("service:")


#: The permission that lets a caller see what a write permission changes:
#: refused a write, a caller who may read the item gets 403, anybody else
#: 404 (``views/errors.py``).
_READ_OF = {
    Permission.IMAGE_WRITE: Permission.IMAGE_READ,
    Permission.COMPUTE_WRITE: Permission.COMPUTE_READ,
    Permission.NETWORK_WRITE: Permission.NETWORK_READ,
}


def read_permission_of(permission):
    return _READ_OF.get(permission, permission)
