import type { z } from "zod";
import { ControlRoomError } from "./errors.ts";
import { MASTER, Project, SCHEMA_VERSION } from "./project.ts";
import { isAutomatableParameter } from "./strip.ts";
import { TempoMap } from "./tempo-map.ts";

/**
 * Reads a project document from untrusted JSON: the schema first (types, ranges, unknown
 * fields), then what a schema cannot say (ids that must exist, routing without loops,
 * clips inside their sources). The error names the field, e.g. `tracks.2.clips.0.lengthFrames`.
 */
export function parseProject(input: unknown, fileName = "project.json"): Project {
  if (typeof input === "object" && input !== null && "schemaVersion" in input) {
    const version = (input as { schemaVersion: unknown }).schemaVersion;
    if (typeof version === "number" && version > SCHEMA_VERSION) {
      throw new ControlRoomError(
        "E_PROJECT_VERSION",
        `${fileName} has schemaVersion ${version}; this Control Room reads up to ${SCHEMA_VERSION}, update it to open this project`,
        `${fileName}:schemaVersion`,
      );
    }
  }
  const result = Project.safeParse(input);
  if (!result.success) throw schemaError(result.error, fileName);
  checkProjectIntegrity(result.data, fileName);
  return result.data;
}

function schemaError(error: z.ZodError, fileName: string): ControlRoomError {
  const issue = error.issues[0];
  const field = issue.path.join(".") || "(root)";
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  return new ControlRoomError(
    "E_PROJECT_SCHEMA",
    `${fileName}: ${field}: ${message}`,
    `${fileName}:${field}`,
  );
}

/** Throws E_PROJECT_INTEGRITY naming the first field that refers to something wrong. */
export function checkProjectIntegrity(project: Project, fileName = "project.json"): void {
  const fail = (field: string, message: string): never => {
    throw new ControlRoomError(
      "E_PROJECT_INTEGRITY",
      `${fileName}: ${field}: ${message}`,
      `${fileName}:${field}`,
    );
  };
  try {
    new TempoMap(project.tempo);
  } catch (error) {
    if (error instanceof ControlRoomError) fail(error.subject ?? "tempo", error.message);
    throw error;
  }

  // Each kind of thing has its own ids: a source and the track that plays it may share a name.
  const namespaces = new Map<string, Set<string>>();
  const unique = (
    kind: "source" | "section" | "track" | "clip" | "send",
    id: string,
    field: string,
  ) => {
    const ids = namespaces.get(kind) ?? new Set<string>();
    namespaces.set(kind, ids);
    if (ids.has(id)) fail(field, `the id "${id}" is used twice`);
    ids.add(id);
  };
  project.sources.forEach((s, i) => {
    unique("source", s.id, `sources.${i}.id`);
  });
  project.sections.forEach((s, i) => {
    unique("section", s.id, `sections.${i}.id`);
  });
  const sources = new Map(project.sources.map((s) => [s.id, s]));
  const tracks = new Map(project.tracks.map((t) => [t.id, t]));

  project.tracks.forEach((track, t) => {
    const at = `tracks.${t}`;
    unique("track", track.id, `${at}.id`);
    if (track.output !== MASTER) {
      const target = tracks.get(track.output);
      if (!target) fail(`${at}.output`, `routes to "${track.output}", which is not a track`);
      else if (target.kind !== "bus")
        fail(`${at}.output`, `routes to "${track.output}", which is not a bus`);
      if (track.output === track.id) fail(`${at}.output`, "a track cannot route to itself");
    }
    track.strip.sends.forEach((send, s) => {
      unique("send", send.id, `${at}.strip.sends.${s}.id`);
      const target = tracks.get(send.busId);
      if (target?.kind !== "bus")
        fail(`${at}.strip.sends.${s}.busId`, `sends to "${send.busId}", which is not a bus`);
      if (send.busId === track.id)
        fail(`${at}.strip.sends.${s}.busId`, "a bus cannot send to itself");
    });
    const key = track.strip.compressor.sidechainTrackId;
    if (key !== null && (!tracks.has(key) || key === track.id)) {
      fail(
        `${at}.strip.compressor.sidechainTrackId`,
        `keys from "${key}", which is not another track`,
      );
    }
    if (track.kind === "bus" && track.clips.length > 0) {
      fail(`${at}.clips`, "a bus has no clips of its own");
    }
    track.clips.forEach((clip, c) => {
      const field = `${at}.clips.${c}`;
      unique("clip", clip.id, `${field}.id`);
      const source = sources.get(clip.sourceId);
      if (!source) {
        fail(`${field}.sourceId`, `refers to "${clip.sourceId}", which is not a source`);
        return;
      }
      if (clip.offsetFrames + clip.lengthFrames > source.frames) {
        fail(
          `${field}.lengthFrames`,
          `clip "${clip.id}" plays to frame ${clip.offsetFrames + clip.lengthFrames} of ${source.file}, which has ${source.frames} frames`,
        );
      }
      if (clip.fadeIn.frames + clip.fadeOut.frames > clip.lengthFrames) {
        fail(`${field}.fadeIn`, `fades of clip "${clip.id}" are longer than the clip`);
      }
    });
    if (track.kind !== "instrument" && track.noteClips.length > 0) {
      fail(
        `${at}.noteClips`,
        `only an instrument track plays notes; "${track.name}" is ${track.kind === "bus" ? "a bus" : "an audio track"}`,
      );
    }
    if (track.kind !== "instrument" && track.instrument !== undefined) {
      fail(`${at}.instrument`, `only an instrument track has an instrument`);
    }
    track.noteClips.forEach((clip, c) => {
      unique("clip", clip.id, `${at}.noteClips.${c}.id`);
    });
    checkAutomation(track.automation, `${at}.automation`, track.strip.sends, fail);
  });
  checkAutomation(project.master.automation, "master.automation", [], fail);
  checkRoutingLoops(project, fail);
}

