/**
 * The machines' kernel configuration (src/kernel/kconfig.ts): parsed from a lab's
 * `# tuxnet-kconfig:` comment, the CLI's --kconfig, the library's createWorld({ kconfig }),
 * and what CONFIG_BRIDGE_VLAN_FILTERING changes (default off: the lab kernel's answers).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWorld, fromLab } from "../../../src/index.ts";
import { expandLab, LabError, parseLab } from "../../../src/lab/parse.ts";
import { kconfigOf, parseKconfigAssignment } from "../../../src/kernel/kconfig.ts";
import { takeKconfig } from "../../../src/cli/main.ts";

test("kconfig: NAME=y|n assignments, defaults", () => {
  assert.deepEqual(parseKconfigAssignment("CONFIG_BRIDGE_VLAN_FILTERING=y"), { name: "CONFIG_BRIDGE_VLAN_FILTERING", value: true });
  assert.deepEqual(parseKconfigAssignment("CONFIG_BRIDGE_VLAN_FILTERING=n"), { name: "CONFIG_BRIDGE_VLAN_FILTERING", value: false });
  assert.ok("error" in parseKconfigAssignment("CONFIG_BRIDGE_VLAN_FILTERING=m"));
  assert.ok("error" in parseKconfigAssignment("CONFIG_BRIDGE_VLAN_FILTERING"));
  assert.ok("error" in parseKconfigAssignment("CONFIG_NOSUCH=y"));
  assert.deepEqual(kconfigOf(undefined), { CONFIG_BRIDGE_VLAN_FILTERING: false });
  assert.deepEqual(kconfigOf({ CONFIG_BRIDGE_VLAN_FILTERING: true }), { CONFIG_BRIDGE_VLAN_FILTERING: true });
});

test("kconfig: the lab comment, its errors, expand keeps it", () => {
  const text = "# tuxnet-kconfig: CONFIG_BRIDGE_VLAN_FILTERING=y\n#% host h\nip link\n";
  assert.deepEqual(parseLab(text).kconfig, { CONFIG_BRIDGE_VLAN_FILTERING: true });
  assert.equal(parseLab("#% host h\n# a comment\nip link\n").kconfig, undefined);
  assert.throws(() => parseLab("# tuxnet-kconfig: CONFIG_NOSUCH=y\n", "x"), (e) => e instanceof LabError && /x:1: unknown kconfig option CONFIG_NOSUCH/.test(e.message));
  assert.throws(() => parseLab("#% host h\n# tuxnet-kconfig: CONFIG_BRIDGE_VLAN_FILTERING=1\n", "x"), (e) => e instanceof LabError && /x:2: kconfig CONFIG_BRIDGE_VLAN_FILTERING: value must be y or n/.test(e.message));
  assert.throws(() => parseLab("# tuxnet-kconfig:\n", "x"), LabError);
  const ex = expandLab(text);
  assert.ok(ex.startsWith("# tuxnet-kconfig: CONFIG_BRIDGE_VLAN_FILTERING=y\n#% host h\n"));
  assert.deepEqual(parseLab(ex).kconfig, { CONFIG_BRIDGE_VLAN_FILTERING: true });
});

test("kconfig: the CLI's --kconfig", () => {
  assert.deepEqual(takeKconfig(["--json", "--kconfig", "CONFIG_BRIDGE_VLAN_FILTERING=y", "x.lab"]), {
    args: ["--json", "x.lab"], kconfig: { CONFIG_BRIDGE_VLAN_FILTERING: true },
  });
  assert.deepEqual(takeKconfig(["--kconfig=CONFIG_BRIDGE_VLAN_FILTERING=n"]).kconfig, { CONFIG_BRIDGE_VLAN_FILTERING: false });
  assert.throws(() => takeKconfig(["--kconfig"]), LabError);
  assert.throws(() => takeKconfig(["--kconfig", "CONFIG_X=y"]), LabError);
});

const setup = "ip link add v1 type veth peer name v2 && ip link add br0 type bridge && ip link set v1 master br0";

test("kconfig: off by default, the lab kernel's answers", async () => {
  const w = createWorld();
  await w.addHost("h1");
  await w.exec("h1", setup);
  const add = await w.exec("h1", "bridge vlan add vid 10 dev v1");
  assert.equal(add.stderr, "RTNETLINK answers: Operation not supported\n");
  assert.equal((await w.exec("h1", "bridge vlan show")).stdout, "port              vlan-id  \n");
  assert.equal((await w.exec("h1", "ls /sys/class/net/br0/bridge | grep -c vlan")).stdout, "0\n");
});

test("kconfig: CONFIG_BRIDGE_VLAN_FILTERING from createWorld: vlan groups, compressed dump", async () => {
  const w = createWorld({ kconfig: { CONFIG_BRIDGE_VLAN_FILTERING: true } });
  await w.addHost("h1");
  await w.exec("h1", setup);
  assert.equal((await w.exec("h1", "bridge vlan add vid 5-7 dev v1 untagged; bridge vlan add vid 9 dev v1")).exitCode, 0);
  const j = JSON.parse((await w.exec("h1", "bridge -j -compressvlans vlan show dev v1")).stdout);
  assert.deepEqual(j, [{ ifname: "v1", vlans: [
    { vlan: 1, flags: ["PVID", "Egress Untagged"] }, { vlan: 5, vlanEnd: 7, flags: ["Egress Untagged"] }, { vlan: 9 },
  ] }]);
  // the port's entries keep the master (non-BRENTRY) ones alive on the bridge, unseen there
  assert.equal((await w.exec("h1", "bridge vlan show dev br0")).stdout, "port              vlan-id  \nbr0               1 PVID Egress Untagged\n");
  await w.exec("h1", "bridge vlan del vid 6 dev v1");
  const j2 = JSON.parse((await w.exec("h1", "bridge -j -compressvlans vlan show dev v1")).stdout);
  assert.deepEqual(j2[0].vlans.map((v: { vlan: number; vlanEnd?: number }) => [v.vlan, v.vlanEnd]), [[1, undefined], [5, undefined], [7, undefined], [9, undefined]]);
});

test("kconfig: the lab comment reaches every machine of the lab", async () => {
  const w = await fromLab("# tuxnet-kconfig: CONFIG_BRIDGE_VLAN_FILTERING=y\n#% host a\n#% switch sw\n#% link a:eth0 sw\n");
  assert.equal((await w.exec("sw", "bridge vlan show dev p1")).stdout, "port              vlan-id  \np1                1 PVID Egress Untagged\n");
  assert.equal((await w.exec("a", "cat /sys/class/net/sw 2>/dev/null; ip link add b0 type bridge && cat /sys/class/net/b0/bridge/default_pvid")).stdout, "1\n");
});
