"""Check that the sdist and the wheel hold every file they must (used by .ci/run).

    python .ci/check_dist.py TRACKED_LIST SDIST WHEEL

TRACKED_LIST is the output of ``git ls-files`` (one path a line). Fails (exit 1)
with the list of problems when:

sdist
  * a tracked file under csrc/, src/ or tests/, or a tracked top-level file
    (README.md, LICENSE, pyproject.toml, setup.py, ...), is missing;
  * it ships compiled objects (.so, .pyd, .o, .dll, .dylib).
  Other tracked files missing (bench/, ...) are listed as a note.

wheel
  * a tracked ``src/shrinkage/**.py``/``.pyi``/``py.typed`` is missing;
  * a tracked ``src/shrinkage/**.pyx`` has no compiled extension module;
  * it ships Cython sources or declarations (``.pyx``, ``.pxd``: the C
    headers the declarations name are not in the wheel, so they could not
    be cimported) or generated C;
  * a runtime dependency other than numpy/scipy is declared (extras aside).
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from pathlib import PurePosixPath

RUNTIME_DEPS = {"numpy", "scipy"}
SDIST_REQUIRED_DIRS = ("csrc/", "src/", "tests/")
NOT_FOR_SDIST = (".ci/", ".github/")
NOT_FOR_WHEEL = (".pyx", ".pxd", ".c", ".cpp", ".h")
BINARY_SUFFIXES = (".so", ".pyd", ".o", ".obj", ".dll", ".dylib", ".a", ".lib")


def sdist_members(path: str) -> set[str]:
    with tarfile.open(path) as tf:
        names = [m.name for m in tf.getmembers() if m.isfile()]
    roots = {n.split("/", 1)[0] for n in names}
    if len(roots) != 1:
        raise SystemExit(f"sdist {path}: expected one top-level folder, got {sorted(roots)}")
    return {n.split("/", 1)[1] for n in names if "/" in n}


def check_sdist(tracked: list[str], path: str) -> tuple[list[str], list[str]]:
    members = sdist_members(path)
    errors, notes = [], []
    if "PKG-INFO" not in members:
        errors.append("sdist: no PKG-INFO")
    for f in tracked:
        if f in members:
            continue
        required = f.startswith(SDIST_REQUIRED_DIRS) or (
            "/" not in f and not f.startswith(".")
        )
        if required:
            errors.append(f"sdist: missing tracked file {f} (add it to MANIFEST.in)")
        elif not f.startswith(NOT_FOR_SDIST) and not PurePosixPath(f).name.startswith("."):
            notes.append(f"sdist: tracked file not shipped (allowed): {f}")
    for m in sorted(members):
        if m.endswith(BINARY_SUFFIXES):
            errors.append(f"sdist: ships a compiled object {m}")
    print(f"sdist {path}: {len(members)} files; {len(tracked)} tracked files compared")
    return errors, notes


def check_wheel(tracked: list[str], path: str) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        metadata_name = next(
            (n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)), None
        )
        metadata = zf.read(metadata_name).decode() if metadata_name else ""
    errors = []
    if not metadata:
        errors.append("wheel: no .dist-info/METADATA")
    for f in tracked:
        if not f.startswith("src/"):
            continue
        rel = PurePosixPath(f).relative_to("src")
        if rel.suffix in (".py", ".pyi") or rel.name == "py.typed":
            if str(rel) not in names:
                errors.append(f"wheel: missing {rel} (from {f})")
        elif rel.suffix == ".pyx":
            # shrinkage/_mod.pyx -> shrinkage/_mod.cpython-311-x86_64-linux-gnu.so / _mod.cp311-win_amd64.pyd
            pattern = re.compile(
                re.escape(str(rel.with_suffix(""))) + r"\.[^/]*(so|pyd)"
            )
            if not any(pattern.fullmatch(n) for n in names):
                errors.append(f"wheel: no compiled extension for {f}")
    for n in sorted(names):
        if n.endswith(NOT_FOR_WHEEL):
            errors.append(f"wheel: ships {n} (sources and declarations are for the sdist)")
    requires = [
        line.split(":", 1)[1].strip()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:")
    ]
    for req in requires:
        if "extra ==" in req:
            continue
        name = re.match(r"[A-Za-z0-9_.-]+", req).group(0).lower()
        if name not in RUNTIME_DEPS:
            errors.append(f"wheel: unexpected runtime dependency {req!r}")
    compiled = sorted(n for n in names if n.endswith((".so", ".pyd")))
    print(f"wheel {path}: {len(names)} files; compiled modules: {', '.join(compiled) or 'none'}")
    print("wheel runtime requirements: " + "; ".join(r for r in requires if "extra ==" not in r))
    return errors


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    tracked_list, sdist, wheel = argv[1:]
    with open(tracked_list) as fh:
        tracked = [line.strip() for line in fh if line.strip()]
    if not tracked:
        print("no tracked files given", file=sys.stderr)
        return 2
    errors, notes = check_sdist(tracked, sdist)
    errors += check_wheel(tracked, wheel)
    for n in notes:
        print("note:", n)
    for e in errors:
        print("ERROR:", e)
    if errors:
        return 1
    print("sdist and wheel contents: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
