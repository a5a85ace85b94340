"""Tokens and passwords, stored so that a leaked database leaks neither.

Tokens are long random strings: a SHA-256 digest is enough to make the
stored value useless and keeps the per-request lookup an indexed equality.
Passwords are chosen by people: they get a salted, slow PBKDF2.
"""
import hashlib
import hmac
import secrets

PBKDF2_ITERATIONS = 200_000


def new_token():
    """A fresh clear token; callers store ``token_digest(token)`` only."""
    return secrets.token_urlsafe(24)


def token_digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password, iterations=PBKDF2_ITERATIONS):
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${digest.hex()}"


def check_password(password, encoded):
    if not encoded or not password:
        return False
    try:
        algorithm, iterations, salt, expected = encoded.split("$")
    except ValueError:
        return False
    if algorithm != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode("utf-8"), salt.encode(), int(iterations)
    )
    return hmac.compare_digest(digest.hex(), expected)
