"""Contexts of the identity API."""
from pyramid.authorization import Allow, Everyone

from synnefo_pyr.identity import accounts
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources import Container


class AccessToken:
    """A scoped access token named in ``/tokens/<token_id>``: anyone who
    knows it may validate it."""

    __acl__ = [(Allow, Everyone, P.TOKEN_VALIDATE)]

    def __init__(self, parent, name, token):
        self.__parent__ = parent
        self.__name__ = name
        self.token = token


class AccessTokens(Container):
    missing_message = "Unknown or expired access token"
    public = True

    def __getitem__(self, clear_token):
        token = accounts.find_access_token(self.dbsession, clear_token)
        if token is None:
            raise KeyError(clear_token)
        return AccessToken(self, clear_token, token)
