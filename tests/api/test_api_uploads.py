"""Evidence uploads: only real photos within the limits are stored, cleaned of EXIF data."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import httpx
import pytest
from api_support import PUBLIC_URL, Stack, sign_in
from PIL import Image

pytestmark = pytest.mark.anyio


def jpeg(width: int = 64, height: int = 48, exif: bool = True) -> bytes:
    image = Image.new("RGB", (width, height), (30, 120, 200))
    out = io.BytesIO()
    data = Image.Exif()
    if exif:
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0110] = "Phone 12"  # Model
        data[0x8825] = {2: (50.0, 53.0, 17.0), 4: (5.0, 58.0, 42.0)}  # GPS
    image.save(out, format="JPEG", exif=data)
    return out.getvalue()


def png_bomb() -> bytes:
    """A small PNG that claims 30,000 x 30,000 pixels (900 megapixels)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        )

    header = (30_000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    rows = zlib.compress(b"\x00" * (30_001) * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def commission_small_task(stack: Stack) -> int:
    deadline = stack.now() + 30 * 86_400
    stack.send(stack.wesh.commission_task("bafkreismalltask", 100, 1, deadline, 86_400, 1), "admin")
    return stack.wesh.counts()[2]


def stored_files(stack: Stack) -> set[Path]:
    return set(stack.content_dir.rglob("*")) if stack.content_dir.exists() else set()


async def upload(
    http: httpx.AsyncClient,
    task_id: int,
    before: tuple[str, bytes, str],
    after: tuple[str, bytes, str],
) -> httpx.Response:
    return await http.post(
        f"/me/tasks/{task_id}/evidence", files={"before": before, "after": after}
    )


@pytest.fixture
async def citizen(app: object, stack: Stack) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    http = httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL)
    await sign_in(http, stack, "citizen")
    return http


async def test_photos_are_stored_without_exif_and_the_submission_is_prepared(
    citizen: httpx.AsyncClient, stack: Stack
) -> None:
    photo = jpeg()
    assert b"PhoneMaker" in photo
    before = stored_files(stack)
    # A task the citizen has already submitted: refused before anything is stored.
    reply = await upload(
        citizen,
        stack.tasks["stickers"],
        ("b.jpg", photo, "image/jpeg"),
        ("a.jpg", photo, "image/jpeg"),
    )
    assert reply.status_code == 422 and reply.json()["code"] == "contract_refused"
    assert stored_files(stack) == before

    task_id = commission_small_task(stack)
    stack.send(stack.wesh.claim_task(task_id), "citizen")
    reply = await upload(
        citizen, task_id, ("b.jpg", photo, "image/jpeg"), ("a.jpg", photo, "image/jpeg")
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (
        body["tx"]["function"] == "submit"
        and body["tx"]["from"] == stack.accounts["citizen"].address
    )
    photo_cid = body["photos"][0]["cid"]
    stored = (stack.content_dir / photo_cid).read_bytes()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}
    # The owner may fetch the photo; another citizen may not; a reviewer may.
    assert (await citizen.get(f"/evidence/{photo_cid}")).status_code == 200
    transport = httpx.ASGITransport(app=citizen._transport.app)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as other:
        await sign_in(other, stack, "citizen2")
        assert (await other.get(f"/evidence/{photo_cid}")).status_code == 403
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as reviewer:
        await sign_in(reviewer, stack, "reviewer")
        assert (await reviewer.get(f"/evidence/{photo_cid}")).status_code == 200


@pytest.mark.parametrize(
    ("name", "before", "status", "code"),
    [
        (
            "wrong type",
            ("notes.txt", b"just some text, not a photo", "text/plain"),
            415,
            "photo_not_a_photo",
        ),
        ("lies about its type", ("x.png", jpeg(), "image/png"), 415, "photo_not_a_photo"),
        ("truncated", ("x.jpg", jpeg(640, 480)[:600], "image/jpeg"), 422, "photo_broken"),
        ("decompression bomb", ("bomb.png", png_bomb(), "image/png"), 413, "photo_too_many_pixels"),
        (
            "oversized",
            ("big.jpg", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "image/jpeg"),
            413,
            "photo_too_large",
        ),
    ],
)
async def test_bad_uploads_are_refused_and_nothing_is_stored(
    citizen: httpx.AsyncClient,
    stack: Stack,
    name: str,
    before: tuple[str, bytes, str],
    status: int,
    code: str,
) -> None:
    files_before = stored_files(stack)
    reply = await upload(citizen, stack.tasks["bench"], before, ("a.jpg", jpeg(), "image/jpeg"))
    assert reply.status_code == status, (name, reply.text)
    assert reply.json()["code"] == code
    # A sentence in Dutch by default, naming which of the two photos it is.
    assert "De foto van vóór het werk" in reply.json()["detail"]
    assert reply.json()["params"]["photo"] == "before"
    assert stored_files(stack) == files_before, f"{name}: something was stored"


async def test_refusal_messages_are_in_english_on_request(
    citizen: httpx.AsyncClient, stack: Stack
) -> None:
    reply = await citizen.post(
        f"/me/tasks/{stack.tasks['bench']}/evidence",
        files={
            "before": ("x.txt", b"text", "text/plain"),
            "after": ("y.txt", b"text", "text/plain"),
        },
        headers={"Accept-Language": "en"},
    )
    assert reply.json()["detail"].startswith(
        "The photo from before the work is not a photo we can read"
    )


async def test_uploads_are_rate_limited_per_client(stack: Stack) -> None:
    import secrets

    from api.app import create_app

    limited = create_app(stack.settings(uploads_per_minute=2))
    transport = httpx.ASGITransport(app=limited, client=(f"10.1.{secrets.randbelow(250)}.9", 9))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        await sign_in(http, stack, "citizen2")
        files = {"before": ("x.txt", b"text", "text/plain"), "after": ("y.txt", b"t", "text/plain")}
        codes = [
            (await http.post(f"/me/tasks/{stack.tasks['bench']}/evidence", files=files)).status_code
            for _ in range(4)
        ]
    assert codes == [415, 415, 429, 429]


async def test_evidence_stored_outside_the_api_is_shown_to_reviewers_and_its_citizen(
    app: object, stack: Stack
) -> None:
    from wesh.metadata import FolderStore, encode

    store = FolderStore(stack.content_dir)
    photo_cid = store.put(jpeg(exif=False))
    document_cid = store.put(encode({"schema": "wesh.evidence/1", "photos": [photo_cid]}))
    task_id = commission_small_task(stack)
    stack.send(stack.wesh.claim_task(task_id), "citizen4")
    stack.send(stack.wesh.submit(task_id, document_cid), "citizen4")
    stack.sync()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as reviewer:
        await sign_in(reviewer, stack, "reviewer")
        shown = await reviewer.get(f"/evidence/{photo_cid}")
        assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as owner:
        await sign_in(owner, stack, "citizen4")
        assert (await owner.get(f"/evidence/{document_cid}")).status_code == 200
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as stranger:
        await sign_in(stranger, stack, "citizen3")
        assert (await stranger.get(f"/evidence/{document_cid}")).status_code == 403
