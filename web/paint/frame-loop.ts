/** Something painted on the frame loop: asked once per animation frame. */
export interface FrameScene {
  /** Paints if anything changed since the last frame; `now` is the frame's timestamp. */
  frame(now: number): void;
}

/**
 * The one requestAnimationFrame loop of the page. Everything that changes per frame (the
 * arrangement, playhead, later meters and waveforms) is a scene on this loop, painted on
 * canvas; React renders panels and controls only when the document changes. The loop runs
 * while it has scenes, and a scene that has nothing new paints nothing.
 */
export class FrameLoop {
  private readonly scenes = new Set<FrameScene>();
  private handle: number | undefined;

  add(scene: FrameScene): () => void {
    this.scenes.add(scene);
    if (this.handle === undefined) this.handle = requestAnimationFrame(this.tick);
    return () => {
      this.scenes.delete(scene);
      if (this.scenes.size === 0 && this.handle !== undefined) {
        cancelAnimationFrame(this.handle);
        this.handle = undefined;
      }
    };
  }

  private readonly tick = (now: number) => {
    for (const scene of this.scenes) scene.frame(now);
    this.handle = this.scenes.size > 0 ? requestAnimationFrame(this.tick) : undefined;
  };
}

/** The page's loop. */
export const frameLoop = new FrameLoop();
