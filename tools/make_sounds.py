"""Regenerate the bundled alarm sounds (resources/sounds/*.wav) from simple tones.

Run: .venv/bin/python tools/make_sounds.py — the WAVs are committed; this documents how they were made.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds"

# name: list of (frequency Hz, seconds); 0 Hz is silence
PATTERNS: dict[str, list[tuple[float, float]]] = {
    "sos": [(1046, 0.18), (0, 0.05), (784, 0.18), (0, 0.05)] * 3,  # urgent two-tone
    "vehicle": [(880, 0.25), (0, 0.08), (880, 0.25), (0, 0.08), (660, 0.35)],
    "sla": [(660, 0.3), (0, 0.1), (523, 0.45)],  # falling: "time is up"
    "default": [(740, 0.22), (0, 0.1), (740, 0.22)],
}


def tone(freq: float, seconds: float) -> list[int]:
    count = int(RATE * seconds)
    fade = min(count // 2, int(RATE * 0.01))
    samples = []
    for i in range(count):
        envelope = min(1.0, i / fade, (count - i) / fade) if fade else 1.0
        value = math.sin(2 * math.pi * freq * i / RATE) if freq else 0.0
        samples.append(int(0.45 * 32767 * envelope * value))
    return samples


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, pattern in PATTERNS.items():
        samples = [s for freq, secs in pattern for s in tone(freq, secs)]
        with wave.open(str(OUT / f"{name}.wav"), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(struct.pack(f"<{len(samples)}h", *samples))


if __name__ == "__main__":
    main()
