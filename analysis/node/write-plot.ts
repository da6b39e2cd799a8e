import { spawn } from "node:child_process";
import { basename, extname } from "node:path";
import { writeFileAtomic } from "../../formats/node/pending-file.ts";
import { ControlRoomError } from "../../music/errors.ts";

/** The Debian/Ubuntu package that ships rsvg-convert (librsvg's command-line renderer). */
const RSVG_PACKAGE = "librsvg2-bin";

/**
 * Writes a chart atomically: `.svg` as it is, `.png` rendered by rsvg-convert when it is on
 * PATH. PNG rendering is left to librsvg rather than an npm package, so the project carries
 * no native or WebAssembly image stack for an optional format.
 */
export async function writePlot(path: string, svg: string): Promise<void> {
  const fileName = basename(path);
  if (plotFormat(path) === "svg") writeFileAtomic(path, new TextEncoder().encode(svg));
  else writeFileAtomic(path, await renderPng(svg, fileName));
}

/**
 * The format a plot path asks for, or E_PLOT_FORMAT: a command checks it before the
 * analysis, so a wrong name fails at once rather than after minutes of measuring.
 */
export function plotFormat(path: string): "svg" | "png" {
  const extension = extname(path).toLowerCase();
  if (extension === ".svg" || extension === ".png") return extension === ".svg" ? "svg" : "png";
  const fileName = basename(path);
  throw new ControlRoomError(
    "E_PLOT_FORMAT",
    `${fileName}: plots are written as .svg, or as .png when rsvg-convert is installed`,
    fileName,
  );
}

function renderPng(svg: string, fileName: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn("rsvg-convert", ["--format", "png"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => errors.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new ControlRoomError(
              "E_PLOT_PNG_UNAVAILABLE",
              `${fileName}: drawing a PNG needs rsvg-convert, which is not installed; write the plot as .svg instead, or install ${RSVG_PACKAGE} (apt-get install ${RSVG_PACKAGE})`,
              fileName,
            )
          : new ControlRoomError(
              "E_PLOT_RENDER",
              `${fileName}: rsvg-convert could not be run: ${error.message}`,
              fileName,
            ),
      );
    });
    // After a failed start "error" has already settled the promise, so this reject is a no-op.
    child.on("close", (code, signal) => {
      if (code === 0) {
        resolve(new Uint8Array(Buffer.concat(out)));
        return;
      }
      const reason =
        Buffer.concat(errors).toString("utf8").trim() ||
        (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(
        new ControlRoomError(
          "E_PLOT_RENDER",
          `${fileName}: rsvg-convert failed: ${reason}`,
          fileName,
        ),
      );
    });
    // A child that failed to start closes stdin under us; its "error" event says why.
    child.stdin.on("error", () => {});
    child.stdin.end(svg);
  });
}
