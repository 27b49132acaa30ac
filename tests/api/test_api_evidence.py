"""Evidence that can be trusted (issue #15): a phone's real-size photo is handed in (defect 1);
capture time and distance to the task's pin are read from its metadata and nothing else is kept
(no coordinates in the database, the content store or any document); a reviewer is told when a
photo was taken far away or before the claim, when the same photo was handed in before for
another task or by another resident, and sees the task's reference photo."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import httpx
import pytest
from api_support import PUBLIC_URL, Stack, sign_in
from PIL import Image

from api.app import create_app
from api.evidence import checks, exif
from demo.photos import camera_exif, exif_segment, moved, phone_photo
from wesh.metadata import (
    MAX_DOCUMENT_BYTES,
    ContentError,
    FolderStore,
    encode,
    put_document,
    task_document,
)

pytestmark = pytest.mark.anyio

PIN = (50.8868, 5.9743)  # a task's pin in Heerlen-Centrum


def commission(stack: Stack, title: str, pin: tuple[float, float], reference: str | None) -> int:
    deadline = stack.now() + 30 * 86_400
    document = task_document(
        title=title,
        description=f"{title}: beschrijving",
        neighbourhood=1,
        street="Bongerd 1",
        lat=pin[0],
        lon=pin[1],
        reward=500,
        slots=3,
        claim_deadline=deadline,
        claim_duration=7 * 86_400,
        reference_photo=reference,
    )
    cid = put_document(FolderStore(stack.content_dir), document)
    stack.send(stack.wesh.commission_task(cid, 500, 3, deadline, 7 * 86_400, 1), "admin")
    stack.sync()  # residents find a task through the index: it is there before any claim
    return stack.wesh.counts()[2]


def shrunk(jpeg: bytes, quality: int = 85) -> bytes:
    """What the page sends: the photo scaled to 2000 px and re-encoded (no EXIF left)."""
    image = Image.open(io.BytesIO(jpeg))
    image.thumbnail((2000, 2000))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


async def hand_in(
    http: httpx.AsyncClient,
    stack: Stack,
    task_id: int,
    who: str,
    files: dict[str, tuple[str, bytes, str]],
) -> dict:
    """Hands in through the API and sends the prepared submission, as the page does."""
    reply = await http.post(f"/me/tasks/{task_id}/evidence", files=files)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    stack.send(stack.wesh.submit(task_id, body["evidence_cid"]), who)
    return body


def coordinates_text(lat: float, lon: float) -> list[bytes]:
    """How the photo's position could appear if it were kept anywhere (5 decimals: 1 m; the
    task's own pin, which is public, is 40 m away)."""
    return [f"{lat:.5f}".encode(), f"{lon:.5f}".encode()]


def test_exif_facts_time_zone_and_position() -> None:
    taken = 1_796_000_000
    spot = moved(*PIN, 120, 80)
    found = exif.facts(exif.load_segment(camera_exif(taken, *spot).tobytes()), PIN)
    assert found.taken_at == taken and found.distance_m == 120
    # A camera without an offset writes Dutch local time: read as such.
    bare = camera_exif(taken, None, None)
    bare.get_ifd(0x8769).pop(0x9011)
    assert exif.facts(bare, PIN) == exif.PhotoFacts(taken_at=taken, distance_m=None)
    # No fix (0, 0), south/west references, no pin, garbage, an oversized segment.
    assert exif.facts(camera_exif(None, 0.0, 0.0), PIN).distance_m is None
    far = exif.facts(camera_exif(None, -PIN[0], -PIN[1]), PIN).distance_m
    assert far is not None and far > 10_000_000
    assert exif.facts(camera_exif(taken, *spot), None) == exif.PhotoFacts(taken, None)
    assert exif.load_segment(b"Exif\x00\x00not a tiff") is None
    assert exif.load_segment(b"Exif\x00\x00II*\x00" + b"\x00" * (64 * 1024)) is None
    assert exif.facts(None, PIN) == exif.PhotoFacts()


