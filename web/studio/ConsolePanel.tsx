import { can, type Role } from "../../accounts/roles.ts";
import type { Operation } from "../../music/operations.ts";
import { MASTER, type Project } from "../../music/project.ts";
import type { ChannelStrip } from "../../music/strip.ts";
import { trackColour } from "../paint/theme.ts";
import { Fader } from "./Fader.tsx";
import { PanKnob } from "./PanKnob.tsx";

interface ConsoleProps {
  document: Project;
  role: Role;
  edit(operation: Operation): void;
}

/**
 * The mixing console: a strip per track and bus, then the master, each with pan, mute,
 * solo and the fader. A change is a `param.set` edit of the document.
 */
export function ConsolePanel({ document, role, edit }: ConsoleProps) {
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
}

function StripView({ name, kind, colour, strip, disabledReason, onSet }: StripProps) {
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
      <Fader
        label={`${name} fader`}
        db={strip.faderDb}
        disabled={disabled}
        disabledReason={disabledReason}
        onChange={(db) => onSet("faderDb", db)}
      />
    </fieldset>
  );
}
