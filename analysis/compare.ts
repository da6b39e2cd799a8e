/**
 * A mix measured against a reference track: where their tonal balance differs (four bands and
 * octaves), and by how much their loudness, loudness range and crest factor differ.
 *
 * Band differences compare shares of each track's own total energy, not absolute levels, so a
 * quieter master with the same balance reads 0 dB in every band; the loudness difference is
 * reported on its own.
 */
import type { KeyEstimate } from "./spectrum/key.ts";
import type { SmoothedSpectrum } from "./spectrum/smoothed-spectrum.ts";
import type { TempoEstimate } from "./spectrum/tempo.ts";
import type { BandEnergy } from "./spectrum/tonal-balance.ts";

/**
 * The part of a loudness report (BS.1770-5, EBU R128) a comparison reads. Structural, so the
 * loudness meter's full report can be passed as it is.
 */
export interface LoudnessSummary {
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
  rmsDbfs: number;
}

export interface TrackAnalysis {
  loudness: LoudnessSummary;
  /** The averaged spectrum on a 1/24-octave grid, the same grid for every track. */
  spectrum: SmoothedSpectrum;
  /** Lows, low mids, high mids, highs. */
  tonalBalance: BandEnergy[];
  /** 31.5 Hz … 16 kHz. */
  octaveBands: BandEnergy[];
  /** Sample peak over RMS, dB; NaN for silence. */
  crestFactorDb: number;
  key?: KeyEstimate | null;
  tempo?: TempoEstimate | null;
}

export interface BandDifference {
  label: string;
  /** The band's share of the mix's energy, dB. */
  mixDb: number;
  /** The band's share of the reference's energy, dB. */
  referenceDb: number;
  /** mix − reference: positive where the mix has more of this band than the reference. */
  differenceDb: number;
}

export interface Comparison {
  /** Integrated loudness, mix − reference, LU. */
  loudnessDifferenceLu: number;
  /** Loudness range (EBU Tech 3342), mix − reference, LU. */
  loudnessRangeDifferenceLu: number;
  /** Crest factor, mix − reference, dB: negative where the mix is more compressed. */
  crestFactorDifferenceDb: number;
  /** True peak, mix − reference, dB. */
  truePeakDifferenceDb: number;
  /** The four broad bands. */
  bands: BandDifference[];
  /** The octave bands. */
  octaves: BandDifference[];
}

export function compareToReference(mix: TrackAnalysis, reference: TrackAnalysis): Comparison {
  return {
    loudnessDifferenceLu: difference(
      mix.loudness.integratedLufs,
      reference.loudness.integratedLufs,
    ),
    loudnessRangeDifferenceLu: difference(
      mix.loudness.loudnessRangeLu,
      reference.loudness.loudnessRangeLu,
    ),
    crestFactorDifferenceDb: difference(mix.crestFactorDb, reference.crestFactorDb),
    truePeakDifferenceDb: difference(mix.loudness.truePeakDbtp, reference.loudness.truePeakDbtp),
    bands: bandDifferences(mix.tonalBalance, reference.tonalBalance),
    octaves: bandDifferences(mix.octaveBands, reference.octaveBands),
  };
}

function bandDifferences(mix: BandEnergy[], reference: BandEnergy[]): BandDifference[] {
  return mix.map((band, i) => ({
    label: band.label,
    mixDb: band.shareDb,
    referenceDb: reference[i].shareDb,
    differenceDb: difference(band.shareDb, reference[i].shareDb),
  }));
}

/**
 * a − b in dB, where two silences (−Infinity each) do not differ, and silence against sound
 * differs by ±Infinity. NaN only when a measure has no value at all (crest factor of silence).
 */
function difference(a: number, b: number): number {
  if (a === b) return 0;
  return a - b;
}