def test_a_damaged_exif_block_gives_no_facts_and_no_error() -> None:
    """2,000 blocks with bytes changed or cut short: facts or nothing, never an exception."""
    import random
    import warnings

    base = camera_exif(1_796_000_000, *moved(*PIN, 50)).tobytes()
    chance = random.Random(15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and quietly: nothing for the logs
        for _ in range(2000):
            damaged = bytearray(base)
            for _ in range(chance.randint(1, 12)):
                damaged[chance.randrange(6, len(damaged))] = chance.randrange(256)
            if chance.random() < 0.2:
                damaged = damaged[: chance.randrange(6, len(damaged))]
            found = exif.facts(exif.load_segment(bytes(damaged)), PIN)
            assert isinstance(found, exif.PhotoFacts)


def test_store_has_a_photo_limit_and_a_document_limit(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    photo = shrunk(phone_photo(seed=5))
    assert len(photo) > MAX_DOCUMENT_BYTES  # a shrunk phone photo is over the document limit
    assert store.get(store.put(photo)) == photo
    with pytest.raises(ContentError, match="document is"):
        store.put(encode({"text": "x" * MAX_DOCUMENT_BYTES}))
    with pytest.raises(ContentError, match="photo is"):
        store.put(b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024))


def test_perceptual_hash_threshold() -> None:
    """The decisive cases of the measurement in api/evidence/checks.py."""
    original = phone_photo(width=1600, height=1200, seed=11, after=True)
    one = checks.phash_of(original)
    again = checks.phash_of(shrunk(original, 60))
    small = Image.open(io.BytesIO(original))
    small.thumbnail((640, 640))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=70)
    other_scene = checks.phash_of(phone_photo(width=1600, height=1200, seed=12, after=True))
    assert one and again and other_scene
    assert checks.bits_apart(one, again) <= checks.REUSE_BITS
    assert checks.bits_apart(one, str(checks.phash_of(out.getvalue()))) <= checks.REUSE_BITS
    assert checks.bits_apart(one, other_scene) > checks.REUSE_BITS


async def test_a_12_megapixel_phone_photo_is_handed_in_and_only_time_and_distance_kept(
    app: object, stack: Stack
) -> None:
    task_id = commission(stack, "Bankje Bongerd", PIN, None)
    stack.send(stack.wesh.claim_task(task_id), "citizen2")
    taken = stack.now() - 600
    spot = moved(*PIN, 40, 200)
    before = phone_photo(seed=21, taken_at=taken, lat=spot[0], lon=spot[1])
    assert Image.open(io.BytesIO(before)).size == (4000, 3000) and len(before) > 3_000_000
    after = phone_photo(seed=21, after=True, taken_at=taken + 300, lat=spot[0], lon=spot[1])
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        await sign_in(http, stack, "citizen2")
        # The "before" as the phone took it; the "after" as the page sends it: shrunk (over
        # 256 KiB still), its EXIF segment beside it.
        small = shrunk(after)
        assert len(small) > MAX_DOCUMENT_BYTES
        body = await hand_in(
            http,
            stack,
            task_id,
            "citizen2",
            {
                "before": ("IMG_0001.jpg", before, "image/jpeg"),
                "after": ("photo.jpg", small, "image/jpeg"),
                "after_exif": ("exif.bin", exif_segment(after), "application/octet-stream"),
            },
        )
        first, second = body["photos"]
        assert (first["width"], first["height"]) == (2000, 1500)
        assert first["taken_at"] == taken and second["taken_at"] == taken + 300
        assert first["distance_m"] == 40 and second["distance_m"] == 40
        document = (await http.get(f"/evidence/{body['evidence_cid']}")).content
        assert json.loads(document)["photos"][1]["distance_m"] == 40
    # The position is nowhere: not in the stored photos, documents or the database.
    stored = b"".join(p.read_bytes() for p in stack.content_dir.iterdir())
    database = Path(stack.database_url.removeprefix("sqlite:///")).read_bytes()
    for text in coordinates_text(*spot):
        assert text not in stored and text not in database, text
    for photo in body["photos"]:
        assert (
            Image.open(io.BytesIO((stack.content_dir / photo["cid"]).read_bytes())).getexif() == {}
        )


async def test_a_photo_without_metadata_and_a_refused_after_photo(
    app: object, stack: Stack
) -> None:
    task_id = commission(stack, "Stoep vegen Pancratiusplein", PIN, None)
    stack.send(stack.wesh.claim_task(task_id), "citizen3")
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        await sign_in(http, stack, "citizen3")
        plain = shrunk(phone_photo(width=1200, height=900, seed=31))
        reply = await http.post(
            f"/me/tasks/{task_id}/evidence",
            files={
                "before": ("a.jpg", plain, "image/jpeg"),
                "after": ("notes.txt", b"not a photo", "text/plain"),
            },
        )
        problem = reply.json()
        assert reply.status_code == 415 and problem["code"] == "photo_not_a_photo"
        assert problem["params"]["photo"] == "after"
        assert problem["detail"].startswith("De foto van na het werk is geen foto")
        # A store that cannot take photos now (an IPFS node down): a temporary outage, in words.
        evidence = app.state.services.evidence  # type: ignore[attr-defined]
        working = evidence.content

        class Down:
            """Reads as before; refuses every upload."""

            def put(self, data: bytes) -> str:
                raise ContentError("IPFS node refused the upload (502)")

            def get(self, cid: str) -> bytes:
                return bytes(working.get(cid))

            def has(self, cid: str) -> bool:
                return bool(working.has(cid))

        evidence.content = Down()
        try:
            reply = await http.post(
                f"/me/tasks/{task_id}/evidence",
                files={
                    "before": ("a.jpg", plain, "image/jpeg"),
                    "after": ("b.jpg", plain, "image/jpeg"),
                },
            )
        finally:
            evidence.content = working
        assert reply.status_code == 503 and reply.json()["code"] == "evidence_store_unavailable"
        assert reply.json()["detail"].startswith("Je foto's konden nu niet worden bewaard.")
        body = await hand_in(
            http,
            stack,
            task_id,
            "citizen3",
            {"before": ("a.jpg", plain, "image/jpeg"), "after": ("b.jpg", plain, "image/jpeg")},
        )
        assert [(p["taken_at"], p["distance_m"]) for p in body["photos"]] == [(None, None)] * 2


