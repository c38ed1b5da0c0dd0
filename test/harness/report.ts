/**
 * `node --import tsx test/harness/report.ts LAB...`: a lab's score against its kernel
 * transcript as `npm test` computes it (state dumps included), with the diff of every command
 * and dump that differs. For working on a lab; the test is test/labs.test.ts.
 */
import { scoreLab } from "./labs.ts";

for (const path of process.argv.slice(2)) {
  const r = await scoreLab(path);
  console.log(r.report.trimEnd());
  console.log(r.score);
}
