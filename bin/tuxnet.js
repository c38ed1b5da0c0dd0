#!/usr/bin/env node
// tuxnet's entry point: registers tsx (TypeScript on Node 20) and runs src/cli/main.ts.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
