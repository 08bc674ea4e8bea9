"""Session keys the server issues and signs: a made-up key names no session.

A session's key names its work on the server (its image job, its models, its job slot, its
fair turn). The server makes it (``issue``) when a tab opens, and signs it: 144 random bits
and an HMAC of them with this installation's secret. ``check`` accepts only keys this server
signed, so a client cannot mint sessions of its own to take more than its share. The secret is
``$PLAYGROUND_SECRET`` when set (class mode: the same on every machine of the class), else a
random one kept in ``~/.cache/neural-playground/secret`` (made on first use, readable only by
its owner).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

SECRET_VARIABLE = "PLAYGROUND_SECRET"
TOKEN_CHARACTERS = 24  # secrets.token_urlsafe(18): 144 random bits
SIGNATURE_CHARACTERS = 22  # 16 bytes of HMAC-SHA256, base64url without padding
KEY_CHARACTERS = TOKEN_CHARACTERS + SIGNATURE_CHARACTERS
NOT_ISSUED = (
    "this tab's session key was not issued by this server (a tab opened before the server "
    "was updated or restarted with a new secret, or a made-up key): open the page in a new tab"
)


def secret_file() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "neural-playground" / "secret"


@lru_cache(maxsize=4)
def _secret(from_environment: str) -> bytes:
    if from_environment:
        return from_environment.encode()
    path = secret_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # made once, by whichever process comes first; the others read it
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    text = path.read_text().strip()
    if len(text) < 32:
        raise RuntimeError(f"{path} holds no secret: delete it and start the server again")
    return text.encode()


def installation_secret() -> bytes:
    """The key that signs session keys (see the module's docstring)."""
    return _secret(os.environ.get(SECRET_VARIABLE, ""))


def signature(token: str) -> str:
    digest = hmac.new(installation_secret(), token.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue() -> str:
    """A new session's key: a random token and its signature (46 letters, digits, '-' and '_')."""
    token = secrets.token_urlsafe(18)
    return token + signature(token)


def is_issued(key: Any) -> bool:
    """Whether ``key`` is a session key this server signed."""
    if not isinstance(key, str) or len(key) != KEY_CHARACTERS or not key.isascii():
        return False
    token, signed = key[:TOKEN_CHARACTERS], key[TOKEN_CHARACTERS:]
    return hmac.compare_digest(signature(token), signed)


def check(key: Any) -> str:
    """The key itself, or ValueError saying it was not issued here."""
    if not is_issued(key):
        raise ValueError(NOT_ISSUED)
    return key
