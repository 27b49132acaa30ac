"""Photos as a phone takes them, for the demo's hand-ins and the tests: a JPEG of a scene (sky,
grass, a bench; grain like a phone sensor's, so the file is as large as a real one) with the
camera's EXIF: make and model, capture time (``DateTimeOriginal`` + ``OffsetTimeOriginal``) and
GPS position.

A 4000 x 3000 (12 megapixel) photo comes out at 3-5 MB, as a phone's does.
"""

from __future__ import annotations

import io
import math
import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: A point ``metres`` north-east of (lat, lon) is this far in degrees of latitude per metre.
METRES_PER_DEGREE = 111_320.0


def _rational(value: float) -> tuple[float, float, float]:
    """Degrees as EXIF's (degrees, minutes, seconds)."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def moved(lat: float, lon: float, metres: float, bearing_deg: float = 45.0) -> tuple[float, float]:
    """The point ``metres`` away from (lat, lon) in direction ``bearing_deg`` (0 = north)."""
    north = metres * math.cos(math.radians(bearing_deg))
    east = metres * math.sin(math.radians(bearing_deg))
    return (
        lat + north / METRES_PER_DEGREE,
        lon + east / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def camera_exif(taken_at: int | None, lat: float | None, lon: float | None) -> Image.Exif:
    """A phone camera's EXIF: make, model, capture time in Dutch local time, GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "Fairphone"  # Make
    exif[0x0110] = "FP5"  # Model
    exif[0x0131] = "Camera 2.1"  # Software
    if taken_at is not None:
        local = datetime.fromtimestamp(taken_at, UTC).astimezone(AMSTERDAM)
        stamp = local.strftime("%Y:%m:%d %H:%M:%S")
        offset = local.strftime("%z")
        exif[0x0132] = stamp  # DateTime
        sub = exif.get_ifd(0x8769)
        sub[0x9003] = stamp  # DateTimeOriginal
        sub[0x9004] = stamp  # DateTimeDigitized
        sub[0x9011] = f"{offset[:3]}:{offset[3:]}"  # OffsetTimeOriginal
        sub[0x829A] = 1 / 250  # ExposureTime
        sub[0x8827] = 100  # ISO
    if lat is not None and lon is not None:
        gps = exif.get_ifd(0x8825)
        gps[0] = b"\x02\x02\x00\x00"  # GPSVersionID
        gps[1] = "N" if lat >= 0 else "S"
        gps[2] = _rational(lat)
        gps[3] = "E" if lon >= 0 else "W"
        gps[4] = _rational(lon)
    return exif


def scene(width: int, height: int, seed: int, after: bool) -> Image.Image:
    """A park bench under a sky, before (grey, litter) or after (green, clean) the work."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (150 + rng.randint(-20, 20), 190, 225))
    draw = ImageDraw.Draw(image)
    horizon = int(height * (0.5 + rng.uniform(-0.08, 0.08)))
    draw.rectangle((0, horizon, width, height), fill=(80, 130 + rng.randint(-15, 15), 60))
    for _ in range(6):  # trees
        x = rng.randint(0, width)
        r = rng.randint(width // 16, width // 7)
        draw.ellipse(
            (x - r, horizon - 2 * r, x + r, horizon), fill=(40, 90 + rng.randint(0, 40), 40)
        )
    left, right = int(width * rng.uniform(0.2, 0.3)), int(width * rng.uniform(0.7, 0.8))
    seat = int(height * 0.62)
    paint = (40, 120, 70) if after else (120, 110, 100)
    draw.rectangle((left, seat, right, seat + height // 18), fill=paint)
    draw.rectangle((left, seat - height // 8, right, seat - height // 14), fill=paint)
    for leg in (left + width // 40, right - width // 40):
        draw.rectangle(
            (leg - width // 120, seat, leg + width // 120, seat + height // 7), fill=(50, 50, 50)
        )
    if not after:  # litter on the grass
        for _ in range(25):
            x, y = rng.randint(0, width), rng.randint(seat + height // 7, height)
            s = rng.randint(width // 200, width // 60)
            draw.rectangle(
                (x, y, x + s, y + s // 2), fill=(rng.randint(150, 255), rng.randint(0, 255), 200)
            )
    if after:  # taken again a while later: a step aside, the framing shifted as a person's is
        dx, dy = int(width * 0.09), int(height * 0.05)
        image = image.crop((dx, dy, width, height)).resize((width, height))
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    return Image.blend(image, grain, 0.3)


def phone_photo(
    *,
    width: int = 4000,
    height: int = 3000,
    seed: int = 1,
    after: bool = False,
    taken_at: int | None = None,
    lat: float | None = None,
    lon: float | None = None,
    quality: int = 92,
) -> bytes:
    """A JPEG as a phone saves it, with camera EXIF (capture time and GPS when given)."""
    out = io.BytesIO()
    scene(width, height, seed, after).save(
        out, "JPEG", quality=quality, exif=camera_exif(taken_at, lat, lon)
    )
    return out.getvalue()


def exif_segment(jpeg: bytes) -> bytes:
    """The APP1 EXIF payload (``Exif\\0\\0`` + TIFF) of a JPEG, as the page sends it beside a
    photo it shrank; empty when there is none."""
    i = 2
    while i + 4 <= len(jpeg) and jpeg[i] == 0xFF:
        marker, size = jpeg[i + 1], int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if marker == 0xDA:
            break
        body = jpeg[i + 4 : i + 2 + size]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            return body
        i += 2 + size
    return b""
