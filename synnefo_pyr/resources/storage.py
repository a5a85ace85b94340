"""Contexts of object storage: the top level, an account, a container,
an object path (which need not exist), each with the ``__acl__`` that says
what the caller may do there (behaviours-object M0.17).

The owner of the account may do everything. Another user may read what
is shared with it, write (data and metadata) where it has write access,
and store blocks in a container holding a path it may write; nothing else.
A cross-user request on a path the user has no right to is 403 whether or
not it exists (no ``missing_message``: the forbidden view never turns it
into a 404). The ACL is computed for the caller only, once per context.
"""
from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Authenticated

from synnefo_pyr.db import session_scope, writes
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.storage import accounts, containers, nodes, objects, sharing

READ = (P.STORAGE_READ,)
WRITE = (P.STORAGE_READ, P.STORAGE_WRITE, P.STORAGE_BLOCKS)


class StorageContext:
    __parent__ = None
    __name__ = ""
    forbidden_message = "Not allowed"

    def __init__(self, request, account=None, container=None, name=None):
        self.request = request
        self.account = account
        self.container = container
        self.name = name
        self._acl = None

    @property
    def dbsession(self):
        return self.request.dbsession

    @property
    def user(self):
        return self.request.authenticated_userid

    @property
    def is_owner(self):
        return self.user is not None and self.user == self.account

    @property
    def path(self):
        return objects.Path(self.account, self.container, self.name)

    @property
    def __acl__(self):
        if self._acl is None:
            self._acl = self._compute_acl()
        return self._acl

    def _compute_acl(self):
        if self.account is None:
            return [(Allow, Authenticated, READ), DENY_ALL]
        acl = [(Allow, f"user:{self.account}", ALL_PERMISSIONS)]
        user = self.user
        if user is not None and user != self.account:
            granted = self._granted(user)
            if granted:
                acl.append((Allow, f"user:{user}", granted))
        acl.append(DENY_ALL)
        return acl

    def _granted(self, user):
        db = self.dbsession
        account_node = nodes.account_node(db, self.account)
        if account_node is None:
            return ()
        if self.container is None:
            return READ if sharing.shared_containers(db, user, account_node.id) else ()
        container = nodes.child(db, account_node.id, self.container)
        if container is None:
            return ()
        if self.name is None:
            names, _ = sharing.shared_paths(db, user, container.id)
            if not names:
                return ()
            writable = any(sharing.object_access(db, self.account, container.id, n, user) == "write"
                           for n in sorted(names))
            return WRITE if writable else READ
        access = sharing.object_access(db, self.account, container.id, self.name, user)
        return {"write": WRITE, "read": READ}.get(access, ())


def _context(request, **names):
    context = StorageContext(request, **names)
    # The owner's first request of any kind creates the account (M0.3). A
    # request that writes does it in its own transaction (a failure leaves
    # nothing behind); a read, whose session is no transaction of
    # pyramid_tm's, in a short one of its own, then starts afresh to see it.
    if context.is_owner and not accounts.exists(request.dbsession, context.account):
        if writes(request):
            accounts.ensure(request.dbsession, context.account)
        else:
            with session_scope(request.registry) as db:
                accounts.ensure(db, context.account)
            request.dbsession.rollback()
    return context


def top_factory(request):
    return StorageContext(request)


def account_factory(request):
    return _context(request, account=request.matchdict["account"])


def container_factory(request):
    m = request.matchdict
    return _context(request, account=m["account"], container=m["container"])


def object_factory(request):
    m = request.matchdict
    return _context(request, account=m["account"], container=m["container"], name=m["object"])


def context_for(request, account, container, name=None):
    """A context for another path of the same request (a copy's source or
    destination), to ask ``request.has_permission`` about."""
    return _context(request, account=account, container=container, name=name)


def container_exists(request, account, container):
    return containers.get(request.dbsession, account, container) is not None
