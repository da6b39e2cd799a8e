import { ControlRoomError } from "../../music/errors.ts";

/**
 * Delivery targets: what "ready for its audience" means in numbers, per platform.
 * Loudness targets and true-peak ceilings follow the platforms' own documentation where it
 * exists (Spotify for Artists, EBU R128, AES TD1008) and third-party measurements elsewhere.
 */
export interface DeliveryProfile {
  id: string;
  name: string;
  /** Integrated loudness the master is normalised to; null keeps the mix's own loudness. */
  targetLufs: number | null;
  /** How far from the target a master may land and still pass. */
  toleranceLu: number;
  truePeakCeilingDbtp: number;
  /** A stricter ceiling the platform advises for masters louder than its target. */
  loudMasterCeilingDbtp?: number;
  sampleRate: number;
  bitDepth: 16 | 24;
  format: "wav" | "flac";
  /**
   * What the platform's playback normalisation does: "down" only turns loud tracks down,
   * "both" also turns quiet ones up, "none" plays the file as it is.
   */
  normalization: "down" | "both" | "none";
  source: string;
}

export const DELIVERY_PROFILES: readonly DeliveryProfile[] = [
  {
    id: "spotify",
    name: "Spotify",
    targetLufs: -14,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -1,
    loudMasterCeilingDbtp: -2,
    sampleRate: 44_100,
    bitDepth: 24,
    format: "wav",
    normalization: "both",
    source: "Spotify for Artists: loudness normalization (WAV or FLAC, ≥ 44.1 kHz, ≥ 16-bit)",
  },
  {
    id: "apple",
    name: "Apple Music",
    targetLufs: -16,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -1,
    sampleRate: 96_000,
    bitDepth: 24,
    format: "wav",
    normalization: "both",
    source: "third-party measurements of Sound Check; Apple Digital Masters ask for 24-bit hi-res",
  },
  {
    id: "youtube",
    name: "YouTube",
    targetLufs: -14,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -1,
    sampleRate: 48_000,
    bitDepth: 24,
    format: "wav",
    normalization: "down",
    source: "third-party measurements; −1 dBTP is common practice",
  },
  {
    id: "amazon",
    name: "Amazon Music",
    targetLufs: -14,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -2,
    sampleRate: 44_100,
    bitDepth: 24,
    format: "flac",
    normalization: "both",
    source: "third-party measurements",
  },
  {
    id: "tidal",
    name: "Tidal",
    targetLufs: -14,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -1,
    sampleRate: 44_100,
    bitDepth: 24,
    format: "flac",
    normalization: "down",
    source: "third-party measurements; Tidal does not raise quiet tracks",
  },
  {
    id: "deezer",
    name: "Deezer",
    targetLufs: -15,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -1,
    sampleRate: 44_100,
    bitDepth: 16,
    format: "flac",
    normalization: "down",
    source: "third-party measurements",
  },
  {
    id: "aes",
    name: "AES streaming (TD1008)",
    targetLufs: -16,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -1,
    sampleRate: 48_000,
    bitDepth: 24,
    format: "wav",
    normalization: "both",
    source: "AES TD1008 streaming recommendation",
  },
  {
    id: "ebu-r128",
    name: "EBU R128 broadcast",
    targetLufs: -23,
    toleranceLu: 0.5,
    truePeakCeilingDbtp: -1,
    sampleRate: 48_000,
    bitDepth: 24,
    format: "wav",
    normalization: "none",
    source: "EBU R128: −23 LUFS ±0.5 LU, −1 dBTP",
  },
  {
    id: "cd",
    name: "CD (Red Book)",
    // CD has no normalisation; −12 LUFS is a loud master a single true-peak limiter still
    // reaches on dynamic material without crushing it (house choice).
    targetLufs: -12,
    toleranceLu: 0.3,
    truePeakCeilingDbtp: -1,
    sampleRate: 44_100,
    bitDepth: 16,
    format: "wav",
    normalization: "none",
    source: "Red Book: 44.1 kHz, 16-bit stereo PCM",
  },
  {
    id: "archive",
    name: "Hi-res archive",
    targetLufs: null,
    toleranceLu: 0,
    truePeakCeilingDbtp: -1,
    sampleRate: 96_000,
    bitDepth: 24,
    format: "flac",
    normalization: "none",
    source: "keeps the mix's loudness and dynamics; only the ceiling is enforced",
  },
];

export function deliveryProfile(id: string): DeliveryProfile {
  const profile = DELIVERY_PROFILES.find((p) => p.id === id.toLowerCase());
  if (!profile) {
    throw new ControlRoomError(
      "E_USAGE",
      `"${id}" is not a delivery profile; choose from ${DELIVERY_PROFILES.map((p) => p.id).join(", ")}`,
      "--profile",
    );
  }
  return profile;
}

/** `spotify,apple` or `all` → profiles, in the order given. */
export function deliveryProfiles(list: string): DeliveryProfile[] {
  if (list.trim().toLowerCase() === "all") return [...DELIVERY_PROFILES];
  return list
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean)
    .map(deliveryProfile);
}
