import { useEffect, useRef } from "react";
import type { Project } from "../../music/project.ts";
import { ArrangementScene } from "../paint/arrangement-scene.ts";
import { frameLoop } from "../paint/frame-loop.ts";
import { loadWaveform } from "./waveforms.ts";

/** The transport the arrangement follows and moves: the playing engine. */
export interface ArrangementTransport {
  readonly seconds: number;
  locate(seconds: number): void;
}

/** Keys typed into a field or a focused slider are theirs, not the arrangement's. */
function ownedByControl(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) ||
    target.getAttribute("role") === "slider"
  );
}

/**
 * The arrangement view: one canvas painted by the frame loop. React mounts it and hands it
 * each new document; zoom (Ctrl/Cmd+wheel, + and −), scroll (wheel, Shift+wheel) and the
 * playhead (click the ruler, Home) change the scene directly, without a React render. The
 * playhead follows the engine's transport, and audio clips show waveforms from the
 * server's peaks.
 */
export function Arrangement({
  projectId,
  document,
  transport,
}: {
  projectId: string;
  document: Project;
  transport?: ArrangementTransport;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scene = useRef<ArrangementScene>(undefined);
  const transportRef = useRef(transport);
  transportRef.current = transport;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the scene is made once; documents follow below
  useEffect(() => {
    const element = canvas.current!;
    const current = new ArrangementScene(element, document);
    scene.current = current;
    const stop = frameLoop.add(current);
    // The playhead follows the engine's position, read once per frame.
    let followed = Number.NaN;
    const stopFollowing = frameLoop.add({
      frame() {
        const seconds = transportRef.current?.seconds;
        if (seconds === undefined || seconds === followed) return;
        const first = Number.isNaN(followed);
        followed = seconds;
        current.setPlayhead(current.state.tempoMap.secondsToTicks(seconds));
        if (!first) current.followPlayhead();
      },
    });
    const locate = (tick: number) => {
      const engine = transportRef.current;
      if (engine) engine.locate(current.state.tempoMap.ticksToSeconds(tick));
      else current.setPlayhead(tick);
    };

    const wheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      if (event.ctrlKey || event.metaKey) {
        current.zoom(Math.exp(-event.deltaY * 0.002), event.clientX - rect.left);
      } else if (event.shiftKey) {
        current.scroll(event.deltaY || event.deltaX, 0);
      } else {
        current.scroll(event.deltaX, event.deltaY);
      }
    };
    const keyDown = (event: KeyboardEvent) => {
      if (ownedByControl(event.target) || event.altKey) return;
      if (event.key === "+" || event.key === "=") current.zoom(1.25);
      else if (event.key === "-" || event.key === "_") current.zoom(0.8);
      else if (event.key === "Home") locate(0);
      else return;
      event.preventDefault();
    };
    const pointerDown = (event: PointerEvent) => {
      const rect = element.getBoundingClientRect();
      const tick = current.rulerTickAt(event.clientX - rect.left, event.clientY - rect.top);
      if (tick !== undefined) locate(tick);
    };
    element.addEventListener("wheel", wheel, { passive: false });
    element.addEventListener("pointerdown", pointerDown);
    addEventListener("keydown", keyDown);
    return () => {
      stop();
      stopFollowing();
      element.removeEventListener("wheel", wheel);
      element.removeEventListener("pointerdown", pointerDown);
      removeEventListener("keydown", keyDown);
    };
  }, []);

  useEffect(() => {
    scene.current?.setDocument(document);
  }, [document]);

  // Each source's peaks are asked for once; clips draw their waveform when they arrive.
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const source of document.sources) {
      const key = `${source.id}\u0000${source.file}`;
      if (requested.current.has(key)) continue;
      requested.current.add(key);
      loadWaveform(projectId, source).then(
        (levels) => scene.current?.setWaveform(source.id, levels),
        // A source without peaks (not WAV, or gone) is drawn without its waveform.
        () => requested.current.delete(key),
      );
    }
  }, [projectId, document.sources]);

  return (
    <div className="arrangement">
      <canvas
        ref={canvas}
        className="arrangement-canvas"
        aria-label="Arrangement: sections, ruler, tracks and clips"
        role="img"
      />
    </div>
  );
}
