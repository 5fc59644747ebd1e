"""Canary: PySide6 6.12.0 leaks a reference to True on every Signal.emit (QT-NOTES); 3.11 then aborts."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    fired = Signal(int)

app = QCoreApplication([])
emitter = Emitter()
seen = []
emitter.fired.connect(seen.append)
before = sys.getrefcount(True)
for i in range(5000):
    emitter.fired.emit(i)
after = sys.getrefcount(True)
print(len(seen), before - after)
"""


def test_signal_emit_does_not_leak_true() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"PySide6 crashed the interpreter: {result.stderr[-2000:]}"
    fired, lost = (int(x) for x in result.stdout.split())
    assert fired == 5000
    assert lost < 100, f"sys.getrefcount(True) fell by {lost}: a crashing PySide6 is installed"
