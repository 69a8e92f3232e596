"""Certificates for the reference portal and tests: a throwaway CA, a loopback server cert, client certs.

Used by ``labsync portal serve --tls-self-signed`` and by ``tests/tls_helpers.py``. These certificates are for
loopback testing and demos only (short-lived, made on the spot); a production portal uses the institution's
PKI.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOOPBACK_NAMES: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key, as PEM files on disk."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA able to issue server and client certificates."""

    cert: Path
    key: Path
    _cert_obj: x509.Certificate
    _key_obj: ec.EllipticCurvePrivateKey

    @property
    def bundle(self) -> Path:
        """The CA bundle clients verify against (the CA certificate)."""
        return self.cert

    def issue_server(
        self,
        directory: Path,
        names: tuple[str, ...] = LOOPBACK_NAMES,
        *,
        stem: str = "server",
        days: int = 30,
    ) -> Issued:
        """A server certificate for ``names`` (DNS names and IP addresses; loopback by default)."""
        alt: list[x509.GeneralName] = []
        for name in names:
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt.append(x509.DNSName(name))
        return self._issue(directory, stem, names[0], alt, ExtendedKeyUsageOID.SERVER_AUTH, days)

    def issue_client(
        self, directory: Path, common_name: str = "labsync-client", *, stem: str = "client", days: int = 30
    ) -> Issued:
        """A client certificate (for mTLS) with ``common_name`` as subject."""
        return self._issue(directory, stem, common_name, [], ExtendedKeyUsageOID.CLIENT_AUTH, days)

    def _issue(
        self,
        directory: Path,
        stem: str,
        common_name: str,
        alt: list[x509.GeneralName],
        usage: x509.ObjectIdentifier,
        days: int,
    ) -> Issued:
        directory.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self._cert_obj.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key_obj.public_key()), critical=False
            )
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=True,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        )
        if alt:
            builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
        cert = builder.sign(self._key_obj, hashes.SHA256())
        cert_path = directory / f"{stem}.pem"
        key_path = directory / f"{stem}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_private(key_path, key)
        return Issued(cert=cert_path, key=key_path)


def create_ca(
    directory: Path, common_name: str = "LabSync Test CA", *, stem: str = "ca", days: int = 30
) -> CertificateAuthority:
    """Create a self-signed CA in ``directory`` (``<stem>.pem`` and ``<stem>.key``, the key 0600)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / f"{stem}.pem"
    key_path = directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_private(key_path, key)
    return CertificateAuthority(cert=cert_path, key=key_path, _cert_obj=cert, _key_obj=key)


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
