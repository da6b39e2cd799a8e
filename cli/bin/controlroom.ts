#!/usr/bin/env node
import { enableCompileCache } from "node:module";

// Node keeps each module it compiles (type-stripped TypeScript included) in a cache on disk,
// so later runs start without compiling the command line again.
enableCompileCache();
const { main } = await import("../main.ts");

process.exitCode = await main(process.argv.slice(2));