function checkAutomation(
  lanes: Project["master"]["automation"],
  at: string,
  sends: { id: string }[],
  fail: (field: string, message: string) => never,
): void {
  const seen = new Set<string>();
  lanes.forEach((lane, l) => {
    if (!isAutomatableParameter(lane.parameter)) {
      fail(`${at}.${l}.parameter`, `"${lane.parameter}" is not an automatable strip parameter`);
    }
    const send = /^sends\.([^.]+)\./.exec(lane.parameter);
    if (send && !sends.some((s) => s.id === send[1])) {
      fail(`${at}.${l}.parameter`, `there is no send "${send[1]}" on this strip`);
    }
    if (seen.has(lane.parameter)) fail(`${at}.${l}.parameter`, `"${lane.parameter}" has two lanes`);
    seen.add(lane.parameter);
    for (let p = 1; p < lane.points.length; p++) {
      if (lane.points[p].tick < lane.points[p - 1].tick) {
        fail(`${at}.${l}.points.${p}.tick`, "automation points must be in time order");
      }
    }
  });
}

/** Buses may feed buses, by output or send, but never in a circle. */
function checkRoutingLoops(
  project: Project,
  fail: (field: string, message: string) => never,
): void {
  const edges = new Map<string, string[]>();
  for (const track of project.tracks) {
    const targets = track.strip.sends.map((s) => s.busId);
    if (track.output !== MASTER) targets.push(track.output);
    const key = track.strip.compressor.sidechainTrackId;
    // A sidechain is an input too: the keyed track must be computed after its key.
    edges.set(track.id, targets);
    if (key !== null) edges.set(key, [...(edges.get(key) ?? []), track.id]);
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const loop = [...path.slice(path.indexOf(id)), id].join(" → ");
      fail("tracks", `routing loops back on itself: ${loop}`);
    }
    state.set(id, "visiting");
    for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
    state.set(id, "done");
  };
  for (const id of edges.keys()) visit(id, []);
}
