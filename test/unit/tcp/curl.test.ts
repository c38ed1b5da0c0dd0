/** curl against a kernel-level HTTP responder, and its error paths. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inetInit } from "../../../src/kernel/ipv4/af_inet.ts";
import { run, tools, cabledPair } from "../kernel-core/harness.ts";
import { curlCommands } from "../../../src/userland/curl/index.ts";
import type { Socket } from "../../../src/kernel/uapi/socket.ts";

inetInit();
Object.assign(tools, curlCommands);

const pair = cabledPair;

/** an HTTP/1.0 responder living in simulator callbacks */
function responder(srv: Socket, body: string): void {
  srv.onReadable(() => {
    for (let c = srv.accept!(); c; c = srv.accept!()) {
      const conn = c;
      let req = "";
      conn.onReadable(() => {
        for (let m = conn.recvfrom(); m && m.data.length; m = conn.recvfrom()) req += new TextDecoder().decode(m.data);
        if (req.includes("\r\n\r\n")) {
          conn.sendto(new TextEncoder().encode(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`));
          conn.sendto(new TextEncoder().encode(body));
          conn.shutdown!(1);
          conn.close();
          req = "";
        }
      });
    }
  });
}

test("curl GET, -v, -I, refused, timeouts", async () => {
  const { a, b } = await pair();
  const srv = b.socket(2, 1, 0) as Socket;
  srv.bind({ family: 2, addr: 0, port: 80 });
  srv.listen!(5);
  responder(srv, "hello\n");
  let r = await run(a, "curl -s http://10.0.0.2/x");
  assert.equal(r.err, "");
  assert.equal(r.out, "hello\n");
  assert.equal(r.code, 0);
  r = await run(a, "curl -v http://10.0.0.2/x");
  assert.equal(r.out, "hello\n");
  assert.match(r.err, /\*   Trying 10\.0\.0\.2:80\.\.\.\n\* Connected to 10\.0\.0\.2 \(10\.0\.0\.2\) port 80 \(#0\)\n> GET \/x HTTP\/1\.1\r\n> Host: 10\.0\.0\.2\r\n/);
  assert.match(r.err, /\* HTTP 1\.0, assume close after body\n< HTTP\/1\.0 200 OK\r\n< Content-Length: 6\r\n< \r\n\{ \[6 bytes data\]\n\r100     6  100     6 /);
  assert.match(r.err, /\n\* Closing connection 0\n$/);
  r = await run(a, "curl -sI http://10.0.0.2/x");
  assert.equal(r.out, "HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\n");
  r = await run(a, "curl http://10.0.0.2:81/");
  assert.equal(r.code, 7);
  assert.match(r.err, /\ncurl: \(7\) Failed to connect to 10\.0\.0\.2 port 81 after 0 ms: Couldn't connect to server\n$/);
  await run(a, "ip route add 192.0.2.0/24 via 10.0.0.2");
  r = await run(a, "curl -s -m 2 http://192.0.2.1/");
  assert.equal(r.code, 28);
  r = await run(a, "curl -m 2 http://192.0.2.1/");
  assert.match(r.err, /curl: \(28\) Connection timed out after 2001 milliseconds\n$/);
  r = await run(a, "curl --connect-timeout 2 http://192.0.2.1/");
  assert.match(r.err, /curl: \(28\) Failed to connect to 192\.0\.2\.1 port 80 after 2000 ms: Timeout was reached\n$/);
  r = await run(a, "curl");
  assert.equal(r.code, 2);
  assert.equal(r.err, "curl: try 'curl --help' or 'curl --manual' for more information\n");
});

test("curl -Z: transfers at once, the parallel meter (tool_progress.c)", async () => {
  const { a, b } = await pair();
  const srv = b.socket(2, 1, 0) as Socket;
  srv.bind({ family: 2, addr: 0, port: 80 });
  srv.listen!(5);
  responder(srv, "hello\n");
  let r = await run(a, "curl -Z http://10.0.0.2/x http://10.0.0.2/y");
  assert.equal(r.code, 0);
  assert.equal(r.out, "hello\nhello\n");
  assert.match(r.err, /^DL% UL%  Dled  Uled  Xfers  Live Total     Current  Left    Speed\n\r--  --      0     0     2     2  --:--:-- --:--:-- --:--:--     0      \r100 --     12     0     2     0  --:--:-- --:--:-- --:--:-- +\d+ {5}\n$/);
  r = await run(a, "curl -Zs http://10.0.0.2/x http://10.0.0.2:81/");
  assert.equal(r.code, 7);
  assert.equal(r.out, "hello\n");
  assert.equal(r.err, "");
  r = await run(a, "curl --parallel-max x http://10.0.0.2/x");
  assert.equal(r.code, 2);
  assert.match(r.err, /^curl: option --parallel-max: expected a proper numerical parameter\n/);
});
