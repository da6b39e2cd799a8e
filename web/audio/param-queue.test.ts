import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { type ParamMessage, ParamQueue, paramQueueBytes } from "./param-queue.ts";

const message = (): ParamMessage => ({ target: 0, code: 0, value: 0 });

describe("the parameter queue in shared memory", () => {
  it("hands messages over in order and is empty afterwards", () => {
    const queue = ParamQueue.create(4);
    expect(queue.push(1, 0, -6)).toBe(true);
    expect(queue.push(2, 1, 0.25)).toBe(true);
    expect(queue.size).toBe(2);
    const into = message();
    expect(queue.pop(into)).toBe(true);
    expect(into).toEqual({ target: 1, code: 0, value: -6 });
    expect(queue.pop(into)).toBe(true);
    expect(into).toEqual({ target: 2, code: 1, value: 0.25 });
    expect(queue.pop(into)).toBe(false);
    expect(queue.size).toBe(0);
  });

  it("refuses a message when full instead of overwriting one not yet read", () => {
    const queue = ParamQueue.create(3);
    for (let i = 0; i < 3; i++) expect(queue.push(i, 0, i)).toBe(true);
    expect(queue.push(9, 9, 9)).toBe(false);
    const into = message();
    queue.pop(into);
    expect(into.target).toBe(0);
    expect(queue.push(3, 0, 3)).toBe(true);
    const seen: number[] = [];
    while (queue.pop(into)) seen.push(into.value);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("wraps around its slots many times", () => {
    const queue = ParamQueue.create(5);
    const into = message();
    for (let i = 0; i < 1000; i++) {
      expect(queue.push(i, i % 7, i * 0.5)).toBe(true);
      expect(queue.pop(into)).toBe(true);
      expect(into).toEqual({ target: i, code: i % 7, value: i * 0.5 });
    }
  });

  it("is read on another view of the same buffer, as the audio thread reads it", () => {
    const buffer = new SharedArrayBuffer(paramQueueBytes(8));
    const page = new ParamQueue(buffer);
    const audio = new ParamQueue(buffer);
    page.push(-1, 0, -3);
    const into = message();
    expect(audio.pop(into)).toBe(true);
    expect(into.value).toBe(-3);
    expect(page.size).toBe(0);
  });

  it("loses and reorders nothing between two threads running at once", async () => {
    const total = 200_000;
    const queue = ParamQueue.create(64);
    // The producer runs in a worker thread; this thread consumes while it writes.
    const source = `
      const { workerData, parentPort } = require("node:worker_threads");
      const counters = new Int32Array(workerData, 0, 2);
      const slots = new Float64Array(workerData, 8);
      const capacity = Math.floor(slots.length / 3);
      let sent = 0;
      while (sent < ${total}) {
        const write = Atomics.load(counters, 0);
        if (((write - Atomics.load(counters, 1)) | 0) >= capacity) continue;
        const at = (write % capacity) * 3;
        slots[at] = sent; slots[at + 1] = sent % 5; slots[at + 2] = sent * 2;
        Atomics.store(counters, 0, (write + 1) | 0);
        sent++;
      }
      parentPort.postMessage("done");
    `;
    const worker = new Worker(source, { eval: true, workerData: queue.buffer });
    const into = message();
    let expected = 0;
    let wrong = 0;
    const deadline = Date.now() + 20_000;
    while (expected < total && Date.now() < deadline) {
      if (!queue.pop(into)) continue;
      if (into.target !== expected || into.code !== expected % 5 || into.value !== expected * 2) {
        wrong++;
      }
      expected++;
    }
    await worker.terminate();
    expect(wrong).toBe(0);
    expect(expected).toBe(total);
  });
});
