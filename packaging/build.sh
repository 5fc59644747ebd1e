#!/usr/bin/env bash
# Build the one-dir bundle dist/sety-console/ from packaging/sety-console.spec.
#
#   packaging/build.sh            # incremental (PyInstaller reuses build/pyinstaller/)
#   packaging/build.sh --clean    # from scratch; any argument is passed on to PyInstaller
#
# PyInstaller comes from the project's `packaging` extra, installed into the project venv
# ($SETY_BUILD_VENV, default .venv; created with `pip install -e .[packaging]` when missing).
# The build runs under `nice` ($SETY_BUILD_NICE, default 10) so it stays polite on a shared machine.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${SETY_BUILD_VENV:-$ROOT/.venv}"
NICE="${SETY_BUILD_NICE:-10}"
cd "$ROOT"

if [ ! -x "$VENV/bin/python" ]; then
    echo "build.sh: creating $VENV" >&2
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import PyInstaller, sety_console" 2>/dev/null; then
    echo "build.sh: installing the project with its packaging extra into $VENV" >&2
    "$VENV/bin/pip" install -q --disable-pip-version-check -e ".[packaging]"
fi

echo "build.sh: PyInstaller $("$VENV/bin/python" -m PyInstaller --version) → dist/sety-console/" >&2
nice -n "$NICE" "$VENV/bin/python" -m PyInstaller \
    --noconfirm \
    --log-level WARN \
    --distpath "$ROOT/dist" \
    --workpath "$ROOT/build/pyinstaller" \
    "$@" \
    "$ROOT/packaging/sety-console.spec"

BIN="$ROOT/dist/sety-console/sety-console"
[ -x "$BIN" ] || BIN="$BIN.exe"
echo "build.sh: built $BIN ($(du -sh "$ROOT/dist/sety-console" | cut -f1))" >&2
