/**
 * GNU wc's column width (coreutils 9.1 src/wc.c: get_input_fstatus(), compute_number_width(),
 * write_counts()) over just-bash's wc, which pads its own way: one count of one input is not
 * padded; else every number is as wide as the total size of the regular files among the
 * inputs, at least 7 when one of them is not a regular file (a pipe), and 1 when the first
 * input cannot be stat()ed.
 */
import type { IFileSystem } from "just-bash";
import { gnuOptionsCheck } from "./getopt.ts";

const LONG_COUNTS: Record<string, string> = { bytes: "c", chars: "m", lines: "l", words: "w", "max-line-length": "L" };

/** just-bash's wc output re-padded as GNU's; `args` as gnuCommandLine() spelt them out */
export async function wcWidths(stdout: string, args: string[], shorts: string, longs: string[], fs: IFileSystem, cwd: string): Promise<string> {
  const counts = new Set<string>();
  let filesFrom = false;
  const o = gnuOptionsCheck("wc", args, shorts, longs, { value: (opt) => void (opt === "files0-from" && (filesFrom = true)) });
  if (o.error || !o.operands || filesFrom) return stdout;
  const end = args.indexOf("--");
  args.forEach((a, i) => {
    if (end >= 0 && i >= end) return;
    if (a.startsWith("--")) {
      const c = LONG_COUNTS[a.slice(2)];
      if (c) counts.add(c);
    } else if (/^-[a-zA-Z]+$/.test(a) && o.operandAt?.includes(i) !== true) for (const c of a.slice(1)) if ("clLmw".includes(c)) counts.add(c);
  });
  const k = counts.size || 3;
  const files = o.operands.length ? o.operands : ["-"];
  let width = 1;
  if (!(files.length === 1 && k === 1)) {
    // fstat()/stat() of each input; stdin is taken for a pipe (a file redirected in is rarer)
    const st = await Promise.all(
      files.map(async (f) => {
        if (f === "-") return { failed: false, regular: false, size: 0 };
        try {
          const s = await fs.stat(fs.resolvePath(cwd, f));
          return { failed: false, regular: s.isFile, size: s.size };
        } catch {
          return { failed: true, regular: false, size: 0 };
        }
      }),
    );
    // (compute_number_width()'s `fstatus[0].failed <= 0` holds for a file stat() failed on
    // too: failed is stat()'s -1 there, 1 only for the lone count of one input, not asked)
    let min = 1;
    let total = 0;
    for (const s of st) {
      if (s.failed) continue;
      if (s.regular) total += s.size;
      else min = 7;
    }
    width = Math.max(String(total).length, min);
  }
  const line = new RegExp(`^ *(\\d+)${" +(\\d+)".repeat(k - 1)}(?: (.*))?$`);
  return stdout
    .split("\n")
    .map((l) => {
      const m = line.exec(l);
      if (!m) return l;
      const nums = m.slice(1, k + 1).map((n) => n!.padStart(width));
      return nums.join(" ") + (m[k + 1] !== undefined ? ` ${m[k + 1]}` : "");
    })
    .join("\n");
}
