/**
 * `tuxnet run --json LAB` with part V's command tables merged in (until the lead merges them
 * into src/userland/index.ts): node --import tsx test/labs/services/run-services.ts LAB
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseLab } from "../../../src/lab/parse.ts";
import { runLab } from "../../../src/lab/runner.ts";
import { entryLine } from "../../../src/lab/transcript.ts";
import { makeKernelWorld } from "../../../src/lab/kernel.ts";
import { commands } from "../../../src/userland/index.ts";
import { dnsmasqCommands } from "../../../src/userland/dnsmasq/index.ts";
import { dhclientCommands } from "../../../src/userland/dhclient/index.ts";
import { busyboxCommands } from "../../../src/userland/busybox/index.ts";
import { virshCommands } from "../../../src/userland/libvirt/index.ts";
import { initscriptsCommands } from "../../../src/userland/initscripts/index.ts";
const servicesCommands = { ...dnsmasqCommands, ...dhclientCommands, ...busyboxCommands, ...virshCommands, ...initscriptsCommands };

const file = process.argv.filter((a) => !a.startsWith("--")).slice(2)[0]!;
const json = process.argv.includes("--json");
const lab = parseLab(readFileSync(file, "utf8"), basename(file).replace(/\.[^.]*$/, ""), file);
await runLab(lab, {
  onBuilt: (world) => {
    for (const e of world.setupErrors) process.stderr.write(`tuxnet: ${e}\n`);
  },
  commands: { ...commands, ...servicesCommands },
  makeWorld: makeKernelWorld,
  onEntry: (e) => {
    if (json) {
      const { dump: _d, ...plain } = e;
      process.stdout.write(entryLine(plain) + "\n");
    } else process.stdout.write(`root@${e.host}:~# ${e.cmd}\n${e.stdout}${e.stderr}`);
  },
});
