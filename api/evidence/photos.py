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


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    media_type: str
    width: int
    height: int


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


def clean(data: bytes, declared_type: str | None, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """Checks and re-encodes one photo, or raises a domain error saying what is wrong."""
    if len(data) > max_bytes:
        raise PayloadTooLarge("too_large", limit_mb=max(1, max_bytes // (1024 * 1024)))
    kind = sniff(data)
    if kind is None or kind not in ALLOWED or (kind == "heic" and not HEIC_SUPPORTED):
        raise UnsupportedMedia("unsupported_media")
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream" and DECLARED.get(declared) != kind:
        # The upload says it is one thing and is another: refuse rather than guess.
        raise UnsupportedMedia("unsupported_media")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels or width < 1 or height < 1:
                raise PayloadTooLarge("image_too_many_pixels")
            image.load()  # decodes everything: a truncated file fails here
            image = ImageOps.exif_transpose(image) or image
        except PayloadTooLarge:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PayloadTooLarge("image_too_many_pixels") from None
        except UnidentifiedImageError:
            raise UnsupportedMedia("unsupported_media") from None
        except (OSError, ValueError, SyntaxError, EOFError):
            raise InvalidInput("image_broken") from None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if has_alpha:
        pixels = Image.new("RGBA", image.size)
        pixels.paste(image.convert("RGBA"))
        pixels.save(out, format="PNG", optimize=True)
        media_type = "image/png"
    else:
        pixels = Image.new("RGB", image.size)
        pixels.paste(image.convert("RGB"))
        pixels.save(out, format="JPEG", quality=85, optimize=True)
        media_type = "image/jpeg"
    return CleanPhoto(out.getvalue(), media_type, pixels.width, pixels.height)
