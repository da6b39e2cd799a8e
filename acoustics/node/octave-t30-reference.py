#!/usr/bin/env python3
"""An independent reading of T30 per octave band, for the tests: SciPy's Butterworth
band-pass (order 3, IEC 61260-1 base-10 band edges) and a Schroeder curve with a
least-squares line from -5 to -35 dB (ISO 3382-1). Nothing shared with the TypeScript code.

usage: octave-t30-reference.py <float64 little-endian samples> <sample rate>
prints {"125": seconds, ...} as JSON
"""
import json
import sys

import numpy as np
from scipy import signal


def t30(band, rate):
    energy = band**2
    onset = int(np.argmax(energy >= energy.max() / 100))
    energy = energy[onset:]
    curve = np.cumsum(energy[::-1])[::-1]
    db = 10 * np.log10(curve / curve[0])
    start = int(np.argmax(db <= -5))
    stop = int(np.argmax(db <= -35))
    t = np.arange(start, stop + 1) / rate
    slope, _ = np.polyfit(t, db[start : stop + 1], 1)
    return -60 / slope


def main():
    samples = np.fromfile(sys.argv[1], dtype="<f8")
    rate = float(sys.argv[2])
    out = {}
    for nominal in (125, 250, 500, 1000, 2000, 4000):
        k = round(10 / 3 * np.log10(nominal / 1000))
        mid = 1000 * 10 ** (3 * k / 10)
        sos = signal.butter(3, [mid * 10**-0.15, mid * 10**0.15], btype="bandpass", fs=rate, output="sos")
        out[str(nominal)] = t30(signal.sosfilt(sos, samples), rate)
    print(json.dumps(out))


main()
