"""Contexts of the quota API.

A component sees only the commissions it issued itself; another
component's serial is as unknown as a missing one. The commissions
context answers for the calling component, so views never filter by hand.
"""
from .. import faults, quotas
from . import Container


class Commissions(Container):
    missing_message = "Commission not found"

    @property
    def client(self):
        """The name of the calling component (the views require one)."""
        return self.request.identity.component.name

    def pending(self, serial):
        """The caller's pending commission ``serial``; resolved and unknown
        serials are 404 with an empty body (behaviours.md C12)."""
        commission = quotas.pending_commission(self.dbsession, self.client, serial)
        if commission is None:
            raise faults.ItemNotFound(self.missing_message, empty_body=True)
        return commission
