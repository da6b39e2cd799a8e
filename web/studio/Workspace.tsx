import { useEffect, useState, useSyncExternalStore } from "react";
import { MASTER } from "../../music/project.ts";
import { errorMessage } from "../api/client.ts";
import { Link } from "../app/Link.tsx";
import { TopBar } from "../app/TopBar.tsx";
import { Playback } from "../audio/playback.ts";
import { Arrangement } from "./Arrangement.tsx";
import { ConsolePanel } from "./ConsolePanel.tsx";
import { ProjectSession, type SaveStatus } from "./project-session.ts";
import { TransportBar } from "./TransportBar.tsx";

const STATUS_TEXT: Record<SaveStatus, string> = {
  saved: "Saved",
  saving: "Saving…",
  offline: "Offline",
  error: "Not saved",
};

/** The project workspace: the arrangement above, the console below. */
export function Workspace({ projectId }: { projectId: string }) {
  const [session, setSession] = useState<ProjectSession>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let open: ProjectSession | undefined;
    let cancelled = false;
    ProjectSession.open(projectId).then(
      (opened) => {
        if (cancelled) opened.close();
        else {
          open = opened;
          setSession(opened);
        }
      },
      (failure: unknown) => !cancelled && setError(errorMessage(failure)),
    );
    return () => {
      cancelled = true;
      open?.close();
    };
  }, [projectId]);

  if (error) {
    return (
      <div className="page">
        <TopBar />
        <main className="page-body">
          <section className="panel">
            <h1>This project cannot be opened</h1>
            <p className="error">{error}</p>
            <Link href="/">Back to your projects</Link>
          </section>
        </main>
      </div>
    );
  }
  if (!session) return <div className="splash">Opening the project…</div>;
  return <OpenWorkspace session={session} />;
}

function OpenWorkspace({ session }: { session: ProjectSession }) {
  const snapshot = useSyncExternalStore(session.subscribe, session.snapshot);
  const { document, role, revision, status, message } = snapshot;
  const [playback, setPlayback] = useState<Playback>();
  const [audioProblem, setAudioProblem] = useState<string>();

  // The engine is made once per project; documents follow below.
  useEffect(() => {
    let open: Playback | undefined;
    let cancelled = false;
    Playback.open(session.projectId, session.snapshot().document).then(
      (opened) => {
        if (cancelled) opened.close();
        else {
          open = opened;
          setPlayback(opened);
        }
      },
      (failure: unknown) =>
        !cancelled && setAudioProblem(`Playback is not available: ${errorMessage(failure)}`),
    );
    return () => {
      cancelled = true;
      open?.close();
    };
  }, [session]);

  useEffect(() => {
    playback?.setDocument(document);
  }, [playback, document]);

  // Space plays and stops, as in every DAW, wherever the focus is but in a text field.
  useEffect(() => {
    if (!playback) return;
    const keyDown = (event: KeyboardEvent) => {
      if (event.key !== " " || event.repeat || event.ctrlKey || event.metaKey || event.altKey)
        return;
      const target = event.target;
      if (
        target instanceof HTMLElement &&
        (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
      ) {
        return;
      }
      event.preventDefault();
      playback.toggle();
    };
    addEventListener("keydown", keyDown);
    return () => removeEventListener("keydown", keyDown);
  }, [playback]);

  const peaks = playback
    ? (trackId: string) =>
        trackId === MASTER ? playback.masterPeak() : [playback.trackPeak(trackId)]
    : undefined;
  return (
    <div className="workspace">
      <TopBar>
        <div className="project-bar">
          <span className="project-title">{snapshot.title}</span>
          <span className={`role role-${role}`}>{role}</span>
          <span className="muted small">
            {document.tempo.changes[0].bpm} BPM · {document.song.sampleRate / 1000} kHz
          </span>
          <span className={`save-status save-${status}`} role="status" title={message}>
            {STATUS_TEXT[status]} · revision {revision}
          </span>
          {message && <span className="error small">{message}</span>}
          {role === "producer" && (
            <Link href={`/projects/${encodeURIComponent(session.projectId)}/members`}>Members</Link>
          )}
        </div>
      </TopBar>
      <TransportBar playback={playback} document={document} problem={audioProblem} />
      <Arrangement projectId={session.projectId} document={document} transport={playback} />
      <ConsolePanel
        document={document}
        role={role}
        edit={(operation) => session.edit(operation)}
        peaks={peaks}
      />
    </div>
  );
}
