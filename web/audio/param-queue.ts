/**
 * A lock-free single-producer, single-consumer queue of parameter changes in a
 * SharedArrayBuffer: the page writes, the audio thread reads, neither ever waits. A message
 * is three numbers (a target, a parameter code, a value). The write and read counters grow
 * without wrapping (as Int32 they wrap at 2^31 messages, and the difference stays right in
 * two's complement); a slot is written before the write counter is published with
 * Atomics.store, so the reader never sees a half-written message.
 */
export interface ParamMessage {
  target: number;
  code: number;
  value: number;
}

const HEADER_INTS = 2;
const WRITE = 0;
const READ = 1;
const SLOT = 3;

/** Bytes of shared memory a queue of `capacity` messages needs. */
export function paramQueueBytes(capacity: number): number {
  return 8 + capacity * SLOT * 8;
}

export class ParamQueue {
  readonly capacity: number;
  private readonly counters: Int32Array;
  private readonly slots: Float64Array;

  /** Both sides build one on the same buffer; `capacity` is fixed by the buffer's size. */
  constructor(buffer: SharedArrayBuffer) {
    this.counters = new Int32Array(buffer, 0, HEADER_INTS);
    this.slots = new Float64Array(buffer, 8);
    this.capacity = Math.floor(this.slots.length / SLOT);
    if (this.capacity < 1) throw new RangeError("a parameter queue needs room for one message");
  }

  static create(capacity: number): ParamQueue {
    return new ParamQueue(new SharedArrayBuffer(paramQueueBytes(capacity)));
  }

  get buffer(): SharedArrayBuffer {
    return this.counters.buffer as SharedArrayBuffer;
  }

  /** Messages written and not yet read. */
  get size(): number {
    return (Atomics.load(this.counters, WRITE) - Atomics.load(this.counters, READ)) | 0;
  }

  /** Producer side. False when the queue is full: the message is dropped, nothing waits. */
  push(target: number, code: number, value: number): boolean {
    const write = Atomics.load(this.counters, WRITE);
    const read = Atomics.load(this.counters, READ);
    if (((write - read) | 0) >= this.capacity) return false;
    const at = (((write % this.capacity) + this.capacity) % this.capacity) * SLOT;
    this.slots[at] = target;
    this.slots[at + 1] = code;
    this.slots[at + 2] = value;
    Atomics.store(this.counters, WRITE, (write + 1) | 0);
    return true;
  }

  /**
   * Consumer side, allocation-free: copies the oldest message into `into` and returns true,
   * or returns false when the queue is empty.
   */
  pop(into: ParamMessage): boolean {
    const read = Atomics.load(this.counters, READ);
    const write = Atomics.load(this.counters, WRITE);
    if (read === write) return false;
    const at = (((read % this.capacity) + this.capacity) % this.capacity) * SLOT;
    into.target = this.slots[at];
    into.code = this.slots[at + 1];
    into.value = this.slots[at + 2];
    Atomics.store(this.counters, READ, (read + 1) | 0);
    return true;
  }
}
