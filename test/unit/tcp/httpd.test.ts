/** python3 -m http.server: files, directory listing (with a Process that can list), errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inetInit } from "../../../src/kernel/ipv4/af_inet.ts";
import { tools, cabledPair } from "../kernel-core/harness.ts";
import { curlCommands } from "../../../src/userland/curl/index.ts";
import { python3 } from "../../../src/userland/httpd/http_server.ts";
import type { Process } from "../../../src/userland/process.ts";
import type { Syscalls } from "../../../src/kernel/uapi/syscalls.ts";
import type { World } from "../../../src/kernel/world.ts";
import { runJob } from "../../../src/shell/drive.ts";
import { curl } from "../../../src/userland/curl/curl.ts";

/** curl as a job beside the server daemon (shell/drive.ts's runJob, as the shell runs them) */
async function curlJob(world: World, sys: Syscalls, line: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const p: Process = {
    argv: line.split(" "), env: {}, cwd: "/root", stdin: "", sys, signal: new AbortController().signal, isatty: false,
    stdout: { write: (s) => void (out += s) }, stderr: { write: (s) => void (err += s) },
    spawn: async () => 127, readFile: async () => undefined, writeFile: async () => false,
  };
  const code = await runJob(world.sched, () => curl(p), () => 255);
  return { code, out, err };
}

inetInit();
Object.assign(tools, curlCommands);

const big = Array.from({ length: 40000 }, (_, i) => `${i}\n`).join("");
const files: Record<string, string> = { "/srv/big.txt": big, "/srv/a.txt": "A\n", "/srv/b.html": "<b>\n", "/srv/sub/c.txt": "C\n" };
const dirs: Record<string, string[]> = { "/srv": ["b.html", "a.txt", "big.txt", "sub"], "/srv/sub": ["c.txt"] };

function serve(sys: Syscalls, argv: string[], world: { sched: { track<T>(p: Promise<T>): Promise<T> } }) {
  let err = "";
  let out = "";
  const ac = new AbortController();
  const p: Process & { readdir(path: string): Promise<string[] | undefined> } = {
    argv, env: {}, cwd: "/srv", stdin: "", sys, signal: ac.signal, isatty: false,
    stdout: { write: (s) => void (out += s) },
    stderr: { write: (s) => void (err += s) },
    spawn: async () => 127,
    readFile: async (path) => files[path],
    writeFile: async () => false,
    readdir: async (path) => dirs[path.replace(/\/$/, "")],
  };
  const done = world.sched.track(python3(p));
  return { log: () => err, out: () => out, stop: () => ac.abort(), done };
}

test("python3 -m http.server serves files and listings; curl reads them", async () => {
  const { world, a, b } = await cabledPair();
  const srv = serve(b, ["python3", "-m", "http.server", "80"], world);
  let r = await curlJob(world, a, "curl -s http://10.0.0.2/a.txt");
  assert.equal(r.out, "A\n");
  r = await curlJob(world, a, "curl -s http://10.0.0.2/");
  assert.equal(r.out, '<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Directory listing for /</title>\n</head>\n<body>\n<h1>Directory listing for /</h1>\n<hr>\n<ul>\n<li><a href="a.txt">a.txt</a></li>\n<li><a href="b.html">b.html</a></li>\n<li><a href="big.txt">big.txt</a></li>\n<li><a href="sub/">sub/</a></li>\n</ul>\n<hr>\n</body>\n</html>\n');
  r = await curlJob(world, a, "curl -sI http://10.0.0.2/sub");
  assert.match(r.out, /^HTTP\/1\.0 301 Moved Permanently\r\nServer: SimpleHTTP\/0\.6 Python\/3\.11\.2\r\nDate: .* GMT\r\nLocation: \/sub\/\r\nContent-Length: 0\r\n\r\n$/);
  r = await curlJob(world, a, "curl -sL http://10.0.0.2/sub");
  assert.match(r.out, /<title>Directory listing for \/sub\/<\/title>[^]*<li><a href="c\.txt">c\.txt<\/a><\/li>/);
  r = await curlJob(world, a, "curl -s -w %{http_code} http://10.0.0.2/nope");
  assert.match(r.out, /<p>Error code: 404<\/p>[^]*<\/html>\n404$/);
  assert.equal(r.out.length - 3, 335);
  assert.match(srv.log(), /^10\.0\.0\.1 - - \[\d\d\/\w\w\w\/\d{4} \d\d:\d\d:\d\d\] "GET \/a\.txt HTTP\/1\.1" 200 -\n/);
  assert.match(srv.log(), /\] code 404, message File not found\n10\.0\.0\.1 - - \[.*\] "GET \/nope HTTP\/1\.1" 404 -\n$/);
  // a bulk transfer: MSS segments, windows, cumulative ACKs
  r = await curlJob(world, a, "curl -s -w %{size_download} http://10.0.0.2/big.txt");
  assert.equal(r.out, big + String(big.length));
  // an idle connection (connected, nothing sent) does not hold the others up
  const idle = a.socket(2, 1, 0) as import("../../../src/kernel/uapi/socket.ts").Socket;
  idle.connect({ family: 2, addr: 0x0a000002, port: 80 });
  r = await curlJob(world, a, "curl -s http://10.0.0.2/sub/c.txt");
  assert.equal(r.out, "C\n");
  idle.close();
  const dup = await (async () => {
    let err = "";
    const code = await world.sched.track(python3({ ...({} as Process), argv: ["python3", "-m", "http.server", "80"], cwd: "/srv", env: {}, stdin: "", sys: b, signal: new AbortController().signal, isatty: false, stdout: { write: () => {} }, stderr: { write: (s) => void (err += s) }, spawn: async () => 0, readFile: async () => undefined, writeFile: async () => false }));
    return { code, err };
  })();
  assert.equal(dup.code, 1);
  assert.match(dup.err, /\nOSError: \[Errno 98\] Address already in use\n$/);
  srv.stop();
  await runJob(world.sched, () => srv.done, () => 255);
});