async def test_reviewer_sees_reuse_distance_time_and_reference_photo(
    app: object, stack: Stack, pg_url: str
) -> None:
    store = FolderStore(stack.content_dir)
    reference = store.put(shrunk(phone_photo(width=1600, height=1200, seed=41)))
    first_task = commission(stack, "Afval rapen Emmaplein", PIN, None)
    second_task = commission(stack, "Bladeren harken Schelsberg", (50.8790, 5.9810), reference)
    now = stack.now()
    reused = phone_photo(width=2400, height=1800, seed=42, after=True, taken_at=now - 100)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        await sign_in(http, stack, "citizen")
        stack.send(stack.wesh.claim_task(first_task), "citizen")
        near = moved(*PIN, 25)
        first = await hand_in(
            http,
            stack,
            first_task,
            "citizen",
            {
                "before": (
                    "b.jpg",
                    phone_photo(
                        width=1600,
                        height=1200,
                        seed=43,
                        taken_at=now - 200,
                        lat=near[0],
                        lon=near[1],
                    ),
                    "image/jpeg",
                ),
                "after": ("a.jpg", reused, "image/jpeg"),
            },
        )
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        await sign_in(http, stack, "citizen4")
        stack.send(stack.wesh.claim_task(second_task), "citizen4")
        # Taken three days before the claim, 1.4 km from the place; the "after" is the same
        # photo citizen 1 handed in for the first task, shrunk and re-encoded.
        far = moved(50.8790, 5.9810, 1400, 300)
        second = await hand_in(
            http,
            stack,
            second_task,
            "citizen4",
            {
                "before": (
                    "b.jpg",
                    phone_photo(
                        width=1600,
                        height=1200,
                        seed=44,
                        taken_at=now - 3 * 86_400,
                        lat=far[0],
                        lon=far[1],
                    ),
                    "image/jpeg",
                ),
                "after": ("a.jpg", shrunk(reused, 70), "image/jpeg"),
            },
        )
        # Only reviewers are told.
        assert (
            await http.get(f"/city/evidence/{second['evidence_cid']}/checks")
        ).status_code == 403
    stack.sync()
    citizen_ids = {
        who: stack.wesh.account(stack.accounts[who].address).id for who in ("citizen", "citizen4")
    }

    async def look(application: object) -> None:
        transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as reviewer:
            await sign_in(reviewer, stack, "reviewer")
            reply = await reviewer.get(f"/city/evidence/{second['evidence_cid']}/checks")
            assert reply.status_code == 200, reply.text
            seen = reply.json()
            assert seen["reference_photo"] == reference
            assert seen["task_id"] == second_task and seen["citizen_id"] == citizen_ids["citizen4"]
            before, after = seen["photos"]
            assert abs(before["distance_m"] - 1400) <= 5  # (moved() is a flat-earth step)
            assert before["far"] and before["before_claim"]
            assert before["reused"] == []
            assert after["distance_m"] is None and not after["far"] and not after["before_claim"]
            (other,) = after["reused"]
            assert other["task_id"] == first_task and other["citizen_id"] == citizen_ids["citizen"]
            assert not other["same_citizen"]
            # The first hand-in is told about the second as well; its own photos are near.
            earlier = (await reviewer.get(f"/city/evidence/{first['evidence_cid']}/checks")).json()
            assert earlier["reference_photo"] is None
            assert earlier["photos"][0]["distance_m"] == 25 and not earlier["photos"][0]["far"]
            assert [r["task_id"] for r in earlier["photos"][1]["reused"]] == [second_task]
            # The reference photo is shown to the reviewer like evidence.
            shown = await reviewer.get(f"/evidence/{reference}")
            assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
            assert (
                await reviewer.get("/city/evidence/bafkreinothandedin/checks")
            ).status_code == 404

    await look(app)
    # The same on PostgreSQL.
    on_pg = dataclasses.replace(stack, database_url=pg_url)
    on_pg.sync()
    await look(create_app(on_pg.settings()))
