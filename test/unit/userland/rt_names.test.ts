import { test } from "node:test";
import assert from "node:assert/strict";
import { createWorld } from "../../../src/index.ts";

/** the /etc/iproute2 databases are each host's own: a name one host's files give is not
 * another's, and a file changed is read again (the tables are kept for the texts last read) */
test("rt_tables and rt_protos names per host, read again when changed; a corrupted line", async () => {
  const w = createWorld({ labMacs: false });
  await w.addHost("h1");
  await w.addHost("h2");
  const run = async (h: string, cmd: string) => {
    const r = await w.exec(h, cmd);
    return `${r.stdout}${r.stderr}[${r.exitCode}]`;
  };
  await run("h1", "echo '100 web' >> /etc/iproute2/rt_tables");
  assert.equal(await run("h1", "ip route add blackhole 10.0.0.0/8 table web proto 42"), "[0]");
  assert.equal(await run("h2", "ip route add blackhole 10.0.0.0/8 table 100 proto 42"), "[0]");
  assert.equal(await run("h1", "ip route show table all | grep 10.0"), "blackhole 10.0.0.0/8 table web proto babel \n[0]");
  assert.equal(await run("h2", "ip route show table all | grep 10.0"), "blackhole 10.0.0.0/8 table 100 proto babel \n[0]");
  assert.equal(await run("h2", "ip route show table web"), 'Error: argument "web" is wrong: table id value is invalid\n\n[255]');
  // (fgets() keeps the line's newline, and the message ends in one of its own)
  const corrupt = "Database /etc/iproute2/rt_protos is corrupted at not a line\n\n";
  assert.equal(await run("h1", "printf '0x2a\\tmine\\nnot a line\\n' >> /etc/iproute2/rt_protos; ip route show table web"), `blackhole 10.0.0.0/8 proto mine \n${corrupt}[0]`);
  assert.equal(await run("h2", "ip route show table 100"), "blackhole 10.0.0.0/8 proto babel \n[0]");
  assert.equal(await run("h1", "ip route show table web"), `blackhole 10.0.0.0/8 proto mine \n${corrupt}[0]`);
});
