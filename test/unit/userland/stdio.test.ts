import { test } from "node:test";
import assert from "node:assert/strict";
import { CStdout } from "../../../src/userland/lib/stdio.ts";
import { dltByName } from "../../../src/userland/tcpdump/dlt.ts";

test("CStdout buffers as glibc's stdout: by block on a pipe, by line on a terminal, or not at all", () => {
  const got: string[] = [];
  const to = { write: (s: string) => void got.push(s) };
  const pipe = new CStdout(to, false);
  pipe.write("PING x\n");
  assert.deepEqual(got, []); // held until fflush() or exit
  pipe.write("y".repeat(5000));
  assert.equal(got.join(""), "PING x\n" + "y".repeat(4089)); // one full 4096-byte block out
  pipe.flush();
  assert.equal(got.join("").length, 7 + 5000);
  got.length = 0;
  const tty = new CStdout(to, true);
  tty.write("a\nb");
  assert.deepEqual(got, ["a\n"]);
  tty.unbuffered(); // setbuf(stdout, NULL) writes what it held
  tty.write(".");
  assert.deepEqual(got, ["a\n", "b", "."]);
});

test("dltByName: libpcap's names, any case; only the modelled types carry their DLT_ value", () => {
  assert.deepEqual(dltByName("en10mb"), { name: "EN10MB", value: 1 });
  assert.deepEqual(dltByName("Linux_SLL2"), { name: "LINUX_SLL2", value: 276 });
  assert.equal(dltByName("DOCSIS")?.value, 143);
  const raw = dltByName("raw");
  assert.equal(raw?.name, "RAW");
  assert.ok(raw !== undefined && raw.value < 0);
  assert.equal(dltByName("FOO"), undefined);
  assert.equal(dltByName(""), undefined);
});
