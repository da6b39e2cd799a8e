import type { Action } from "../accounts/roles.ts";
import type { Operation } from "../music/operations.ts";

/**
 * The permission each edit needs: the producer decides what the music is (arrangement, notes,
 * instruments, song details); the engineer runs the console (strip settings, automation,
 * routing) and records and edits audio (clips, sources). A batch needs every action of its
 * parts.
 */
const ACTION_OF: Record<Exclude<Operation["type"], "batch">, Action> = {
  "param.set": "mix.edit",
  "automation.addPoint": "mix.edit",
  "automation.removePoint": "mix.edit",
  "automation.movePoint": "mix.edit",
  "track.route": "mix.edit",
  "clip.add": "recording.manage",
  "clip.remove": "recording.manage",
  "clip.move": "recording.manage",
  "clip.trim": "recording.manage",
  "clip.split": "recording.manage",
  "clip.set": "recording.manage",
  "source.add": "recording.manage",
  "source.remove": "recording.manage",
  "track.add": "project.edit-arrangement",
  "track.remove": "project.edit-arrangement",
  "track.reorder": "project.edit-arrangement",
  "track.rename": "project.edit-arrangement",
  "track.setInstrument": "project.edit-arrangement",
  "noteClip.add": "project.edit-arrangement",
  "noteClip.remove": "project.edit-arrangement",
  "noteClip.set": "project.edit-arrangement",
  "section.add": "project.edit-arrangement",
  "section.remove": "project.edit-arrangement",
  "section.set": "project.edit-arrangement",
  "section.move": "project.edit-arrangement",
  "section.duplicate": "project.edit-arrangement",
  "section.delete": "project.edit-arrangement",
  "arrangement.set": "project.edit-arrangement",
  "timeline.set": "project.edit-arrangement",
  "chord.add": "project.edit-arrangement",
  "chord.remove": "project.edit-arrangement",
  "lyrics.set": "project.edit-arrangement",
  "tempo.set": "project.edit-arrangement",
  "song.set": "project.edit-details",
};

export function actionsFor(operations: readonly Operation[]): Set<Action> {
  const actions = new Set<Action>();
  const visit = (op: Operation) => {
    if (op.type === "batch") op.ops.forEach(visit);
    else actions.add(ACTION_OF[op.type]);
  };
  operations.forEach(visit);
  return actions;
}
