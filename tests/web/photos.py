"""Photos a citizen's phone would take: a "before" and an "after" of a bench (JPEG files)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw


def bench_photos(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, paint in (("voor", (120, 100, 80)), ("na", (20, 120, 60))):
        image = Image.new("RGB", (800, 600), (170, 200, 230))
        draw = ImageDraw.Draw(image)
        draw.rectangle([0, 420, 800, 600], fill=(90, 140, 70))
        draw.rectangle([180, 300, 620, 360], fill=paint)
        draw.rectangle([200, 360, 230, 460], fill=(60, 60, 60))
        draw.rectangle([570, 360, 600, 460], fill=(60, 60, 60))
        path = folder / f"bankje-{name}.jpg"
        image.save(path, "JPEG", quality=80)
        paths.append(path)
    return paths[0], paths[1]


def phone_photos(
    folder: Path,
    *,
    taken_at: int,
    lat: float,
    lon: float,
    seed: int = 1,
    width: int = 4000,
    height: int = 3000,
) -> tuple[Path, Path]:
    """A before and an after photo as a phone saves them: 12 megapixels (4000 x 3000, 3-6 MB)
    with camera EXIF — make, model, DateTimeOriginal (``taken_at``, the after photo 20 minutes
    later) and the GPS position (``lat``, ``lon``)."""
    from demo.photos import phone_photo

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, after, when in (("voor", False, taken_at), ("na", True, taken_at + 1200)):
        path = folder / f"IMG_{seed:04d}_{name}.jpg"
        data = phone_photo(
            width=width, height=height, seed=seed, after=after, taken_at=when, lat=lat, lon=lon
        )
        path.write_bytes(data)
        paths.append(path)
    return paths[0], paths[1]
