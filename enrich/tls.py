"""The TLS certificate a portal presents (read without verification, parsed with cryptography)."""

from __future__ import annotations

import hashlib
import socket
import ssl
from datetime import UTC

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from config.errors import TlsError  # noqa: F401 - re-exported


def fetch_certificate(host: str, port: int, server_name: str, timeout: float) -> tuple[bytes, dict]:
    """Handshake with host:port, SNI `server_name`; return (DER certificate, session info)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.set_ciphers("ALL:@SECLEVEL=0")  # read old and weak set-ups too: we only look
    except ssl.SSLError:
        pass
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with ctx.wrap_socket(raw, server_hostname=server_name or None) as tls:
                der = tls.getpeercert(binary_form=True)
                info = {"version": tls.version(), "cipher": (tls.cipher() or [None])[0]}
    except TimeoutError as exc:
        raise TlsError(f"timeout connecting to {host}:{port}") from exc
    except ssl.SSLError as exc:
        raise TlsError(f"TLS handshake with {host}:{port} failed: {exc.reason or exc}") from exc
    except OSError as exc:
        raise TlsError(f"cannot connect to {host}:{port}: {exc.strerror or exc}") from exc
    if not der:
        raise TlsError(f"{host}:{port} presented no certificate")
    return der, info


def parse_certificate(der: bytes, domain: str | None = None) -> dict:
    """{issuer, subject, sans, not_before, not_after, serial, sha256, self_signed, ...}."""
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        sans = [str(n).lower() for n in san.get_values_for_type(x509.DNSName)]
        sans += [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        sans = []
    except ValueError:  # a malformed extension: keep the rest of the certificate
        sans = []
    subject_cn = _attr(cert.subject, NameOID.COMMON_NAME)
    return {
        "issuer": cert.issuer.rfc4514_string(),
        "issuer_cn": _attr(cert.issuer, NameOID.COMMON_NAME),
        "issuer_org": _attr(cert.issuer, NameOID.ORGANIZATION_NAME),
        "subject": cert.subject.rfc4514_string(),
        "subject_cn": subject_cn,
        "sans": sans,
        "not_before": cert.not_valid_before_utc.astimezone(UTC).isoformat(),
        "not_after": cert.not_valid_after_utc.astimezone(UTC).isoformat(),
        "serial": format(cert.serial_number, "x"),
        "sha256": hashlib.sha256(der).hexdigest(),
        "self_signed": cert.issuer == cert.subject,
        "covers_domain": None if domain is None else covers(domain, sans or [subject_cn or ""]),
    }


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def covers(domain: str, names: list[str]) -> bool:
    """Whether a certificate naming `names` is valid for `domain` (one-label wildcards)."""
    domain = domain.lower().rstrip(".")
    for name in names:
        name = name.lower().rstrip(".")
        if name == domain:
            return True
        if name.startswith("*.") and "." in domain and domain.split(".", 1)[1] == name[2:]:
            return True
    return False
