"""Print the oldest Python and runtime dependencies a wheel claims to support.

    python .ci/oldest_deps.py WHEEL

prints one line: ``<min python> <pin> <pin> ...``, e.g.
``3.11 numpy==1.26.* scipy==1.13.*``, read from the wheel's METADATA
(Requires-Python and the ``>=`` lower bounds of its non-extra Requires-Dist).
.ci/run installs those pins next to the wheel to test the lower bounds.
"""

import re
import sys
import zipfile


def main(wheel: str) -> int:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        metadata = zf.read(name).decode()
    min_python, pins = None, []
    for line in metadata.splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        if key == "Requires-Python":
            m = re.search(r">=\s*(\d+\.\d+)", value)
            min_python = m and m.group(1)
        elif key == "Requires-Dist" and "extra ==" not in value:
            m = re.match(r"([A-Za-z0-9_.-]+)\s*\(?\s*>=\s*(\d+(?:\.\d+)*)", value)
            if not m:
                print(f"no lower bound in Requires-Dist: {value}", file=sys.stderr)
                return 1
            pins.append(f"{m.group(1)}=={m.group(2)}.*")
    if not min_python or not pins:
        print("METADATA has no Requires-Python >= or no requirements", file=sys.stderr)
        return 1
    print(min_python, *pins)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
