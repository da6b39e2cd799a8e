import { DELIVERY_PROFILES, type DeliveryProfile } from "./profiles.ts";

/** What a platform's playback will do to a master with these measurements. */
export interface PlatformCheck {
  profile: string;
  name: string;
  targetLufs: number | null;
  /** Gain the platform applies at playback, in dB (negative: turned down). */
  playbackGainDb: number;
  /** The loudness penalty: how much the platform turns the master down (≥ 0 dB). */
  penaltyDb: number;
  /** True peak above the platform's advised ceiling: risks clipping after lossy encoding. */
  truePeakOverCeiling: boolean;
  /** True peak after a raising platform's gain would pass 0 dBTP. */
  clipsAfterGain: boolean;
}

export interface Measured {
  integratedLufs: number;
  truePeakDbtp: number;
}

export function checkPlatform(measured: Measured, profile: DeliveryProfile): PlatformCheck {
  const { integratedLufs, truePeakDbtp } = measured;
  let gain = 0;
  if (
    profile.targetLufs !== null &&
    Number.isFinite(integratedLufs) &&
    profile.normalization !== "none"
  ) {
    gain = profile.targetLufs - integratedLufs;
    if (gain > 0 && profile.normalization === "down") gain = 0;
  }
  return {
    profile: profile.id,
    name: profile.name,
    targetLufs: profile.targetLufs,
    playbackGainDb: gain,
    penaltyDb: Math.max(0, -gain),
    truePeakOverCeiling: truePeakDbtp > advisedCeiling(profile, integratedLufs),
    clipsAfterGain: truePeakDbtp + gain > 0,
  };
}

/** The ceiling a platform advises for a master this loud. */
export function advisedCeiling(profile: DeliveryProfile, integratedLufs: number): number {
  const loud = profile.targetLufs !== null && integratedLufs > profile.targetLufs;
  return loud
    ? (profile.loudMasterCeilingDbtp ?? profile.truePeakCeilingDbtp)
    : profile.truePeakCeilingDbtp;
}

/** The check on every platform that normalises playback, for the loudness report. */
export function checkAllPlatforms(measured: Measured): PlatformCheck[] {
  return DELIVERY_PROFILES.filter((p) => p.normalization !== "none").map((p) =>
    checkPlatform(measured, p),
  );
}

/** Whether a master meets its own profile. */
export function meetsProfile(
  measured: Measured,
  profile: DeliveryProfile,
): { pass: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (profile.targetLufs !== null) {
    const off = measured.integratedLufs - profile.targetLufs;
    if (!(Math.abs(off) <= profile.toleranceLu)) {
      reasons.push(
        `integrated loudness ${measured.integratedLufs.toFixed(1)} LUFS is ${Math.abs(off).toFixed(1)} LU from the ${profile.targetLufs} LUFS target`,
      );
    }
  }
  if (measured.truePeakDbtp > profile.truePeakCeilingDbtp) {
    reasons.push(
      `true peak ${measured.truePeakDbtp.toFixed(2)} dBTP is above the ${profile.truePeakCeilingDbtp} dBTP ceiling`,
    );
  }
  return { pass: reasons.length === 0, reasons };
}
