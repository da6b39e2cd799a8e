import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { bytes, describeBlobStoreContract } from "../test-support/blob-store-contract.ts";
import { FolderBlobStore } from "./folder-blob-store.ts";

/** Every file under the root, relative and slash-separated; folders left empty do not count. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

async function openFolder(options: { maxBytes?: number } = {}) {
  const root = await mkdtemp(path.join(tmpdir(), "controlroom-blobs-"));
  const blobs = new FolderBlobStore(root, options);
  return {
    blobs,
    keyOf: (sha256: string) => path.relative(root, blobs.pathOf(sha256)).split(path.sep).join("/"),
    keys: () => filesUnder(root),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

describeBlobStoreContract("FolderBlobStore", openFolder);

it("FolderBlobStore keeps a blob as a plain file at <root>/<aa>/<sha256>", async () => {
  const folder = await openFolder();
  try {
    const data = bytes(1000, 1);
    const stored = await folder.blobs.put(data);
    expect(folder.blobs.pathOf(stored.sha256)).toBe(
      path.join(folder.blobs.root, stored.sha256.slice(0, 2), stored.sha256),
    );
    expect(await readFile(folder.blobs.pathOf(stored.sha256))).toEqual(Buffer.from(data));
  } finally {
    await folder.cleanup();
  }
});
