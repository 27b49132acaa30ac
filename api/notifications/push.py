"""Web Push (RFC 8030, payloads encrypted per RFC 8291, VAPID per RFC 8292): the ``Pusher``
protocol the notifier sends through, its ``pywebpush`` implementation, and the VAPID key.

The browsers' push services (Google's, Mozilla's, Apple's) cannot be reached from the tests: they
send the same ``WebPusher`` to a local HTTP server that speaks the protocol, checks the VAPID
signature and decrypts the payload (tests/api/test_api_notifications.py)."""

from __future__ import annotations

import base64
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

log = logging.getLogger("wesh.api.push")

#: How long a push service keeps a message for a phone that is off (seconds): a day.
TTL_S = 86_400


@dataclass(frozen=True)
class Subscription:
    """What a browser's ``PushManager.subscribe()`` gave (its JSON form)."""

    endpoint: str
    p256dh: str
    auth: str


class Pusher(Protocol):
    """Sends one encrypted message to one subscription; answers the push service's HTTP status
    (201 taken; 404 or 410: the subscription is gone; 0: the service could not be reached)."""

    def send(self, subscription: Subscription, payload: bytes) -> int: ...


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class VapidKey:
    """The application server's key pair (P-256): the private key signs the VAPID JWTs, the
    public key is the ``applicationServerKey`` browsers subscribe with."""

    def __init__(self, private_pem: bytes) -> None:
        key = serialization.load_pem_private_key(private_pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("the VAPID key must be a P-256 (prime256v1) EC private key")
        self.pem = private_pem
        self.vapid = Vapid02.from_pem(private_pem)

    @property
    def public_key(self) -> str:
        """The uncompressed public point, base64url: what ``PushManager.subscribe`` takes."""
        point = self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @staticmethod
    def generate() -> bytes:
        key = ec.generate_private_key(ec.SECP256R1())
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @classmethod
    def load(cls, pem: str | None, key_file: Path, generate: bool) -> VapidKey | None:
        """The key given as text (``pem``), else the one in ``key_file``; when neither is there
        and ``generate`` (the local development chain), a new one written to ``key_file`` (only
        the owner may read it) and kept from then on. None: Web Push is off."""
        if pem:
            return cls(pem.replace("\\n", "\n").encode())
        if key_file.is_file():
            return cls(key_file.read_bytes())
        if not generate:
            return None
        key_file.parent.mkdir(parents=True, exist_ok=True)
        body = cls.generate()
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(body)
        log.info("made a VAPID key for the development chain in %s", key_file)
        return cls(body)


class WebPusher:
    """The real sender: ``pywebpush`` (aes128gcm content encoding, a VAPID JWT per message)."""

    def __init__(self, key: VapidKey, subject: str, timeout_s: float = 10.0) -> None:
        self.key = key
        self.subject = subject
        self.timeout_s = timeout_s

    def send(self, subscription: Subscription, payload: bytes) -> int:
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            response = webpush(
                info,
                data=payload.decode(),
                vapid_private_key=self.key.vapid,
                # A fresh dict each time: pywebpush writes "aud" and "exp" into it.
                vapid_claims={"sub": self.subject},
                ttl=TTL_S,
                timeout=self.timeout_s,
            )
        except WebPushException as error:
            # (A requests.Response of a 4xx is falsy: compare with None.)
            response = error.response
            status = getattr(response, "status_code", 0) if response is not None else 0
            log.info("push refused (%s): %s", status, error.message.splitlines()[0])
            return int(status or 0)
        except Exception as error:  # a push service down is no reason to stop
            log.warning("push service not reached: %s", error)
            return 0
        return int(getattr(response, "status_code", 201))
