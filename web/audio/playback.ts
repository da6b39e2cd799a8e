import { type MixPlan, planMix } from "../../engine/mix/mix-plan.ts";
import type { Project } from "../../music/project.ts";
import {
  CODE_SOLO_MUTED,
  type EngineMemory,
  METER_FIRST_TRACK,
  METER_MASTER_LEFT,
  METER_MASTER_RIGHT,
  meterCount,
  type SharedSource,
  TARGET_MASTER,
  TARGET_TRANSPORT,
  TRANSPORT_FRAME,
  TRANSPORT_INTS,
  TRANSPORT_LOCATE,
  TRANSPORT_OVERLOADS,
  TRANSPORT_PLAY,
  TRANSPORT_PLAYING,
  TRANSPORT_READY,
  TRANSPORT_STOP,
} from "./engine-memory.ts";
import type { LoadPlan } from "./engine-worklet.ts";
import workletUrl from "./engine-worklet.ts?worker&url";
import { ParamQueue } from "./param-queue.ts";
import { SourceFetcher } from "./source-fetcher.ts";

/** Room for every strip's settings several times over between two audio blocks. */
const QUEUE_CAPACITY = 4096;
/** Meter slots: enough for any project the studio accepts. */
const MAX_TRACKS = 512;

/** What a strip's live settings were when last sent to the audio thread. */
type SentStrip = [faderDb: number, pan: number, mute: number, soloMuted: number];

/**
 * The page's side of the audio engine: an AudioContext with the engine's AudioWorklet, the
 * sources decoded into shared memory, the parameter queue it writes and the transport and
 * meters it reads once per frame. A document change with the same clips and routing goes
 * to the audio thread as parameter messages at once; any other change sends a new plan.
 */
export class Playback {
  readonly context: AudioContext;
  private readonly node: AudioWorkletNode;
  private readonly queue: ParamQueue;
  private readonly transport: Int32Array;
  private readonly meters: Float32Array;
  private readonly sampleRate: number;
  private structure = "";
  private sent: SentStrip[] = [];
  private sentMaster: SentStrip = [Number.NaN, Number.NaN, Number.NaN, 0];
  /** Track id → index in the plan (the meters' order). */
  private indexOf = new Map<string, number>();
  private readonly projectId: string;
  private loading: Promise<void> = Promise.resolve();
  /** Why the last plan could not be loaded, if it could not. */
  problem: string | undefined;

  private constructor(
    projectId: string,
    context: AudioContext,
    node: AudioWorkletNode,
    memory: EngineMemory,
  ) {
    this.projectId = projectId;
    this.context = context;
    this.node = node;
    this.queue = new ParamQueue(memory.queue);
    this.transport = new Int32Array(memory.transport);
    this.meters = new Float32Array(memory.meters);
    this.sampleRate = context.sampleRate;
  }

  /** Makes the audio context and the engine, and loads the document's sources into it. */
  static async open(projectId: string, document: Project): Promise<Playback> {
    const context = new AudioContext({
      sampleRate: document.song.sampleRate,
      latencyHint: "interactive",
    });
    await context.audioWorklet.addModule(workletUrl);
    const memory: EngineMemory = {
      queue: ParamQueue.create(QUEUE_CAPACITY).buffer,
      transport: new SharedArrayBuffer(TRANSPORT_INTS * 4),
      meters: new SharedArrayBuffer(meterCount(MAX_TRACKS) * 4),
    };
    const node = new AudioWorkletNode(context, "controlroom-engine", {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [2],
      processorOptions: memory,
    });
    node.connect(context.destination);
    node.onprocessorerror = () => console.error("the audio engine stopped on an error");
    node.port.onmessage = (event: MessageEvent<{ type: string; message: string }>) => {
      if (event.data.type === "error") {
        console.error(`the audio engine could not load the project: ${event.data.message}`);
      }
    };
    const playback = new Playback(projectId, context, node, memory);
    playback.setDocument(document, true);
    // This first cut holds every source whole: play is offered once they are in memory.
    await playback.ready();
    return playback;
  }

  /** Follows the document: parameters through the queue, anything else as a new plan. */
  setDocument(document: Project, force = false): void {
    const plan = planForWorklet(document, this.sampleRate);
    const structure = structureOf(plan);
    if (force || structure !== this.structure) {
      this.structure = structure;
      this.indexOf = new Map(plan.tracks.map((t, i) => [t.id, i]));
      this.sent = plan.tracks.map(stripSettings);
      this.sentMaster = stripSettings({ strip: plan.master.strip, soloMuted: false });
      this.loading = this.loading
        .then(() => this.sendPlan(plan))
        .catch((error: unknown) => {
          console.warn("the engine could not load the project", error);
        });
      return;
    }
    for (let i = 0; i < plan.tracks.length; i++) {
      this.sendChanges(i, this.sent[i], stripSettings(plan.tracks[i]));
    }
    this.sendChanges(
      TARGET_MASTER,
      this.sentMaster,
      stripSettings({ strip: plan.master.strip, soloMuted: false }),
    );
  }

