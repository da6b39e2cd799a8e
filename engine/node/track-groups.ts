import type { MixPlan } from "../mix/mix-plan.ts";

/**
 * Splits the source tracks a Mixer may render elsewhere into groups that can run on
 * separate threads: a compressor and the track it keys from stay together. Groups are
 * balanced over `workers` by their estimated work (trackWork), largest first.
 */
export function trackGroups(
  plan: MixPlan,
  sourceTracks: readonly number[],
  workers: number,
): number[][] {
  const parent = new Map<number, number>(sourceTracks.map((i) => [i, i]));
  const find = (i: number): number => {
    let root = i;
    while (parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  for (const i of sourceTracks) {
    const key = plan.tracks[i].keyIndex;
    if (key >= 0 && parent.has(key)) parent.set(find(i), find(key));
  }
  const groups = new Map<number, number[]>();
  for (const i of sourceTracks) {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  }
  const work = new Map(sourceTracks.map((i) => [i, trackWork(plan, i)]));
  const weight = (group: number[]) => group.reduce((sum, i) => sum + work.get(i)!, 0);
  const sorted = [...groups.values()].sort((a, b) => weight(b) - weight(a));
  const bins: number[][] = Array.from(
    { length: Math.max(1, Math.min(workers, sorted.length)) },
    () => [],
  );
  const load = bins.map(() => 0);
  for (const group of sorted) {
    const lightest = load.indexOf(Math.min(...load));
    bins[lightest].push(...group);
    load[lightest] += weight(group);
  }
  // Plan order within a worker keeps every key before the track it keys.
  return bins.map((bin) => bin.sort((a, b) => a - b)).filter((bin) => bin.length > 0);
}

/**
 * A track's work in frames: its strip runs over the whole mix, its clips play for their
 * length, and each note of an instrument sounds as about two voices (stereo samples) for
 * its length plus half a second of release.
 */
function trackWork(plan: MixPlan, index: number): number {
  const track = plan.tracks[index];
  let work = plan.endFrame;
  for (const clip of track.clips) work += clip.frames;
  const events = track.instrument?.events ?? [];
  for (const event of events) {
    if (event.type === "noteOn") work += 2 * (plan.sampleRate / 2 - event.frame);
    if (event.type === "noteOff") work += 2 * event.frame;
  }
  return work;
}
