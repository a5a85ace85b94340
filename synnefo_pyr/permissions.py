"""Permission names, ``<api>:<what>``, granted only by ``__acl__``s.

Permissions whose name starts with ``service:`` are for service components
(called with a component token); all others are for users. The forbidden
view uses that split to answer 401 to a caller holding the wrong kind of
credential.
"""
from enum import StrEnum


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


def is_service_permission(permission):
    return str(permission).startswith("service:")
