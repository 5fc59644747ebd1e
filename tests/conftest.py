"""Test-wide setup: headless Qt, QtWebEngine without the Chromium sandbox, isolated user dirs."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
# Every test run gets its own data, cache, config and log directories: nothing touches the user's.
_HOME = tempfile.mkdtemp(prefix="sety-test-home-")
for _var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = os.path.join(_HOME, _var.lower())
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
os.environ.pop("SETY_API_KEY", None)
os.environ.pop("SETY_API_URL", None)
