import { ControlRoomError } from "../../../music/errors.ts";

/**
 * The channel weights Gᵢ of ITU-R BS.1770-5 §2.3 (Table 3): front channels 1.0, the
 * surrounds 1.41 (+1.5 dB), and the LFE channel left out of the sum.
 */

const SURROUND = 1.41;

/** Speaker positions of WAVE_FORMAT_EXTENSIBLE's dwChannelMask (ksmedia.h). */
const SPEAKER_LOW_FREQUENCY = 0x8;
const SPEAKER_BACK_LEFT = 0x10;
const SPEAKER_BACK_RIGHT = 0x20;
const SPEAKER_SIDE_LEFT = 0x200;
const SPEAKER_SIDE_RIGHT = 0x400;
const SURROUND_SPEAKERS =
  SPEAKER_BACK_LEFT | SPEAKER_BACK_RIGHT | SPEAKER_SIDE_LEFT | SPEAKER_SIDE_RIGHT;
const SPEAKER_BITS = 18;

/** Channel orders assumed without a mask: the SMPTE/WAVE order of each layout. */
const DEFAULT_LAYOUTS: Record<number, readonly number[]> = {
  1: [1],
  2: [1, 1],
  // L R C Ls Rs
  5: [1, 1, 1, SURROUND, SURROUND],
  // L R C LFE Ls Rs
  6: [1, 1, 1, 0, SURROUND, SURROUND],
};

/**
 * Weights for `channels` channels. A WAVE_FORMAT_EXTENSIBLE mask, when given and not 0,
 * says which speaker each channel feeds, in the order of its set bits; bits past the last
 * channel are ignored, as that format specifies.
 */
export function channelWeights(channels: number, channelMask: number | null = null): number[] {
  const layout = DEFAULT_LAYOUTS[channels];
  if (layout === undefined) {
    throw new ControlRoomError(
      "E_LOUDNESS_CHANNELS",
      `loudness is measured on mono, stereo, 5.0 and 5.1 audio; this has ${channels} channels`,
      "channels",
    );
  }
  if (channelMask === null || channelMask === 0) return [...layout];
  const weights: number[] = [];
  for (let bit = 0; bit < SPEAKER_BITS && weights.length < channels; bit++) {
    const speaker = 1 << bit;
    if ((channelMask & speaker) === 0) continue;
    if (speaker === SPEAKER_LOW_FREQUENCY) weights.push(0);
    else weights.push(speaker & SURROUND_SPEAKERS ? SURROUND : 1);
  }
  if (weights.length < channels) {
    throw new ControlRoomError(
      "E_LOUDNESS_CHANNELS",
      `the channel mask 0x${channelMask.toString(16)} names ${weights.length} speakers for ${channels} channels, so channel ${weights.length + 1} has no position to weight it by`,
      "channelMask",
    );
  }
  return weights;
}
