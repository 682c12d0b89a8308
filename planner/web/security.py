"""The workspace's security, in one place: where it may listen, the password
and the login, sessions, the CSRF token, paths kept inside the workspace,
upload limits.

- It listens on a loopback address unless a password is given at start; the
  password is kept only as a scrypt hash (random salt) in memory.
- Every browser gets a session: a random token in a cookie (HttpOnly,
  SameSite=Strict), mapped in memory to its CSRF token and whether it logged
  in. Every POST carries the CSRF token (form field ``csrf``); one without it
  is refused (403).
- A path from a URL or an upload's name is used only if it resolves inside
  the workspace (``inside``); an upload's name is a plain file name with an
  allowed suffix; its size is limited.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

COOKIE = "mip_session"
UPLOAD_SUFFIXES = (".csv", ".xlsx")
"""The outcome files a page accepts (a phone export is a .csv)."""
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
"""The largest upload accepted, in bytes."""
FORM_MAX_BYTES = 64 * 1024
"""The largest body of a form without a file, in bytes."""


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
"""The Host names a loopback workspace answers (no other site's name: DNS rebinding)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class PasswordHash:
    """A password as scrypt(salt) only; ``matches`` compares in constant time."""

    salt: bytes
    digest: bytes

    @classmethod
    def of(cls, password: str) -> PasswordHash:
        """Hash ``password`` with a fresh random salt."""
        salt = secrets.token_bytes(16)
        return cls(salt, _scrypt(password, salt))

    def matches(self, password: str) -> bool:
        """Whether ``password`` is the one hashed."""
        return hmac.compare_digest(self.digest, _scrypt(password, self.salt))


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)


@dataclass
class Session:
    """One browser's session: its CSRF token and whether it logged in."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    authed: bool = False


class Sessions:
    """The sessions of the running server (in memory: a restart logs everyone out)."""

    def __init__(self, password: PasswordHash | None) -> None:
        self.password = password
        self._lock = threading.Lock()
        self._by_token: dict[str, Session] = {}

    @property
    def login_needed(self) -> bool:
        """Whether a login is required (a password was given at start)."""
        return self.password is not None

    def get(self, token: str | None) -> Session | None:
        """The session of a cookie's ``token`` (None: unknown)."""
        if not token:
            return None
        with self._lock:
            return self._by_token.get(token)

    def new(self) -> tuple[str, Session]:
        """A new session and its cookie token (logged in when no login is needed)."""
        token = secrets.token_urlsafe(32)
        session = Session(authed=not self.login_needed)
        with self._lock:
            self._by_token[token] = session
        return token, session

    def login(self, token: str, password: str) -> bool:
        """Log the session in when ``password`` matches; a new CSRF token then."""
        session = self.get(token)
        if session is None or self.password is None or not self.password.matches(password):
            return False
        session.authed = True
        session.csrf = secrets.token_urlsafe(32)
        return True

    def logout(self, token: str) -> None:
        """Forget the session."""
        with self._lock:
            self._by_token.pop(token, None)


def csrf_ok(session: Session | None, given: str | None) -> bool:
    """Whether a POST's token is its session's (constant-time)."""
    return bool(session and given and hmac.compare_digest(session.csrf, given))


def inside(root: Path, relative: str) -> Path | None:
    """``root / relative`` resolved, when it stays inside ``root`` (None
    otherwise: ``..``, an absolute path, a link leading out)."""
    if not relative or "\x00" in relative:
        return None
    base = root.resolve()
    target = (base / relative).resolve()
    return target if target.is_relative_to(base) and target != base else None


def upload_name_problem(name: str, suffixes: tuple[str, ...] = UPLOAD_SUFFIXES) -> str | None:
    """Why an uploaded file's ``name`` is refused (None: it is fine): a path,
    a hidden name or another type than ``suffixes`` (default ``UPLOAD_SUFFIXES``)."""
    if not name or name != Path(name).name or "\\" in name or name.startswith(".") \
            or "\x00" in name or ".." in name:
        return "name"
    if not name.lower().endswith(suffixes):
        return "type"
    return None
