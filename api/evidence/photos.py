"""Evidence photos: checked by content, cleaned of location and device data, re-encoded.

A photo is accepted only if its bytes are a JPEG, PNG, WebP or HEIC image whatever the upload
claims, it is within the byte and pixel limits, and it decodes completely. What is stored is a
fresh encoding of the pixels alone (JPEG, or PNG when the image has transparency), turned upright
first: no EXIF, GPS, maker notes, XMP or ICC data survives, so the photo says nothing about where
a phone was or which phone it was. The stored bytes are addressed by their CID.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from api.errors import InvalidInput, PayloadTooLarge, UnsupportedMedia

try:  # HEIC photos from iPhones; the wheel bundles libheif.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - the dependency is in the lock file
    HEIC_SUPPORTED = False

ALLOWED = {"jpeg", "png", "webp", "heic"}
DECLARED = {
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heic",
}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


#: The longest side of a stored photo. The page shrinks a phone photo to this before it uploads it;
#: a photo that comes bigger (a HEIC the browser could not read, a page without the shrinking) is
#: shrunk here, so what a reviewer loads stays the size of one phone screen twice over.
MAX_SIDE = 2000
#: Largest stored photo. A 2000 px JPEG at quality 85 is 0.3-0.9 MB for a phone photo (a noisy
#: night shot up to ~1.6 MB); above this the quality steps down before anything is refused.
MAX_STORED_PHOTO_BYTES = 3 * 1024 * 1024
#: JPEG qualities tried in turn until the photo fits MAX_STORED_PHOTO_BYTES.
QUALITIES = (85, 75, 60)


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    media_type: str
    width: int
    height: int
    #: The original's EXIF block (read before it is dropped), for ``api.evidence.exif.facts``;
    #: never stored.
    exif: Image.Exif | None = None


def sniff(data: bytes) -> str | None:
    """The image type the bytes really are, from their signature."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "heic"
    return None


def media_type_of(data: bytes) -> str:
    """The media type of stored evidence: an image type by signature, else a JSON document."""
    kind = sniff(data)
    return f"image/{kind}" if kind else "application/json"


def clean(
    data: bytes,
    declared_type: str | None,
    max_bytes: int,
    max_pixels: int,
    role: str = "photo",
    max_stored: int = MAX_STORED_PHOTO_BYTES,
) -> CleanPhoto:
    """Checks and re-encodes one photo, or raises a domain error saying what is wrong and which
    photo (``role``: "before" or "after") it is."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            "photo_too_large", photo=role, limit_mb=max(1, max_bytes // (1024 * 1024))
        )
    kind = sniff(data)
    if kind is None or kind not in ALLOWED or (kind == "heic" and not HEIC_SUPPORTED):
        raise UnsupportedMedia("photo_not_a_photo", photo=role)
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream" and DECLARED.get(declared) != kind:
        # The upload says it is one thing and is another: refuse rather than guess.
        raise UnsupportedMedia("photo_not_a_photo", photo=role)
    exif: Image.Exif | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels or width < 1 or height < 1:
                raise PayloadTooLarge("photo_too_many_pixels", photo=role)
            image.load()  # decodes everything: a truncated file fails here
            try:
                exif = image.getexif()
            except (OSError, ValueError, SyntaxError):
                exif = None
            image = ImageOps.exif_transpose(image) or image
        except PayloadTooLarge:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PayloadTooLarge("photo_too_many_pixels", photo=role) from None
        except UnidentifiedImageError:
            raise UnsupportedMedia("photo_not_a_photo", photo=role) from None
        except (OSError, ValueError, SyntaxError, EOFError):
            raise InvalidInput("photo_broken", photo=role) from None
    if max(image.size) > MAX_SIDE:
        image = image.copy()
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if has_alpha:
        pixels = Image.new("RGBA", image.size)
        pixels.paste(image.convert("RGBA"))
        pixels.save(out, format="PNG", optimize=True)
        media_type = "image/png"
        if out.tell() > max_stored:  # a huge transparent image: its pixels as a JPEG instead
            pixels = pixels.convert("RGB")
            has_alpha = False
    if not has_alpha:
        pixels = Image.new("RGB", image.size)
        pixels.paste(image.convert("RGB"))
        for quality in QUALITIES:
            out = io.BytesIO()
            pixels.save(out, format="JPEG", quality=quality, optimize=True)
            if out.tell() <= max_stored:
                break
        media_type = "image/jpeg"
    if out.tell() > max_stored:
        raise PayloadTooLarge(
            "photo_too_large", photo=role, limit_mb=max(1, max_stored // (1024 * 1024))
        )
    return CleanPhoto(out.getvalue(), media_type, pixels.width, pixels.height, exif)
