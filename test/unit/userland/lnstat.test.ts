import { test } from "node:test";
import assert from "node:assert/strict";
import { lnstat } from "../../../src/userland/iproute2/lnstat.ts";
import { fakeSys, run } from "./fakesys.ts";

const hex = (v: number) => v.toString(16).padStart(8, "0");

test("lnstat: sums the CPUs' lines, entries is the last line's, rates over the interval", async () => {
  const f = fakeSys();
  /* sleep(3) blocks the job on the simulated clock */
  Object.assign(f.sys, {
    sleep: (us: number) => {
      const b = f.sched.block();
      f.sched.after(us, () => b.unblock());
      return b.promise;
    },
  });
  f.dirs.set("/proc/net/stat", ["rt_cache", "synproxy"]);
  /* synproxy's counters grow by 6 a second on CPU 0 and 4 on CPU 1 */
  const files = {
    get "/proc/net/stat/synproxy"() {
      const s = Math.round(f.sched.now / 1e6);
      return "entries\t\tsyn_received\n" + `${hex(3)}\t${hex(6 * s)}\n${hex(7)}\t${hex(4 * s)}\n`;
    },
    "/proc/net/stat/rt_cache": "entries  in_hit\n00000005 0000000a\n",
  } as Record<string, string>;
  const r = await run(lnstat, f.sys, ["lnstat", "-c", "3", "-i", "2", "-f", "synproxy", "-w", "6,14"], files, f.sched);
  assert.equal(r.code, 1);
  assert.equal(
    r.out,
    "synpro|      synproxy|\n" +
      /* the header has as many lines as the last field needs: "entries" loses its "s" */
      "entrie|  syn_received|\n" +
      "     7|             0|\n" +
      "     7|            10|\n" +
      "     7|            10|\n",
  );
  const d = await run(lnstat, f.sys, ["rtstat", "-d"], files);
  assert.equal(d.out, "/proc/net/stat/rt_cache:\n\t 1: entries\n\t 2: in_hit\n");
  const j = await run(lnstat, f.sys, ["lnstat", "-j", "-c", "1", "-k", "rt_cache:in_hit,entries"], files);
  assert.equal(j.out, '{"in_hit":5,"entries":7}\n');
});