  private sendChanges(target: number, sent: SentStrip, now: SentStrip): void {
    for (let code = 0; code < now.length; code++) {
      if (Object.is(sent[code], now[code])) continue;
      if (code === CODE_SOLO_MUTED && target === TARGET_MASTER) continue;
      if (this.queue.push(target, code, now[code])) sent[code] = now[code];
    }
  }

  private async sendPlan(plan: MixPlan): Promise<void> {
    const sources = await Promise.all(
      plan.sources
        .filter((source) => plan.tracks.some((t) => t.clips.some((c) => c.sourceId === source.id)))
        .map((source) => this.sharedSource(source)),
    );
    const message: LoadPlan = { type: "plan", plan, sources };
    this.node.port.postMessage(message);
  }

  private readonly fetcher = new SourceFetcher();
  private readonly sources = new Map<string, Promise<SharedSource>>();

  private sharedSource(source: MixPlan["sources"][number]): Promise<SharedSource> {
    const key = `${source.id}\u0000${source.file}`;
    let loaded = this.sources.get(key);
    if (!loaded) {
      loaded = this.fetcher.fetch(this.projectId, source);
      this.sources.set(key, loaded);
    }
    return loaded;
  }

  /** Resolves when the engine holds the current plan and its sources. */
  async ready(): Promise<void> {
    await this.loading;
    if (this.problem) throw new Error(this.problem);
  }

  get playing(): boolean {
    return Atomics.load(this.transport, TRANSPORT_PLAYING) === 1;
  }

  /** True once the engine holds a plan. */
  get loaded(): boolean {
    return Atomics.load(this.transport, TRANSPORT_READY) === 1;
  }

  /** The audible position in seconds. */
  get seconds(): number {
    return Atomics.load(this.transport, TRANSPORT_FRAME) / this.sampleRate;
  }

  get overloads(): number {
    return Atomics.load(this.transport, TRANSPORT_OVERLOADS);
  }

  play(): void {
    void this.context.resume();
    this.queue.push(TARGET_TRANSPORT, TRANSPORT_PLAY, 0);
  }

  stop(): void {
    this.queue.push(TARGET_TRANSPORT, TRANSPORT_STOP, 0);
  }

  toggle(): void {
    if (this.playing) this.stop();
    else this.play();
  }

  locate(seconds: number): void {
    this.queue.push(TARGET_TRANSPORT, TRANSPORT_LOCATE, Math.max(0, seconds) * this.sampleRate);
  }

  /** The master's peak, left and right, as linear gain. */
  masterPeak(): [number, number] {
    return [this.meters[METER_MASTER_LEFT], this.meters[METER_MASTER_RIGHT]];
  }

  /** A track's (or bus's) peak, as linear gain; 0 for a track the engine does not know. */
  trackPeak(trackId: string): number {
    const index = this.indexOf.get(trackId);
    return index === undefined ? 0 : this.meters[METER_FIRST_TRACK + index];
  }

  close(): void {
    this.fetcher.close();
    this.node.disconnect();
    void this.context.close();
  }
}

/**
 * The plan the worklet plays. Instrument tracks are planned without their notes: the
 * SoundFont synth is not yet loaded on the audio thread, so they play silence for now.
 */
function planForWorklet(document: Project, sampleRate: number): MixPlan {
  const plan = planMix(document, sampleRate);
  return {
    ...plan,
    tracks: plan.tracks.map((track) =>
      track.instrument ? { ...track, instrument: { ...track.instrument, events: [] } } : track,
    ),
  };
}

/** Everything in a plan but the settings the queue carries. */
function structureOf(plan: MixPlan): string {
  return JSON.stringify({
    ...plan,
    tracks: plan.tracks.map(({ strip, soloMuted: _, ...rest }) => ({
      ...rest,
      strip: { ...strip, faderDb: 0, pan: 0, mute: false, solo: false },
    })),
    master: { ...plan.master, strip: { ...plan.master.strip, faderDb: 0, pan: 0, mute: false } },
  });
}

function stripSettings(track: {
  strip: MixPlan["master"]["strip"];
  soloMuted: boolean;
}): SentStrip {
  const { faderDb, pan, mute } = track.strip;
  return [faderDb, pan, mute ? 1 : 0, track.soloMuted ? 1 : 0];
}
