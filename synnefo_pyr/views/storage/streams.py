"""Request bodies as the domain reads them: ``read(n)`` callables whose
short body (a client gone mid-upload) is a 400, not a 500."""
from webob.request import DisconnectionError

from synnefo_pyr import faults


def body_reader(request):
    body = request.body_file

    def read(n):
        try:
            return body.read(n)
        except DisconnectionError:
            raise faults.BadRequest("Request body is shorter than its Content-Length") from None

    return read
