"""Contexts of the account API's commission calls.

A component sees only the commissions it issued itself; another
component's serial is as unknown as a missing one. The commissions
context answers for the calling component, so views never filter by hand.
The serial is looked up by the view, after the permission check, so that
a user token gets its 401 whether or not the serial exists.
"""
from synnefo_pyr import faults
from synnefo_pyr.db import db_id
from synnefo_pyr.quotas import engine
from synnefo_pyr.resources import Container


class Commissions(Container):
    missing_message = "Commission not found"

    @property
    def client(self):
        """The name of the calling component (the views require one)."""
        return self.request.identity.component.name

    def pending(self, serial):
        """The caller's pending commission ``serial`` (URL text); resolved
        and unknown serials are 404 with an empty body (behaviours.md C12)."""
        number = db_id(serial, engine.MAX_SERIAL)
        commission = None if number is None else engine.pending_commission(
            self.dbsession, self.client, number
        )
        if commission is None:
            raise faults.ItemNotFound(self.missing_message, empty_body=True)
        return commission
