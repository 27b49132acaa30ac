"""Copies the parts of @noble/curves and @noble/hashes the dApp's built-in account uses from
node_modules (``npm ci``, versions pinned in package-lock.json) into ``web/vendor/noble/``.

The npm builds are ES modules that import each other by bare name (``@noble/hashes/sha2.js``),
which a browser cannot resolve without an import map (and the pages' Content-Security-Policy
allows no inline script for one). So the copy follows the imports from the entry points and
rewrites each bare name to a relative path; nothing else changes. ``--check`` only compares
(tests/web/test_web_account.py runs it). Run: ``python tools/vendor_noble.py``.
"""

from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules" / "@noble"
TARGET = ROOT / "web" / "vendor" / "noble"
ENTRIES = ("curves/secp256k1.js", "hashes/sha3.js")
LICENSES = ("curves/LICENSE", "hashes/LICENSE")
# Import statements only (a `from '...'` at the end of a statement); usage examples in comments
# start with " * " and are left alone.
IMPORT = re.compile(r"^((?:import|export)\b[^\n;]*?from\s*)(['\"])([^'\"]+)\2", re.M)
BARE = "@noble/"


def resolve(importer: str, spec: str) -> str:
    if spec.startswith(BARE):
        return spec[len(BARE) :]
    return posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))


def rewrite(importer: str, source: str) -> str:
    def relative(match: re.Match[str]) -> str:
        spec = match.group(3)
        if not spec.startswith(BARE):
            return match.group(0)
        path = posixpath.relpath(resolve(importer, spec), posixpath.dirname(importer))
        if not path.startswith("."):
            path = "./" + path
        return f"{match.group(1)}{match.group(2)}{path}{match.group(2)}"

    return IMPORT.sub(relative, source)


def closure() -> dict[str, str]:
    """Every module reachable from ENTRIES, as {path under @noble: rewritten source}."""
    files: dict[str, str] = {}
    todo = list(ENTRIES)
    while todo:
        name = todo.pop()
        if name in files:
            continue
        source = (NODE / name).read_text(encoding="utf-8")
        files[name] = rewrite(name, source)
        todo.extend(resolve(name, m.group(3)) for m in IMPORT.finditer(source))
    for name in LICENSES:
        files[name] = (NODE / name).read_text(encoding="utf-8")
    return files


def main(argv: list[str]) -> int:
    if not NODE.exists():
        print("node_modules/@noble is missing: run `make install` (npm ci) first", file=sys.stderr)
        return 2
    wanted = closure()
    present = {p.relative_to(TARGET).as_posix() for p in TARGET.rglob("*") if p.is_file()}
    if "--check" in argv:
        stale = sorted(
            name
            for name in wanted.keys() | present
            if name not in present
            or name not in wanted
            or (TARGET / name).read_text(encoding="utf-8") != wanted[name]
        )
        for name in stale:
            print(f"web/vendor/noble/{name} differs from npm: run `make vendor`", file=sys.stderr)
        return 1 if stale else 0
    for name in present - wanted.keys():
        (TARGET / name).unlink()
    for name, text in wanted.items():
        (TARGET / name).parent.mkdir(parents=True, exist_ok=True)
        (TARGET / name).write_text(text, encoding="utf-8")
    print(f"web/vendor/noble: {len(wanted)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
