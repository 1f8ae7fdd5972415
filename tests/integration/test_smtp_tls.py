"""Mail over TLS to a real SMTP server on loopback: STARTTLS and implicit TLS verify the
server's certificate and name; a password never travels in clear text."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from sources import TransientError
from workers.demo.servers import MailCatcher
from workers.notifiers import Notice, send_email
from workers.settings import Settings, SettingsError

NOTICE = Notice(
    delivery_id=1,
    moment_id=1,
    member_id=1,
    kind="check_in",
    member_name="Lisa Jansen",
    employer=None,
    headline="check in",
    url=None,
    draft="Hoi Lisa",
    reason="",
    expires_at="2026-12-30T00:00:00",
    idempotency_key="keepwarm-delivery-1",
)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


class Logins:
    """An aiosmtpd authenticator that accepts one user and remembers who logged in."""

    def __init__(self) -> None:
        self.users: list[str] = []

    def __call__(
        self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and data.password == b"s3cret":
            self.users.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@pytest.fixture
def settings(tmp_path: Path, ca: trustme.CA) -> Settings:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Settings.from_values(
        {
            "data_dir": str(tmp_path),
            "smtp_ca_file": str(ca_file),
            "smtp_username": "anna",
            "smtp_password": "s3cret",
            "smtp_starttls": "true",
        }
    )


@contextmanager
def _catcher(**options: Any) -> Iterator[MailCatcher]:
    catcher = MailCatcher(**options)
    catcher.start()
    try:
        yield catcher
    finally:
        catcher.stop()


def test_starttls_verifies_the_server_and_then_logs_in(settings: Settings, ca: trustme.CA) -> None:
    logins = Logins()
    with _catcher(
        tls_context=_server_context(ca, "127.0.0.1"),
        require_starttls=True,
        authenticator=logins,
    ) as catcher:
        send_email(replace(settings, smtp_port=catcher.port), "anna@agency.example", NOTICE)
        assert len(catcher.inbox) == 1 and logins.users == ["anna"]
        untrusted = replace(settings, smtp_port=catcher.port, smtp_ca_file="")
        with pytest.raises(TransientError, match="not trusted"):
            send_email(untrusted, "anna@agency.example", NOTICE)
        assert len(catcher.inbox) == 1 and logins.users == ["anna"]


def test_a_certificate_for_another_name_is_refused(settings: Settings, ca: trustme.CA) -> None:
    with _catcher(
        tls_context=_server_context(ca, "mail.example"), require_starttls=True
    ) as catcher:
        with pytest.raises(TransientError, match="not trusted"):
            send_email(replace(settings, smtp_port=catcher.port), "anna@agency.example", NOTICE)
        assert catcher.inbox == []


def test_implicit_tls(settings: Settings, ca: trustme.CA) -> None:
    logins = Logins()
    with _catcher(
        ssl_context=_server_context(ca, "127.0.0.1"),
        authenticator=logins,
        auth_require_tls=False,  # the whole connection is TLS; aiosmtpd cannot tell
    ) as catcher:
        tls = replace(settings, smtp_port=catcher.port, smtp_starttls=False, smtp_tls=True)
        send_email(tls, "anna@agency.example", NOTICE)
        assert len(catcher.inbox) == 1 and logins.users == ["anna"]


def test_a_login_without_tls_must_be_asked_for(tmp_path: Path) -> None:
    values = {"data_dir": str(tmp_path), "smtp_username": "anna", "smtp_password": "x"}
    with pytest.raises(SettingsError, match="clear text"):
        Settings.from_values(values)
    assert Settings.from_values({**values, "smtp_plaintext_login": "true"}).smtp_username
    with pytest.raises(SettingsError, match="not both"):
        Settings.from_values({**values, "smtp_starttls": "true", "smtp_tls": "true"})
