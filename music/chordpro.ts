import type { Chord, Project, Section, Syllable } from "./project.ts";
import { TempoMap } from "./tempo-map.ts";

/**
 * The chord sheet as ChordPro text (chordpro.org, ChordPro 6): title, artist, key-less
 * metadata, then each section as a verse, chorus or bridge environment (others as a
 * comment), its lyric lines with every chord in brackets before the syllable it falls on.
 * A line is a bar; bars without lyrics show their chords alone. Lyrics come from the first
 * track that has any; a syllable ending in "-" joins the next one.
 */
export function chordSheet(project: Project): string {
  const tempo = new TempoMap(project.tempo);
  const lyrics = project.tracks.find((t) => t.lyrics.length > 0)?.lyrics ?? [];
  const chords = [...project.chords].sort((a, b) => a.tick - b.tick);
  const out = [`{title: ${project.song.title}}`];
  if (project.song.artist) out.push(`{artist: ${project.song.artist}}`);
  const first = project.tempo.changes[0];
  const metre = project.tempo.timeSignatures[0];
  out.push(`{tempo: ${first.bpm}}`, `{time: ${metre.numerator}/${metre.denominator}}`);

  const sections = [...project.sections].sort((a, b) => a.startTick - b.startTick);
  const songEnd = Math.max(
    ...chords.map((c) => c.tick + 1),
    ...lyrics.map((l) => l.tick + 1),
    ...sections.map((s) => s.startTick + s.lengthTicks),
    0,
  );
  const blocks: Section[] = sections.length
    ? sections
    : [{ id: "", name: "", startTick: 0, lengthTicks: songEnd, colour: "#000000" }];
  for (const section of blocks) {
    const environment = environmentOf(section.name);
    out.push("");
    if (environment) out.push(`{start_of_${environment}: ${section.name}}`);
    else if (section.name) out.push(`{comment: ${section.name}}`);
    const end = section.startTick + section.lengthTicks;
    for (let bar = section.startTick; bar < end; ) {
      const next = Math.min(
        end,
        tempo.barPositionToTick({ bar: tempo.tickToBarPosition(bar).bar + 1, beat: 1, tick: 0 }),
      );
      const line = barLine(
        chords.filter((c) => c.tick >= bar && c.tick < next),
        lyrics.filter((l) => l.tick >= bar && l.tick < next),
        bar === section.startTick ? chords.findLast((c) => c.tick < bar) : undefined,
      );
      if (line) out.push(line);
      bar = next;
    }
    if (environment) out.push(`{end_of_${environment}}`);
  }
  return `${out.join("\n")}\n`;
}

function environmentOf(name: string): string | null {
  const word = name.toLowerCase().match(/^(verse|chorus|bridge)/);
  return word ? word[1] : null;
}

/** One bar: syllables with their chords inline; a chord still sounding from before opens the section. */
function barLine(chords: Chord[], syllables: Syllable[], carried: Chord | undefined): string {
  const pending = carried && chords[0]?.tick !== carried.tick ? [carried, ...chords] : chords;
  if (syllables.length === 0) return pending.map((c) => `[${c.symbol}]`).join(" ");
  let text = "";
  let c = 0;
  syllables.forEach((syllable, i) => {
    const nextTick = syllables[i + 1]?.tick ?? Number.POSITIVE_INFINITY;
    // A chord goes before the syllable sung when it sounds (or the first, if it comes earlier).
    for (; c < pending.length && pending[c].tick < nextTick; c++) text += `[${pending[c].symbol}]`;
    const joined = syllable.text.endsWith("-") && i < syllables.length - 1;
    text += joined ? syllable.text.slice(0, -1) : `${syllable.text} `;
  });
  return text.trimEnd();
}
