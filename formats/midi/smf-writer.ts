/**
 * Writes Standard MIDI File bytes (SMF 1.0): the header, then one `MTrk` chunk per track,
 * with variable-length delta times and running status. Written here rather than with
 * midi-file's writer, which copies the whole track for every multi-byte value it writes and
 * so takes seconds for an orchestral score.
 */
export type SmfOutEvent =
  | { tick: number; status: number; data: readonly number[] }
  | { tick: number; metaType: number; bytes: Uint8Array };

export function writeSmf(ticksPerQuarter: number, tracks: SmfOutEvent[][]): Uint8Array {
  const out: number[] = [...ascii("MThd"), 0, 0, 0, 6, 0, 1];
  out.push(tracks.length >> 8, tracks.length & 0xff, ticksPerQuarter >> 8, ticksPerQuarter & 0xff);
  for (const events of tracks) {
    const body = trackBody(events);
    out.push(...ascii("MTrk"), ...uint32(body.length));
    for (const byte of body) out.push(byte);
  }
  return Uint8Array.from(out);
}

/** Events must be in time order; the track ends with End of Track at its last event. */
function trackBody(events: SmfOutEvent[]): number[] {
  const body: number[] = [];
  let previousTick = 0;
  let runningStatus = -1;
  for (const event of events) {
    pushVarInt(body, event.tick - previousTick);
    previousTick = event.tick;
    if ("status" in event) {
      if (event.status !== runningStatus) body.push(event.status);
      runningStatus = event.status;
      for (const byte of event.data) body.push(byte & 0x7f);
    } else {
      // Meta events cancel running status (SMF 1.0, "Running Status").
      runningStatus = -1;
      body.push(0xff, event.metaType);
      pushVarInt(body, event.bytes.length);
      for (const byte of event.bytes) body.push(byte);
    }
  }
  body.push(0, 0xff, 0x2f, 0);
  return body;
}

function pushVarInt(out: number[], value: number): void {
  const bytes = [value & 0x7f];
  for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) {
    bytes.unshift((v & 0x7f) | 0x80);
  }
  out.push(...bytes);
}

function uint32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}
