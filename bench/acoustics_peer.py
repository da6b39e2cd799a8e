#!/usr/bin/env python3
"""The benchmark's peer for `controlroom ir analyze`: the same analysis in NumPy and SciPy.

Reads the recording and the sweep (WAV), deconvolves with the same regularised inverse
filter, filters into IEC 61260 octaves (SciPy's third-order Butterworth band-pass), and reads
EDT, T20, T30 (Schroeder integration with Lundeby's noise handling), C50 and C80 per band and
broadband. Prints JSON: the analysis time (files already read) and the readings.

usage: acoustics_peer.py <recording.wav> <sweep.wav> [runs]
"""
import json
import sys
import time

import numpy as np
from scipy import signal
from scipy.io import wavfile

BANDS = (125, 250, 500, 1000, 2000, 4000)



def read(path):
    rate, data = wavfile.read(path)
    if data.ndim > 1:
        data = data[:, 0]
    if data.dtype == np.int16:
        data = data / 32768.0
    elif data.dtype == np.int32:
        data = data / 2147483648.0
    return rate, data.astype(np.float64)


def deconvolve(recording, sweep, rate, f1=20.0, f2=20000.0):
    active = int(np.flatnonzero(sweep)[-1]) + 1
    tail = len(recording) - active
    # Cyclic deconvolution, as ours: the recording folded onto a period holding the sweep.
    L = active / np.log(f2 / f1)
    size = 1 << int(np.ceil(np.log2(max(active, tail + L * np.log(8)))))
    X = np.fft.rfft(sweep[: min(len(sweep), size)], size)
    folded = np.zeros(size)
    for start in range(0, len(recording), size):
        chunk = recording[start : start + size]
        folded[: len(chunk)] += chunk
    Y = np.fft.rfft(folded, size)
    power = X.real**2 + X.imag**2
    f = np.arange(len(X)) * rate / size
    edge = np.log(2) / 3
    outside = np.zeros_like(f)
    with np.errstate(divide="ignore"):
        low = f < f1
        outside[low] = np.minimum(1, np.log(f1 / np.maximum(f[low], 1e-30)) / edge)
        high = f > f2
        outside[high] = np.minimum(1, np.log(f[high] / f2) / edge)
    outside[0] = 1
    eps = power.max() * (1e-12 + np.where(outside > 0, 0.5 - 0.5 * np.cos(np.pi * outside), 0))
    h = np.fft.irfft(Y * np.conj(X) / (power + eps), size)
    return h[: min(tail, size)]


def blocks_db(energy, block):
    count = max(1, len(energy) // block)
    e = energy[: count * block].reshape(count, block).mean(axis=1)
    return 10 * np.log10(e + 1e-300), (np.arange(count) + 0.5) * block


def fit(x, y):
    if len(x) < 2:
        return 0.0, -1e-9
    slope, intercept = np.polyfit(x, y, 1)
    return intercept, min(slope, -1e-9)


def decay_fit(db, centre, start, top, bottom):
    i = start
    while i < len(db) - 1 and db[i] > top:
        i += 1
    j = i
    while j < len(db) and db[j] > bottom:
        j += 1
    if j - i < 2:
        i = max(0, min(i, len(db) - 2))
        j = min(len(db), i + 2)
    return fit(centre[i:j], db[i:j])


def lundeby(sq, rate):
    n = len(sq)
    env, centre = blocks_db(sq, max(1, round(0.01 * rate)))
    peak_at = int(np.argmax(env))
    peak = env[peak_at]
    tenth = int(0.9 * n)
    noise = 10 * np.log10(sq[tenth:].mean() + 1e-300)
    last = max(2, len(env) // 10)
    _, late_slope = fit(centre[-last:], env[-last:])
    tb = int(0.9 * len(env))
    _, early_slope = fit(centre[peak_at : max(peak_at + 2, tb)], env[peak_at : max(peak_at + 2, tb)])
    ends = early_slope < 0 and late_slope < 0.5 * early_slope
    cross = n
    if ends:
        noise = -np.inf
        line = decay_fit(env, centre, peak_at, env[-1] + 20, env[-1])
    else:
        line = decay_fit(env, centre, peak_at, peak, noise + 10)
        cross = int(np.clip(round((noise - line[0]) / line[1]), min(n, 16), n))
        for _ in range(5):
            block = max(1, round(-10 / line[1] / 5))
            start = min(round(cross - 7.5 / line[1]), tenth)
            noise = 10 * np.log10(sq[max(0, start) :].mean() + 1e-300)
            fine, fcentre = blocks_db(sq, block)
            line = decay_fit(fine, fcentre, 0, noise + 25, noise + 5)
            nxt = int(np.clip(round((noise - line[0]) / line[1]), min(n, 16), n))
            moved = abs(nxt - cross)
            cross = nxt
            if moved < 0.001 * rate:
                break
    noise_power = 10 ** (noise / 10) if np.isfinite(noise) else 0.0
    energy = sq[:cross] - noise_power
    at_cross = 10 ** ((line[0] + line[1] * cross) / 10)
    tail = at_cross * -10 / (line[1] * np.log(10))
    curve = np.cumsum(energy[::-1])[::-1] + tail
    db = 10 * np.log10(np.maximum(curve, 1e-300) / curve[0])
    dyn = peak - env[-1] if ends else peak - noise
    return db, energy, tail, dyn


def read_decay(db, rate, top, bottom):
    start = int(np.argmax(db <= top))
    below = np.flatnonzero(db <= bottom)
    if len(below) == 0:
        return None
    stop = int(below[0])
    if stop - start < 3:
        return None
    t = np.arange(start, stop + 1)
    slope, _ = np.polyfit(t, db[start : stop + 1], 1)
    return -60 / (slope * rate)


def parameters(h, rate):
    sq = h * h
    onset = int(np.argmax(sq >= sq.max() / 100))
    sq = sq[onset:]
    db, energy, tail, dyn = lundeby(sq, rate)
    out = {"dynamicRangeDb": float(dyn)}
    for name, top, bottom in (("edt", 0, -10), ("t20", -5, -25), ("t30", -5, -35)):
        out[name] = read_decay(db, rate, top, bottom) if dyn >= -bottom else None
    for name, split in (("c50", 0.05), ("c80", 0.08)):
        k = round(split * rate)
        out[name] = (
            float(10 * np.log10(energy[:k].sum() / (energy[k:].sum() + tail))) if len(energy) > k else None
        )
    return out


def analyze(recording, sweep, rate):
    h = deconvolve(recording, sweep, rate)
    bands = {}
    for nominal in BANDS:
        k = round(10 / 3 * np.log10(nominal / 1000))
        mid = 1000 * 10 ** (3 * k / 10)
        sos = signal.butter(3, [mid * 10**-0.15, mid * 10**0.15], btype="bandpass", fs=rate, output="sos")
        bands[str(nominal)] = parameters(signal.sosfilt(sos, h), rate)
    bands["broadband"] = parameters(h, rate)
    return bands


def main():
    rate, recording = read(sys.argv[1])
    _, sweep = read(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    times = []
    cpu = []
    for _ in range(runs):
        started = time.perf_counter()
        started_cpu = time.process_time()
        result = analyze(recording, sweep, rate)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    # The last run: the ones before it warm NumPy's FFT plans and the page cache.
    print(json.dumps({"seconds": times[-1], "cpuSeconds": cpu[-1], "bands": result}))


main()
