"""Where the register lives: a path to an SQLite file, or a database URL (PostgreSQL for a team).

One setting, in this order: the location passed in (``--register`` in the CLI), else the environment variable
``VALUESHARE_REGISTER_URL``, else an SQLite file in the user's data folder. Plain string work only: SQLAlchemy is
loaded by ``valueshare.register.sql`` when a register is opened.

Also here, because every message that names a location goes through them: ``masked`` (no credential is ever shown)
and ``is_local_host`` (which PostgreSQL servers may be reached without TLS).
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

ENV = "VALUESHARE_REGISTER_URL"
FILE_NAME = "register.sqlite"
HIDDEN = "***"


def default_path() -> Path:
    """``$XDG_DATA_HOME/valueshare/register.sqlite``, by default ``~/.local/share/valueshare/register.sqlite``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "valueshare" / FILE_NAME


def chosen(location: str | None = None) -> tuple[str, bool]:
    """The location to use and whether it is the default (whose folder valueshare may create)."""
    if location and location.strip():
        return location.strip(), False
    from_env = os.environ.get(ENV, "").strip()
    if from_env:
        return from_env, False
    return str(default_path()), True


def is_url(location: str) -> bool:
    """Whether ``location`` is written as a URL rather than a file path.

    >>> is_url("postgresql://valueshare@db.example/register"), is_url("deals/register.sqlite")
    (True, False)
    """
    return "://" in location or location.startswith("sqlite:")


# -- credentials ---------------------------------------------------------------------------------------------------

# Parameters whose value is a file name, not a secret, though their name looks like one.
_SHOWN = {"passfile", "sslpassfile"}
_SECRET_WORDS = ("pass", "pwd", "secret", "token", "credential", "auth", "signature", "apikey", "accesskey",
                 "privatekey", "sessionkey", "clientkey")


def is_secret_name(name: str) -> bool:
    """Whether a URL query (or connection) parameter called ``name`` holds a credential, so its value is hidden.

    >>> [is_secret_name(n) for n in ("password", "sslpassword", "passfile", "token", "api_key", "sslkey", "host")]
    [True, True, False, True, True, False, False]
    """
    lower = name.strip().lower()
    if lower in _SHOWN:
        return False
    squashed = re.sub(r"[^a-z0-9]", "", lower)
    return (any(word in squashed for word in _SECRET_WORDS) or lower == "key"
            or lower.endswith(("_key", "-key", ".key")))


# The password of a URL's userinfo: after 'scheme://user:' up to the last '@' before the next space, so a password
# that holds '/', ':' or '@' is hidden whole. (A URL without a password, 'scheme://host:port/...', has no '@' after
# it.) The placeholder PASSWORD, in a message showing how to write a URL, is not a password.
_USERINFO = re.compile(r"(?P<user>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s?#'\"]*):(?P<password>\S*)@")
# A parameter 'name=value' at the start of a query ('?'), after '&' or ';', or as libpq's 'key=value' words. A value
# ends at '&', ';', a quote or a space; one ':', ',', '.' or ')' just before a space is the sentence's, not its.
_PARAMETER = re.compile(r"(?P<lead>(?:^|[?&;\s(,'\"]))(?P<name>[A-Za-z_][\w.-]*)\s*=\s*"
                        r"(?P<value>'(?:[^'\\]|\\.)*'?|\"[^\"]*\"?|[^&;\s#'\"]*?(?=[:,.)]?(?:[&;\s#'\"]|$)))")


def masked(text: str) -> str:
    """``text`` with every credential replaced by ``***``: the password of any URL, and the value of any parameter
    whose name looks like a credential (``password``, ``sslpassword``, ``token``, ``secret``, ``api_key``...), for
    messages and logs. ``passfile`` names a file and is shown.

    >>> masked("postgresql://ana:s3cret@db/register")
    'postgresql://ana:***@db/register'
    >>> masked("postgresql://db/reg?sslmode=require&password=s3cret&passfile=/home/ana/.pgpass&api_key=k1")
    'postgresql://db/reg?sslmode=require&password=***&passfile=/home/ana/.pgpass&api_key=***'
    >>> masked("host=db password='s3 cret' user=ana")
    'host=db password=*** user=ana'
    """
    text = _USERINFO.sub(lambda found: found.group(0) if found.group("password") == "PASSWORD"
                         else f"{found.group('user')}:{HIDDEN}@", str(text))

    def hide(found: re.Match[str]) -> str:
        if not is_secret_name(found.group("name")):
            return found.group(0)
        return f"{found.group('lead')}{found.group('name')}={HIDDEN}"

    return _PARAMETER.sub(hide, text)


def without_password(text: str) -> str:
    """The same as ``masked`` (the older name)."""
    return masked(text)


# -- which servers are on this machine -----------------------------------------------------------------------------

def is_local_host(host: str) -> bool:
    """Whether a PostgreSQL ``host`` is this machine: ``localhost``, an address in 127.0.0.0/8, ``::1``, or a Unix
    socket (a folder path, or Linux's abstract ``@name``). An empty host is libpq's default, the local socket.

    >>> [is_local_host(h) for h in ("localhost", "127.0.0.1", "127.8.9.10", "[::1]", "/var/run/postgresql", "")]
    [True, True, True, True, True, True]
    >>> [is_local_host(h) for h in ("db.example.nhs.uk", "10.0.0.5", "localhost.example.org", "::ffff:10.0.0.5")]
    [False, False, False, False]
    """
    host = host.strip()
    if not host or host.startswith(("/", "@")):
        return True
    if host.startswith("[") and "]" in host:
        host = host[1:host.index("]")]
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
