#!/usr/bin/env bash
# Packaging smoke test: build the one-dir bundle on this machine, check what it holds, then start the built
# binary the way a fresh workstation would (no Python, no project, empty environment) and run --self-test.
#
#   packaging/smoke.sh                            # clean build, checks, --version, --help, --self-test
#   SETY_SMOKE_SKIP_BUILD=1 packaging/smoke.sh    # reuse dist/sety-console/ (after packaging/build.sh)
#
# Exit status: 0 passed; 1 a build or bundle check failed; 2 --self-test failed; 3 the binary has no
# --self-test yet. The last line is one JSON object with the figures (build time, bundle size, self-test time).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="$ROOT/dist/sety-console"
BIN="$DIST/sety-console"
TIMEOUT="${SETY_SMOKE_TIMEOUT:-300}"
SMOKE_TMP="$(mktemp -d -t sety-smoke.XXXXXX)"
KEEP_TMP=0
trap '[ "$KEEP_TMP" = 1 ] || rm -rf "$SMOKE_TMP"' EXIT

say() { echo "smoke: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

# One run of the bundle with nothing inherited from this shell: an empty environment except a new empty
# HOME, offscreen Qt and Chromium's sandbox off (CI runs as root), started from a new empty directory.
run_clean() {
    local name="$1"
    shift
    mkdir -p "$SMOKE_TMP/$name/home" "$SMOKE_TMP/$name/cwd"
    (cd "$SMOKE_TMP/$name/cwd" && timeout --kill-after=10 "$TIMEOUT" env -i \
        HOME="$SMOKE_TMP/$name/home" \
        QT_QPA_PLATFORM=offscreen \
        QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox \
        "$BIN" "$@")
}

# --- 1. build -------------------------------------------------------------------------------------------
build_seconds=null
if [ "${SETY_SMOKE_SKIP_BUILD:-0}" != 1 ]; then
    say "building the bundle (clean; this takes several minutes)"
    started=$(date +%s)
    "$ROOT/packaging/build.sh" --clean || fail "packaging/build.sh failed"
    build_seconds=$(($(date +%s) - started))
    say "build took ${build_seconds} s"
fi
[ -x "$BIN" ] || fail "no bundle at $BIN (run packaging/build.sh)"

# --- 2. what the bundle holds -----------------------------------------------------------------------------
must_have=(
    "QtWebEngineProcess"                                   # Chromium's renderer process
    "qtwebengine_resources.pak"
    "icudtl.dat"
    "qtwebengine_locales/en-US.pak"
    "sety_console/resources/leaflet/leaflet.js"
    "sety_console/resources/sounds/sos.wav"
    "sety_console/resources/themes/dark.qss"
    "sety_console/resources/icons/app/sety-console.svg"
    "sety_console/resources/map/map.js"
    "folium/templates"
    "branca/templates"
    "PySide6/QtWebEngineWidgets.abi3.so"
    "PySide6/QtWebChannel.abi3.so"
)
for item in "${must_have[@]}"; do
    [ -n "$(find "$DIST" -path "*/$item" -print -quit)" ] || fail "the bundle lacks $item"
done
must_not_have=("PySide6/Qt3DCore.abi3.so" "PySide6/QtMultimedia.abi3.so" "PySide6/QtQuick3D.abi3.so"
    "PySide6/QtCharts.abi3.so" "PySide6/Qt/qml" "libQt6Multimedia.so.6" "libQt6Charts.so.6")
for item in "${must_not_have[@]}"; do
    [ -z "$(find "$DIST" -path "*/$item" -print -quit)" ] || fail "the bundle holds excluded $item"
done
bundle_mb=$(du -sm "$DIST" | cut -f1)
bundle_files=$(find "$DIST" -type f | wc -l)
say "bundle: ${bundle_mb} MB in ${bundle_files} files; QtWebEngine, resources and templates present"

# --- 3. the binary starts with a clean environment ----------------------------------------------------------
version=$(run_clean version --version) || fail "--version exited non-zero"
[[ "$version" == sety-console\ * ]] || fail "--version printed '$version'"
say "--version: $version"
help_text=$(run_clean help --help) || fail "--help exited non-zero"
say "--help: $(echo "$help_text" | wc -l) lines"

# --- 4. self-test ---------------------------------------------------------------------------------------------
report() {
    printf '{"result": "%s", "build_seconds": %s, "bundle_mb": %s, "bundle_files": %s, "self_test_seconds": %s}\n' \
        "$1" "$build_seconds" "$bundle_mb" "$bundle_files" "$2"
}
if ! grep -q -- "--self-test" <<<"$help_text"; then
    say "self-test not available yet: this build's sety-console does not recognise --self-test"
    report "self-test not available yet" null
    exit 3
fi
say "running --self-test (offscreen, clean environment, timeout ${TIMEOUT} s)"
started=$(date +%s)
rc=0
run_clean self-test --self-test || rc=$?
self_test_seconds=$(($(date +%s) - started))
if [ "$rc" != 0 ]; then
    KEEP_TMP=1
    say "FAIL: --self-test exited $rc after ${self_test_seconds} s (124 = timed out);" \
        "its HOME (logs, settings) is kept in $SMOKE_TMP/self-test/home"
    report "self-test failed (exit $rc)" "$self_test_seconds"
    exit 2
fi
say "--self-test passed in ${self_test_seconds} s"
report passed "$self_test_seconds"
