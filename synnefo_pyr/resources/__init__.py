"""The traversal tree: context factories that load what a URL names.

Each Cornice service names its context factory (``factory=``) and, for item
URLs, the traversal path (``traverse="/{id}"``). A container's
``__getitem__`` loads the item *whoever owns it* and gives it an ``__acl__``
that says who may read and who may change it; the forbidden view then
answers 404 to whoever may not even read it, so another user's resource is
indistinguishable from a missing one, and 403 to a reader refused a write.
No view re-checks ownership by hand.
"""
from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow


class Root:
    """The default context: what any user or service may do at all. Each
    API package adds its grants when it is included
    (``config.add_root_grants``)."""

    __name__ = ""
    __parent__ = None

    def __init__(self, request):
        self.request = request

    @property
    def __acl__(self):
        return self.request.registry.root_acl


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
    """A loaded object and its ACL: ``readers`` may use the read
    permissions ``read``, the ``owner`` everything.

    The ACL ends with ``DENY_ALL``: otherwise Pyramid would go on to the
    parents' ACLs, whose broad grants (any user may use compute) would let
    every user reach every item."""

    #: The 403 message for a reader who tries to change the item.
    forbidden_message = "You are not allowed to do this"

    def __init__(self, parent, name, obj, owner=None, readers=(), read=()):
        self.__parent__ = parent
        self.__name__ = name
        self.obj = obj
        acl = []
        if owner is not None:
            acl.append((Allow, owner, ALL_PERMISSIONS))
        acl.extend((Allow, reader, tuple(read)) for reader in readers)
        acl.append(DENY_ALL)
        self.__acl__ = acl

    @property
    def missing_message(self):
        return self.__parent__.missing_message
