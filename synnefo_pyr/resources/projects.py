"""Contexts of the project API (behaviours-projects.md P9, P21, P27, P30).

Who may *see* a project, an application or a membership is the item's
``__acl__`` (``projects.permissions`` says who passes each level). Unlike
servers or networks, an item the caller may not see is a 403, not a 404
(D5: the original discloses existence); a missing one is a 404. Items
therefore carry no ``missing_message``, while the ``Missing`` stand-in that
a container returns for an unknown id does.

The container never fails the lookup itself (no ``KeyError``): the POST
calls on item URLs check their body first and only then look the item up,
through the domain, which also runs the rest of the contract's order of
checks (a membership's state before the caller's permission, P31). Those
calls need only ``projects:use``; the ACL grants it to every user, on the
missing stand-in too.
"""
from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Authenticated

from synnefo_pyr.permissions import PROJECT_ADMINS
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.projects import permissions, store
from synnefo_pyr.resources import Container


def actor(request):
    """The caller as the project rules see it."""
    user = request.identity.user
    return permissions.Actor(user.id, user.uuid, PROJECT_ADMINS in request.identity.principals)


class ProjectsItem:
    forbidden_message = permissions.FORBIDDEN

    def __init__(self, parent, name, obj, readers=(), public=False):
        self.__parent__ = parent
        self.__name__ = name
        self.obj = obj
        acl = [(Allow, PROJECT_ADMINS, ALL_PERMISSIONS), (Allow, Authenticated, P.PROJECTS_USE)]
        if public:
            acl.append((Allow, Authenticated, P.PROJECT_READ))
        acl.extend((Allow, f"user:{uuid}", P.PROJECT_READ) for uuid in sorted(readers))
        acl.append(DENY_ALL)
        self.__acl__ = acl


class Missing:
    """No such item: whoever may call the API gets its 404."""

    def __init__(self, parent, name, message):
        self.__parent__ = parent
        self.__name__ = name
        self.missing_message = message
        self.__acl__ = [(Allow, Authenticated, P.PROJECTS_USE), DENY_ALL]


class Projects(Container):
    """``/projects/<id>``: "any level" may read (P9)."""

    def __getitem__(self, project_id):
        project = store.find_project(self.dbsession, project_id)
        if project is None:
            return Missing(self, project_id, store.NO_PROJECT.format(project_id))
        audience = permissions.audience(self.dbsession, project)
        return ProjectsItem(self, project_id, project, readers=audience.applicants | audience.members,
                            public=audience.public)


class Applications(Container):
    """``/projects/apps/<id>``: applicant level of *this* application (P27)."""

    def __getitem__(self, application_id):
        application = store.find_application(self.dbsession, application_id)
        if application is None:
            return Missing(self, application_id, store.NO_APPLICATION.format(application_id))
        readers = {application.owner.uuid, application.applicant.uuid}
        return ProjectsItem(self, application_id, application, readers=readers)


class Memberships(Container):
    """``/projects/memberships/<id>``: the member and the owner of the
    project's current application (P30)."""

    def __getitem__(self, membership_id):
        membership = store.find_membership(self.dbsession, membership_id)
        if membership is None:
            return Missing(self, membership_id, store.NO_MEMBERSHIP)
        readers = {membership.user.uuid, membership.project.application.owner.uuid}
        return ProjectsItem(self, membership_id, membership, readers=readers)
