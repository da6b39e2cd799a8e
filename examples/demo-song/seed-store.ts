import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ProjectRecord } from "../../store/projects.ts";
import type { Store } from "../../store/store.ts";
import { generateDemoSong } from "./generate.ts";

/** The demo song as a project of `owner`'s, its audio in the store's blob store. */
export async function seedDemoProject(store: Store, owner: string): Promise<ProjectRecord> {
  const work = await mkdtemp(path.join(tmpdir(), "controlroom-demo-"));
  try {
    const document = await generateDemoSong(work);
    const project = await store.createProject({ title: document.song.title, owner, document });
    for (const source of document.sources) {
      const bytes = await readFile(path.join(work, source.file));
      await store.putFile(project.id, source.file, bytes, {
        mediaType: "audio/wav",
        addedBy: owner,
      });
    }
    return project;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
