import { describe, expect, it } from "vitest";
import type { ControlRoomError } from "../../../music/errors.ts";
import { channelWeights } from "./channel-weights.ts";

describe("channel weights (ITU-R BS.1770-5 Table 3)", () => {
  it("weights mono, stereo, 5.0 (L R C Ls Rs) and 5.1 (L R C LFE Ls Rs) in their usual order", () => {
    expect(channelWeights(1)).toEqual([1]);
    expect(channelWeights(2)).toEqual([1, 1]);
    expect(channelWeights(5)).toEqual([1, 1, 1, 1.41, 1.41]);
    expect(channelWeights(6)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
  });

  it("follows a WAVE_FORMAT_EXTENSIBLE channel mask: LFE out, back and side surrounds at 1.41", () => {
    // 5.1 with back surrounds (0x3F) and with side surrounds (0x60F).
    expect(channelWeights(6, 0x3f)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    expect(channelWeights(6, 0x60f)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    // 5.0 written as L R C Ls Rs with side surrounds.
    expect(channelWeights(5, 0x607)).toEqual([1, 1, 1, 1.41, 1.41]);
    // A 6-channel file whose mask puts the LFE last.
    expect(channelWeights(6, 0x8 | 0x1 | 0x2 | 0x4 | 0x200 | 0x400)).toEqual([
      1, 1, 1, 0, 1.41, 1.41,
    ]);
    // Mask 0 says nothing about positions: the usual order stands.
    expect(channelWeights(2, 0)).toEqual([1, 1]);
    // Bits past the last channel are ignored.
    expect(channelWeights(2, 0x3f)).toEqual([1, 1]);
  });

  it.each([0, 3, 4, 7, 8, 32])("refuses %i channels with E_LOUDNESS_CHANNELS", (channels) => {
    expect(() => channelWeights(channels)).toThrow(
      expect.objectContaining({ code: "E_LOUDNESS_CHANNELS", subject: "channels" }),
    );
  });

  it("refuses a mask that leaves a channel without a speaker", () => {
    const error = (() => {
      try {
        channelWeights(6, 0x7);
      } catch (e) {
        return e as ControlRoomError;
      }
    })();
    expect(error?.code).toBe("E_LOUDNESS_CHANNELS");
    expect(error?.message).toContain("0x7");
  });
});
