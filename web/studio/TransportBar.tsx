import { useEffect, useRef } from "react";
import type { Project } from "../../music/project.ts";
import { TempoMap } from "../../music/tempo-map.ts";
import type { Playback } from "../audio/playback.ts";
import { frameLoop } from "../paint/frame-loop.ts";
import { TransportScene } from "../paint/transport-scene.ts";

interface TransportProps {
  playback: Playback | undefined;
  document: Project;
  /** Why the engine is not there, when it could not start. */
  problem: string | undefined;
}

/**
 * Play, stop and return to the start, and the position in bars.beats and minutes:seconds.
 * The readouts are written by the frame loop, not by React.
 */
export function TransportBar({ playback, document, problem }: TransportProps) {
  const root = useRef<HTMLDivElement>(null);
  const barsBeats = useRef<HTMLOutputElement>(null);
  const time = useRef<HTMLOutputElement>(null);
  const tempoMap = useRef(new TempoMap(document.tempo));
  const tempo = useRef(document.tempo);
  if (tempo.current !== document.tempo) {
    tempo.current = document.tempo;
    tempoMap.current = new TempoMap(document.tempo);
  }

  useEffect(() => {
    if (!playback) return;
    const scene = new TransportScene(playback, () => tempoMap.current, {
      root: root.current!,
      barsBeats: barsBeats.current!,
      time: time.current!,
    });
    return frameLoop.add(scene);
  }, [playback]);

  const disabled = playback === undefined;
  const reason = problem ?? (disabled ? "The audio engine is loading…" : undefined);
  return (
    <div className="transport" ref={root} aria-label="Transport" role="toolbar" data-overloads="0">
      <button
        type="button"
        className="transport-button"
        aria-label="Return to start"
        title={reason ?? "Return to start (Home)"}
        disabled={disabled}
        onClick={() => playback?.locate(0)}
      >
        |◀
      </button>
      <button
        type="button"
        className="transport-button play"
        aria-label="Play"
        title={reason ?? "Play (Space)"}
        disabled={disabled}
        onClick={() => playback?.play()}
      >
        ▶
      </button>
      <button
        type="button"
        className="transport-button"
        aria-label="Stop"
        title={reason ?? "Stop (Space)"}
        disabled={disabled}
        onClick={() => playback?.stop()}
      >
        ■
      </button>
      <output className="position" aria-label="Position in bars and beats" ref={barsBeats}>
        1.1
      </output>
      <output
        className="position"
        aria-label="Position in minutes and seconds"
        ref={time}
        data-seconds="0.000"
      >
        0:00.000
      </output>
      <span className="overload" title="Blocks the audio thread finished late (dropouts)">
        Overload
      </span>
      {problem && <span className="error small">{problem}</span>}
    </div>
  );
}
