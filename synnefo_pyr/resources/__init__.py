"""The traversal tree: context factories that load what a URL names.

Each Cornice service names its context factory (``factory=``) and, for item
URLs, the traversal path (``traverse="/{id}"``). A container's
``__getitem__`` loads the item *whoever owns it* and gives it an ``__acl__``
that grants its owner; the forbidden view then answers 404 for somebody
else's item, so another user's resource is indistinguishable from a
missing one, and no view ever re-checks ownership by hand.
"""
from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Authenticated, Everyone

from ..permissions import Permission as P
from ..security import ANY_SERVICE


class Root:
    """The default context: what any user or service may do at all."""

    __name__ = ""
    __parent__ = None
    __acl__ = [
        (Allow, Everyone, P.TOKEN_VALIDATE),
        (Allow, Authenticated, P.ACCOUNT_USE),
        (Allow, ANY_SERVICE, P.SERVICE_CATALOGS),
        (Allow, ANY_SERVICE, P.SERVICE_QUOTAS),
        (Allow, ANY_SERVICE, P.SERVICE_COMMISSIONS),
        (Allow, Authenticated, P.QUOTAS_READ),
        (Allow, Authenticated, P.IMAGE_READ),
        (Allow, Authenticated, P.IMAGE_WRITE),
        (Allow, Authenticated, P.COMPUTE_READ),
        (Allow, Authenticated, P.COMPUTE_WRITE),
    ]

    def __init__(self, request):
        self.request = request


class Container:
    """Base of the containers that traversal looks items up in.

    ``missing_message`` is the itemNotFound message for an unknown (or
    somebody else's) item; ``public`` containers answer 404 for an unknown
    item even without a token, the others 401 first, as Synnefo checks the
    token before anything else.
    """

    missing_message = "Not found"
    public = False

    def __init__(self, request):
        self.request = request
        self.__parent__ = Root(request)
        self.__name__ = self.__class__.__name__.lower()

    @property
    def __acl__(self):
        return self.__parent__.__acl__

    @property
    def dbsession(self):
        return self.request.dbsession


class Item:
    """A loaded object with an owner: only the owner's principal is granted.

    The ACL ends with ``DENY_ALL``: otherwise Pyramid would go on to the
    parents' ACLs, whose broad grants (any user may use compute) would let
    every user reach every item."""

    def __init__(self, parent, name, obj, owner_principal):
        self.__parent__ = parent
        self.__name__ = name
        self.obj = obj
        self.__acl__ = [(Allow, owner_principal, ALL_PERMISSIONS), DENY_ALL]

    @property
    def missing_message(self):
        return self.__parent__.missing_message
