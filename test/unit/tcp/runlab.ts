/** Score one lab with the TCP tools merged in (until userland/index.ts has them): node --import tsx test/unit/tcp/runlab.ts LAB */
import { commands } from "/work/main/src/userland/index.ts";
import { curlCommands } from "/work/main/src/userland/curl/index.ts";
import { httpdCommands } from "/work/main/src/userland/httpd/index.ts";
import { netcatCommands } from "/work/main/src/userland/netcat/index.ts";
import { tcpdumpCommands } from "/work/main/src/userland/tcpdump/index.ts";
import { scoreLab } from "/work/main/test/harness/labs.ts";
Object.assign(commands, curlCommands, httpdCommands, netcatCommands, tcpdumpCommands);
const r = await scoreLab(process.argv[2]!);
console.log(r.score);
console.log(r.report.slice(0, Number(process.argv[3] ?? 20000)));
