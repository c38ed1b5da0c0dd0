import { test } from "node:test";
import assert from "node:assert/strict";
import { createWorld } from "../../../src/index.ts";

/** getent over a Debian machine's default /etc/hosts (127.0.1.1 for its own name, the IPv6
 * lines), which the lab machines' own /etc/hosts cannot show */
test("getent hosts/ahosts from /etc/hosts: AF_INET6 first, multi on, RFC 3484 order", async () => {
  const w = createWorld({ labMacs: false });
  await w.addHost("h1");
  const run = async (cmd: string) => {
    const r = await w.exec("h1", cmd);
    return `${r.stdout}${r.stderr}[${r.exitCode}]`;
  };
  // gethostbyname2(AF_INET6) finds the ::1 line before AF_INET is tried
  assert.equal(await run("getent hosts localhost"), "::1             localhost ip6-localhost ip6-loopback\n[0]");
  assert.equal(await run("getent hosts h1 ip6-allnodes"), "127.0.1.1       h1\nff02::1         ip6-allnodes\n[0]");
  assert.equal(await run("getent hosts ::1 127.0.0.1"), "::1             localhost ip6-localhost ip6-loopback\n127.0.0.1       localhost\n[0]");
  // RFC 3484: ::1 (precedence 50) before 127.0.0.1 (35); an IPv6 address that is not routed
  // (rule 1: no source address) after an IPv4 one
  await run("ip link set lo up");
  assert.equal(await run("getent ahosts localhost | cut -c1-22"), "::1             STREAM\n::1             DGRAM \n::1             RAW   \n127.0.0.1       STREAM\n127.0.0.1       DGRAM \n127.0.0.1       RAW   \n[0]");
  await run("printf 'fd00::5 dual\\n10.9.9.9 dual\\n' >> /etc/hosts");
  assert.equal(await run("getent ahosts dual | grep STREAM"), "10.9.9.9        STREAM dual\nfd00::5         STREAM \n[0]");
  // AI_ADDRCONFIG: only loopback addresses, so no IPv4 and no IPv6 answer by family
  assert.equal(await run("getent ahostsv4 localhost"), "[2]");
  assert.equal(await run("getent -A ahostsv4 localhost"), "127.0.0.1       STREAM localhost\n127.0.0.1       DGRAM  \n127.0.0.1       RAW    \n[0]");
  // a second line for a name adds its address (host.conf: multi on)
  await run("echo '10.1.1.1 h1 extra' >> /etc/hosts");
  assert.equal(await run("getent -s hosts:files hosts h1"), "127.0.1.1       h1 extra\n10.1.1.1        h1 extra\n[0]");
  assert.equal(await run("getent hosts | tail -1"), "10.1.1.1        h1 extra\n[0]");
  // the files databases follow their files
  await run("echo 'svc 4242/tcp alias1' >> /etc/services");
  assert.equal(await run("getent services alias1 4242/tcp"), "svc                   4242/tcp alias1\nsvc                   4242/tcp alias1\n[0]");
  assert.equal(await run("getent -s passwd:nis passwd root; getent -s nis passwd root"), "[2]");
});
