/** print-http.c + util-print.c txtproto_print() (tcpdump 4.99.3): the HTTP line on port 80/8080 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { printPacket, DLT_EN10MB, type Ndo } from "../../../src/userland/tcpdump/print.ts";

const ndo = (o: Partial<Ndo> = {}): Ndo => ({ eflag: 0, vflag: 0, qflag: 0, nflag: 1, Kflag: true, hostName: () => undefined, servName: () => undefined, ...o });

/** 10.0.0.1.40100 -> 10.0.0.2.DPORT, flags PSH|ACK, no options, the payload */
function seg(payload: string, dport = 80, sport = 40100): Uint8Array {
  const data = new TextEncoder().encode(payload);
  const f = new Uint8Array(14 + 20 + 20 + data.length);
  f.set([0x56, 0x63, 0x11, 0x8e, 0xdd, 0xd7, 0x72, 0x78, 0x16, 0x96, 0x58, 0x26, 0x08, 0x00], 0);
  const tot = 40 + data.length;
  f.set([0x45, 0, tot >> 8, tot & 0xff, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  f.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0x01, 0xf5, 0, 0, 0, 0], 34);
  f.set(data, 54);
  return f;
}
const get = "GET /f.txt HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

test("http: request and response lines, -v prints every text line", () => {
  const p = seg(get);
  assert.equal(printPacket(ndo(), DLT_EN10MB, p, p.length),
    "IP 10.0.0.1.40100 > 10.0.0.2.80: Flags [P.], seq 1:78, ack 1, win 501, length 77: HTTP: GET /f.txt HTTP/1.1");
  const r = seg("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nhi\n", 40100, 80);
  assert.match(printPacket(ndo(), DLT_EN10MB, r, r.length), /length 33: HTTP: HTTP\/1\.0 200 OK$/);
  assert.match(printPacket(ndo({ vflag: 1 }), DLT_EN10MB, p, p.length),
    /length 77: HTTP, length: 77\n\tGET \/f\.txt HTTP\/1\.1\n\tHost: 10\.0\.0\.2\n\tUser-Agent: curl\/7\.88\.1\n\tAccept: \*\/\*\n\t$/);
  // -v on a response: the lines up to the body's unterminated last line
  assert.match(printPacket(ndo({ vflag: 1 }), DLT_EN10MB, r, r.length), /HTTP, length: 33\n\tHTTP\/1\.0 200 OK\n\tServer: x\n\t\n\thi$/);
});

test("http: not a request or response: only the protocol name; 8080 too; -q none", () => {
  const body = seg("hello world\r\n");
  assert.match(printPacket(ndo(), DLT_EN10MB, body, body.length), /length 13: HTTP$/);
  const alt = seg("POST / HTTP/1.1\r\n\r\n", 8080);
  assert.match(printPacket(ndo(), DLT_EN10MB, alt, alt.length), /length 19: HTTP: POST \/ HTTP\/1\.1$/);
  const other = seg(get, 81);
  assert.match(printPacket(ndo(), DLT_EN10MB, other, other.length), /length 77$/);
  const p = seg(get);
  assert.equal(printPacket(ndo({ qflag: 1 }), DLT_EN10MB, p, p.length), "IP 10.0.0.1.40100 > 10.0.0.2.80: tcp 77");
  // a lowercase method is still a request (ascii_strcasecmp); a CR not followed by LF ends the line as binary
  const lc = seg("get / HTTP/1.1\rX");
  assert.match(printPacket(ndo(), DLT_EN10MB, lc, lc.length), /: HTTP$/);
});

test("txtproto on the other ports of print-tcp.c's chain: smtp, ftp, rtsp; ssh's port is not http", () => {
  const smtp = seg("EHLO x\r\n", 25);
  assert.match(printPacket(ndo(), DLT_EN10MB, smtp, smtp.length), /length 8: SMTP: EHLO x$/);
  const ftp = seg("220 ready\r\n", 40100, 21);
  assert.match(printPacket(ndo(), DLT_EN10MB, ftp, ftp.length), /length 11: FTP: 220 ready$/);
  const rtsp = seg("RTSP/1.0 200 OK\r\n", 40100, 554);
  assert.match(printPacket(ndo(), DLT_EN10MB, rtsp, rtsp.length), /length 17: RTSP: RTSP\/1\.0 200 OK$/);
  const ssh = seg(get, 80, 22);
  assert.match(printPacket(ndo(), DLT_EN10MB, ssh, ssh.length), /length 77$/);
});
