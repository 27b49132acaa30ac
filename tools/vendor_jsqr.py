"""Copies jsQR (the desk's QR decoder where the browser has no ``BarcodeDetector``) from
node_modules (``npm ci``, the version pinned in package-lock.json) into ``web/vendor/jsqr/``.

npm ships one UMD file (``dist/jsQR.js``). The copy wraps it, unchanged, as an ES module: a local
``module`` object for the UMD header to fill, and ``export default`` of what it put there, so the
desk imports it like the other modules (``import('../vendor/jsqr/jsqr.js')``), only when the
camera is used, without a global script. ``--check`` only compares (tests/web/test_web_desk.py
runs it). Run: ``python tools/vendor_jsqr.py`` (``make vendor``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules" / "jsqr"
TARGET = ROOT / "web" / "vendor" / "jsqr"

HEADER = """\
// jsQR {version} (Apache-2.0, https://github.com/cozmo/jsQR): npm's dist/jsQR.js, unchanged
// between the two marked lines, wrapped as an ES module by tools/vendor_jsqr.py.
const module = {{ exports: {{}} }};
const exports = module.exports;
// ---- dist/jsQR.js
"""
FOOTER = """
// ---- end of dist/jsQR.js
export default module.exports;
"""


def wanted() -> dict[str, str]:
    version = json.loads((NODE / "package.json").read_text(encoding="utf-8"))["version"]
    source = (NODE / "dist" / "jsQR.js").read_text(encoding="utf-8")
    return {
        "jsqr.js": HEADER.format(version=version) + source + FOOTER,
        "LICENSE": (NODE / "LICENSE").read_text(encoding="utf-8"),
    }


def main(argv: list[str]) -> int:
    if not NODE.exists():
        print("node_modules/jsqr is missing: run `make install` (npm ci) first", file=sys.stderr)
        return 2
    files = wanted()
    present = {p.name for p in TARGET.glob("*") if p.is_file()} if TARGET.exists() else set()
    if "--check" in argv:
        stale = sorted(
            name
            for name in files.keys() | present
            if name not in present
            or name not in files
            or (TARGET / name).read_text(encoding="utf-8") != files[name]
        )
        for name in stale:
            print(f"web/vendor/jsqr/{name} differs from npm: run `make vendor`", file=sys.stderr)
        return 1 if stale else 0
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in present - files.keys():
        (TARGET / name).unlink()
    for name, text in files.items():
        (TARGET / name).write_text(text, encoding="utf-8")
    print(f"web/vendor/jsqr: {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
