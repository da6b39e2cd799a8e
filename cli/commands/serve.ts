import { startStudio } from "../../server/node/start-studio.ts";
import { type Command, optionalInteger, parseCommandLine } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { help } from "../help/serve.ts";

export const serveCommand: Command = {
  help,
  async run(argv) {
    const { values } = parseCommandLine("serve", argv, {
      port: { type: "string" },
      host: { type: "string" },
      data: { type: "string" },
      log: { type: "boolean" },
      workers: { type: "string" },
      "trust-proxy": { type: "string" },
    });
    const studio = await startStudio({
      port: optionalInteger(values.port, "--port", 0, 65_535) ?? 4321,
      host: values.host ?? "127.0.0.1",
      dataDir: values.data,
      logger: values.log ?? false,
      workers: optionalInteger(values.workers, "--workers", 0, 64) ?? 1,
      trustProxy: values["trust-proxy"],
    });
    for (const message of studio.messages) console.log(message);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await studio.close();
    return EXIT.ok;
  },
};
