"""Assertions shared by the functional tests."""
import json
import threading


def assert_fault(response, name, code, message=None):
    """The body is exactly one fault, ``{name: {code, message, details}}``
    (behaviours.md A1), with the given status and (optionally) message."""
    assert response.status_int == code, response.body
    body = json.loads(response.body)
    assert list(body) == [name], body
    fault = body[name]
    assert fault["code"] == code
    assert isinstance(fault["message"], str) and isinstance(fault["details"], str)
    if message is not None:
        assert fault["message"] == message, fault
    return fault


def post_json(testapp, url, body, status="*", headers=None, **kwargs):
    return testapp.post(
        url,
        json.dumps(body) if not isinstance(body, (str, bytes)) else body,
        headers=dict({"Content-Type": "application/json"}, **(headers or {})),
        status=status,
        **kwargs,
    )


def race(work, count=8, timeout=120):
    """Run ``work(i)`` in ``count`` threads released at the same moment;
    their results (an exception raised is the result)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results
