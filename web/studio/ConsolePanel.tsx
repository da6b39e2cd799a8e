import { useEffect, useMemo, useRef } from "react";
import { can, type Role } from "../../accounts/roles.ts";
import type { Operation } from "../../music/operations.ts";
import { MASTER, type Project } from "../../music/project.ts";
import type { ChannelStrip } from "../../music/strip.ts";
import { frameLoop } from "../paint/frame-loop.ts";
import { MeterScene } from "../paint/meter-scene.ts";
import { trackColour } from "../paint/theme.ts";
import { Fader } from "./Fader.tsx";
import { PanKnob } from "./PanKnob.tsx";

interface ConsoleProps {
  document: Project;
  role: Role;
  edit(operation: Operation): void;
  /** Peak levels (linear, one per channel) of a track by id, or of the master (MASTER). */
  peaks?: (trackId: string) => readonly number[];
}

/** Levels read before the engine runs. */
const SILENT: readonly number[] = [0];
const SILENT_STEREO: readonly number[] = [0, 0];

/**
 * The mixing console: a strip per track and bus, then the master, each with pan, mute,
 * solo and the fader. A change is a `param.set` edit of the document.
 */
export function ConsolePanel({ document, role, edit, peaks }: ConsoleProps) {
  const meters = useMemo(() => new MeterScene(), []);
  useEffect(() => frameLoop.add(meters), [meters]);
  // The meters read through a ref, so a new engine needs no re-registration.
  const peaksRef = useRef(peaks);
  peaksRef.current = peaks;
  const readPeaks = (trackId: string) => () =>
    peaksRef.current?.(trackId) ?? (trackId === MASTER ? SILENT_STEREO : SILENT);
  const mayMix = can(role, "mix.edit");
  const reason = mayMix
    ? undefined
    : `A ${role} cannot change the mix; ask the producer or the engineer.`;
  const set = (trackId: string, path: string, value: unknown) =>
    edit({ type: "param.set", trackId, path, value });

  return (
    <section className="console" aria-label="Console">
      <div className="console-strips">
        {document.tracks.map((track, index) => (
          <StripView
            key={track.id}
            name={track.name}
            kind={track.kind}
            colour={trackColour(index)}
            strip={track.strip}
            disabledReason={reason}
            onSet={(path, value) => set(track.id, path, value)}
            meters={meters}
            readPeaks={readPeaks(track.id)}
          />
        ))}
      </div>
      <StripView
        name="Master"
        kind="master"
        colour="#e6e8eb"
        strip={document.master.strip}
        disabledReason={reason}
        onSet={(path, value) => set(MASTER, path, value)}
        meters={meters}
        readPeaks={readPeaks(MASTER)}
      />
    </section>
  );
}

interface StripProps {
  name: string;
  kind: string;
  colour: string;
  strip: ChannelStrip;
  disabledReason: string | undefined;
  onSet(path: string, value: unknown): void;
  meters: MeterScene;
  readPeaks: () => readonly number[];
}

function StripView({
  name,
  kind,
  colour,
  strip,
  disabledReason,
  onSet,
  meters,
  readPeaks,
}: StripProps) {
  const disabled = disabledReason !== undefined;
  const master = kind === "master";
  return (
    <fieldset className={`strip${master ? " strip-master" : ""}`} aria-label={`${name} strip`}>
      <div className="strip-name" style={{ borderTopColor: colour }} title={name}>
        {name}
      </div>
      <div className="strip-kind">{kind}</div>
      <PanKnob
        label={`${name} pan`}
        pan={strip.pan}
        disabled={disabled}
        disabledReason={disabledReason}
        onChange={(pan) => onSet("pan", pan)}
      />
      <div className="strip-buttons">
        <button
          type="button"
          className="toggle mute"
          aria-label={`${name} mute`}
          aria-pressed={strip.mute}
          disabled={disabled}
          title={disabledReason ?? `${name} mute`}
          onClick={() => onSet("mute", !strip.mute)}
        >
          M
        </button>
        {!master && (
          <button
            type="button"
            className="toggle solo"
            aria-label={`${name} solo`}
            aria-pressed={strip.solo}
            disabled={disabled}
            title={disabledReason ?? `${name} solo`}
            onClick={() => onSet("solo", !strip.solo)}
          >
            S
          </button>
        )}
      </div>
      <div className="fader-row">
        <Fader
          label={`${name} fader`}
          db={strip.faderDb}
          disabled={disabled}
          disabledReason={disabledReason}
          onChange={(db) => onSet("faderDb", db)}
        />
        <PeakMeter label={`${name} meter`} meters={meters} read={readPeaks} />
      </div>
    </fieldset>
  );
}

/** A peak meter's canvas, painted by the console's MeterScene on the frame loop. */
function PeakMeter({
  label,
  meters,
  read,
}: {
  label: string;
  meters: MeterScene;
  read: () => readonly number[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const reading = useRef<HTMLMeterElement>(null);
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => meters.add(canvas.current!, reading.current!, () => reader.current()), [meters]);
  return (
    <div className="peak-meter">
      <canvas ref={canvas} />
      <meter
        ref={reading}
        className="sr-only"
        aria-label={label}
        min={-60}
        max={6}
        value={-60}
        aria-valuetext="silence"
      />
    </div>
  );
}
