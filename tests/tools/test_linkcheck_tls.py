"""https through the checker's own connection, against a local server with a made-up name.

The checker connects to the address it vetted, so the name must still reach the server where
it counts: the Host header, SNI, and the certificate check.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from linkserver import ServerState, fake_dns, loopback_only, serve

from generator.tools import linkcheck_http as linkcheck
from generator.tools.linkcheck import check_url

OPENSSL = shutil.which("openssl")
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command")
NAME = "linkcheck.test"
LOCAL = ("127.0.0.1",)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for NAME, and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            str(OPENSSL),
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            f"/CN={NAME}",
            "-addext",
            f"subjectAltName=DNS:{NAME}",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def sni() -> list[str]:
    return []


@pytest.fixture
def server(
    certificate: tuple[Path, Path],
    sni: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServerState]:
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: sni.append(name)  # type: ignore[assignment]
    # The checker trusts this certificate, and NAME is the loopback, for these tests only.
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(linkcheck, "_tls_context", lambda: trusting)
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({NAME: ["127.0.0.1"]}))
    loopback_only(monkeypatch)
    with serve(tls=context) as state:
        yield state


def port(server: ServerState) -> int:
    return int(server.base.rsplit(":", 1)[1])


def test_https_by_name_sends_the_name_while_connecting_to_the_vetted_address(
    server: ServerState, sni: list[str]
) -> None:
    url = f"https://{NAME}:{port(server)}/moved"
    out = check_url(url, timeout=2, retries=0, backoff=0, allow_private=LOCAL)
    assert (out.alive, out.code, out.final_url) == (True, 200, f"https://{NAME}:{port(server)}/ok")
    assert server.requests == [("HEAD", "/moved"), ("HEAD", "/ok")]
    assert server.hosts == [f"{NAME}:{port(server)}"] * 2
    assert sni == [NAME, NAME]


def test_the_certificate_is_checked_against_the_name(server: ServerState) -> None:
    # The address is right, the name is not the certificate's: refused, and nothing asked.
    out = check_url(f"{server.base}/ok", timeout=2, retries=0, backoff=0, allow_private=LOCAL)
    assert (out.alive, out.code) == (False, None)
    assert "certificate verify failed" in out.detail, out.detail
    assert server.requests == []


def test_a_redirect_from_https_to_a_private_address_is_refused(server: ServerState) -> None:
    url = f"https://{NAME}:{port(server)}/to?u=https%3A%2F%2F10.0.0.1%2F"
    out = check_url(url, timeout=2, retries=0, backoff=0, allow_private=LOCAL)
    assert (out.alive, out.code, out.detail) == (
        False,
        302,
        "redirect to a private address 10.0.0.1 refused",
    )


def test_a_tls_handshake_that_never_comes_times_out() -> None:
    # A listener that accepts (the kernel does) and never says a word.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"https://127.0.0.1:{silent.getsockname()[1]}/"
        started = time.monotonic()
        out = check_url(url, timeout=0.5, retries=0, backoff=0, allow_private=LOCAL)
    assert (out.alive, out.detail) == (False, "timed out after 0.5 s")
    assert time.monotonic() - started < 1
