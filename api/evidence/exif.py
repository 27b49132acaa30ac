"""What a photo's metadata says about the work, read before the metadata is thrown away.

Only two facts are kept: when the photo was taken (``taken_at``, Unix seconds) and how far from the
task's pin (``distance_m``, whole metres). The coordinates themselves are read into local variables,
turned into a distance and dropped: they are not returned, stored, logged or put in any document.

Where the metadata comes from: the page shrinks a phone photo through a canvas, which drops EXIF,
so it sends the original's EXIF segment (the JPEG APP1 payload, ``Exif\\0\\0`` + TIFF) beside the
shrunk photo; a photo sent as it is (small, or HEIC the browser cannot decode) carries its own.

Capture time: ``DateTimeOriginal`` (else ``DateTime``) with ``OffsetTimeOriginal`` when the camera
wrote one, else read as Dutch local time (phones here are on Dutch time), or the GPS time stamp
(UTC) when there is no date at all.
"""

from __future__ import annotations

import math
import struct
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image

#: The largest EXIF segment read (a JPEG APP1 segment is at most 64 KiB).
MAX_EXIF_BYTES = 64 * 1024
#: Where a photo's clock is read when it names no zone.
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
#: Mean Earth radius (m), for the haversine distance.
EARTH_RADIUS_M = 6_371_008.8

DATE_TIME = 0x0132
DATE_TIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4
GPS_TIME, GPS_DATE = 7, 29


@dataclass(frozen=True)
class PhotoFacts:
    """What the metadata says: capture time and distance to the pin; None where it says nothing."""

    taken_at: int | None = None
    distance_m: int | None = None


def load_segment(segment: bytes) -> Image.Exif | None:
    """An EXIF block from a JPEG APP1 payload (``Exif\\0\\0`` + TIFF) or bare TIFF bytes."""
    if not segment or len(segment) > MAX_EXIF_BYTES:
        return None
    body = segment[6:] if segment.startswith(b"Exif\x00\x00") else segment
    if body[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    exif = Image.Exif()
    try:
        with warnings.catch_warnings():  # a damaged block is read as far as it goes, quietly
            warnings.simplefilter("ignore")
            exif.load(body)
    except (OSError, ValueError, SyntaxError, struct.error, IndexError, KeyError):
        return None
    return exif


def _number(value: Any) -> float:
    return float(value)


def _degrees(parts: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_number(p) for p in parts)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if not math.isfinite(value):
        return None
    if str(ref).strip().upper() in ("S", "W"):
        value = -value
    return value


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _taken_at(exif: Image.Exif, gps: dict[int, Any]) -> int | None:
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    text = sub.get(DATE_TIME_ORIGINAL) or exif.get(DATE_TIME)
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    if isinstance(text, str):
        try:
            local = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:
            local = None
        if local is not None:
            offset = sub.get(OFFSET_TIME_ORIGINAL)
            zone: timezone | ZoneInfo = LOCAL_ZONE
            if isinstance(offset, str) and len(offset) >= 6 and offset[0] in "+-":
                try:
                    hours, minutes = int(offset[1:3]), int(offset[4:6])
                    sign = -1 if offset[0] == "-" else 1
                    zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
                except ValueError:
                    zone = LOCAL_ZONE
            return int(local.replace(tzinfo=zone).timestamp())
    day, clock = gps.get(GPS_DATE), gps.get(GPS_TIME)
    if isinstance(day, str) and clock is not None:
        try:
            h, m, s = (_number(p) for p in clock)
            base = datetime.strptime(day.strip("\x00 "), "%Y:%m:%d").replace(tzinfo=UTC)
            return int((base + timedelta(hours=h, minutes=m, seconds=s)).timestamp())
        except (TypeError, ValueError, ZeroDivisionError):
            return None
    return None


def facts(exif: Image.Exif | None, pin: tuple[float, float] | None) -> PhotoFacts:
    """Capture time, and distance to ``pin`` (the task's lat, lon); the coordinates are dropped.
    Whatever a damaged block holds, the answer is facts or None, never an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _facts(exif, pin)
        except (OSError, ValueError, TypeError, KeyError, IndexError, struct.error):
            return PhotoFacts()


def _facts(exif: Image.Exif | None, pin: tuple[float, float] | None) -> PhotoFacts:
    if exif is None or (not len(exif) and not exif.get_ifd(ExifTags.IFD.GPSInfo)):
        return PhotoFacts()
    try:
        gps = dict(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except (OSError, ValueError, KeyError):
        gps = {}
    taken = _taken_at(exif, gps)
    metres: int | None = None
    if pin is not None and GPS_LAT in gps and GPS_LON in gps:
        lat = _degrees(gps[GPS_LAT], gps.get(GPS_LAT_REF, "N"))
        lon = _degrees(gps[GPS_LON], gps.get(GPS_LON_REF, "E"))
        # 0,0 is what some phones write when they had no fix.
        if (
            lat is not None
            and lon is not None
            and (lat, lon) != (0.0, 0.0)
            and -90 <= lat <= 90
            and -180 <= lon <= 180
        ):
            metres = round(distance_m(lat, lon, pin[0], pin[1]))
    gps.clear()
    return PhotoFacts(taken_at=taken, distance_m=metres)
