import { open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { ControlRoomError } from "../../music/errors.ts";

/**
 * PGlite is one process's database: a second process opening the same folder would
 * corrupt it. `controlroom.lock` holds the owner's pid; a lock whose process is gone
 * (killed, crashed) is taken over.
 */
export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, "controlroom.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new ControlRoomError(
        "E_STORE_LOCKED",
        `the database in ${dir} is open in another process (pid ${owner}); close it first, or use a PostgreSQL server (DATABASE_URL) to share one database`,
        dir,
      );
    }
    await rm(file, { force: true });
  }
  throw new ControlRoomError("E_STORE_LOCKED", `could not lock the database in ${dir}`, dir);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
