import { type ChangeEvent, type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { api, errorMessage, postBytes, type Role } from "../api/client.ts";
import { Link } from "./Link.tsx";
import { navigate } from "./router.ts";

interface ProjectRow {
  id: string;
  title: string;
  currentRevision: number;
  role: Role;
  archived: boolean;
}

type ImportFormat = "dawproject" | "midi";

/** The format a file is imported as, by its name. */
function importFormatOf(name: string): ImportFormat | undefined {
  if (/\.dawproject$/i.test(name)) return "dawproject";
  if (/\.midi?$/i.test(name)) return "midi";
  return undefined;
}

export function ProjectsPage() {
  const [projects, setProjects] = useState<ProjectRow[]>();
  const [title, setTitle] = useState("");
  const [message, setMessage] = useState<{ text: string; error: boolean }>();
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    const { data, error, response } = await api.GET("/api/projects");
    if (data) setProjects(data.projects);
    else setMessage({ text: errorMessage(error, response), error: true });
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const { data, error, response } = await api.POST("/api/projects", {
      body: { title: title.trim() || "Untitled" },
    });
    if (!data) {
      setMessage({ text: errorMessage(error, response), error: true });
      return;
    }
    navigate(`/projects/${encodeURIComponent(data.project.id)}`);
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    const format = importFormatOf(file.name);
    if (!format) {
      setMessage({
        text: `${file.name}: choose a DAWproject (.dawproject) or MIDI (.mid) file`,
        error: true,
      });
      return;
    }
    setBusy(true);
    setMessage({ text: `Importing ${file.name}…`, error: false });
    try {
      const title = file.name.replace(/\.[^.]+$/, "");
      const response = await postBytes(
        `/api/projects?from=${format}&title=${encodeURIComponent(title)}`,
        file,
      );
      const body = await response.json().catch(() => undefined);
      if (!response.ok) {
        setMessage({ text: `${file.name}: ${errorMessage(body, response)}`, error: true });
        return;
      }
      const warnings: string[] = body?.import?.warnings ?? [];
      setMessage({
        text: `Imported ${file.name}${warnings.length ? ` with ${warnings.length} warnings` : ""}.`,
        error: false,
      });
      await load();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <section className="panel">
        <div className="panel-head">
          <h1>Projects</h1>
          <div className="row">
            <form className="row" onSubmit={create}>
              <input
                aria-label="New project title"
                placeholder="New project title"
                value={title}
                onChange={(e) => setTitle(e.target.value)}
              />
              <button type="submit" className="primary">
                New project
              </button>
            </form>
            <button type="button" disabled={busy} onClick={() => picker.current?.click()}>
              Import DAWproject or MIDI…
            </button>
            <input
              ref={picker}
              type="file"
              hidden
              accept=".dawproject,.mid,.midi"
              aria-label="Project file to import"
              onChange={importFile}
            />
          </div>
        </div>
        {message && (
          <p className={message.error ? "error" : "ok"} role="status">
            {message.text}
          </p>
        )}
        {projects === undefined ? (
          <p className="muted">Loading…</p>
        ) : projects.length === 0 ? (
          <p className="muted">No projects yet: make one, or import a DAWproject or MIDI file.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Title</th>
                <th>Your role</th>
                <th>Revision</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {projects.map((project) => (
                <tr key={project.id}>
                  <td>
                    <Link href={`/projects/${encodeURIComponent(project.id)}`} className="strong">
                      {project.title}
                    </Link>
                  </td>
                  <td>
                    <span className={`role role-${project.role}`}>{project.role}</span>
                  </td>
                  <td className="numeric">{project.currentRevision}</td>
                  <td className="actions">
                    {project.role === "producer" && (
                      <Link href={`/projects/${encodeURIComponent(project.id)}/members`}>
                        Members
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
