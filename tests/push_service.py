"""A Web Push service on loopback, for the tests of the residents' notifications (API and
browser): what a browser's push service does as far as a sender sees it. RFC 8030: a POST with
``TTL``, ``Content-Encoding: aes128gcm`` and ``Authorization: vapid t=<JWT>,k=<key>`` (RFC 8292),
whose ES256 signature it verifies with the key named (``aud`` its own origin, ``exp`` within a
day, ``sub`` a mailto: or https: URL); the payload decrypted per RFC 8291 with the private key of
the subscription the test made as a browser would (``Browser``). It answers 201, 404 for an
unknown subscription, 410 for one in ``gone``."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

DAY = 86_400


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """What a browser's PushManager.subscribe() makes: a P-256 key pair and an auth secret."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self, lang: str = "nl") -> dict[str, Any]:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
            "lang": lang,
        }


@dataclasses.dataclass
class Delivery:
    path: str
    payload: dict[str, Any]
    ttl: int
    claims: dict[str, Any]


class PushService:
    """A push service on loopback (see the module docstring). ``gone`` holds the paths it
    answers 410 for (a subscription the browser dropped)."""

    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.delivered: list[Delivery] = []
        self.refused: list[str] = []
        self.gone: set[str] = set()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, why = service.receive(self.path, dict(self.headers.items()), body)
                if why:
                    service.refused.append(why)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def browser(self, name: str) -> Browser:
        browser = Browser(f"{self.origin}/push/{name}")
        self.browsers[f"/push/{name}"] = browser
        return browser

    def verify_vapid(self, authorization: str) -> dict[str, Any]:
        scheme, _, params = authorization.partition(" ")
        assert scheme.lower() == "vapid", authorization
        fields = dict(part.split("=", 1) for part in params.split(","))
        token, key = fields["t"], fields["k"]
        header, claims, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
        raw = unb64(signature)
        assert len(raw) == 64, "ES256 signatures are r||s, 64 bytes"
        der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        assert json.loads(unb64(header)) == {"typ": "JWT", "alg": "ES256"}
        body = json.loads(unb64(claims))
        assert body["aud"] == self.origin
        assert time.time() < body["exp"] <= time.time() + DAY
        assert body["sub"].startswith(("mailto:", "https:"))
        return dict(body)

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        headers = {k.lower(): v for k, v in headers.items()}
        if path in self.gone:
            return 410, ""
        browser = self.browsers.get(path)
        if browser is None:
            return 404, f"unknown {path}"
        if "ttl" not in headers:
            return 400, "no TTL"
        if headers.get("content-encoding") != "aes128gcm":
            return 415, f"encoding {headers.get('content-encoding')}"
        try:
            claims = self.verify_vapid(headers.get("authorization", ""))
        except (AssertionError, InvalidSignature, KeyError, ValueError) as error:
            return 401, f"vapid {error!r}"
        plain = http_ece.decrypt(
            body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
        )
        self.delivered.append(Delivery(path, json.loads(plain), int(headers["ttl"]), claims))
        return 201, ""

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
