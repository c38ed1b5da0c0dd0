/**
 * xxd (vim's xxd.c): hex dump of a file or stdin, byte for byte. The default layout
 * (`-c 16 -g 2`), `-p` (plain, 30 bytes a line), `-l LEN`, `-s OFFSET`, `-c COLS`, `-g BYTES`;
 * just-bash has none.
 */
export interface XxdIo {
  readFile(path: string): Promise<Uint8Array | undefined>;
  stdin: Uint8Array;
}

const USAGE = "Usage:\n       xxd [options] [infile [outfile]]\n    or\n       xxd -r [-s [-]offset] [-c cols] [-ps] [infile [outfile]]\n";

function hex2(b: number): string {
  return b.toString(16).padStart(2, "0");
}

export async function xxd(args: string[], io: XxdIo): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let plain = false;
  let len: number | undefined;
  let seek = 0;
  let cols: number | undefined;
  let group: number | undefined;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const val = (): number | undefined => {
      const v = args[++i];
      if (v === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(v)) return undefined;
      return Number(v);
    };
    if (a === "-p" || a === "-ps" || a === "-postscript" || a === "-plain") plain = true;
    else if (a === "-l" || a === "-len") len = val();
    else if (a === "-s" || a === "-seek") seek = val() ?? 0;
    else if (a === "-c" || a === "-cols") cols = val();
    else if (a === "-g" || a === "-groupsize") group = val();
    else if (a.startsWith("-") && a !== "-") return { stdout: "", stderr: USAGE, exitCode: 1 };
    else if (file === undefined) file = a;
    else return { stdout: "", stderr: USAGE, exitCode: 1 };
  }
  let data: Uint8Array;
  if (file === undefined || file === "-") data = io.stdin;
  else {
    const d = await io.readFile(file);
    if (!d) return { stdout: "", stderr: `xxd: ${file}: No such file or directory\n`, exitCode: 2 };
    data = d;
  }
  data = data.subarray(seek, len !== undefined ? seek + len : undefined);
  let out = "";
  if (plain) {
    const c = cols ?? 30;
    for (let i = 0; i < data.length; i += c) out += [...data.subarray(i, i + c)].map(hex2).join("") + "\n";
    return { stdout: out, stderr: "", exitCode: 0 };
  }
  const c = cols ?? 16;
  const g = group ?? 2;
  const groups = Math.ceil(c / g);
  const width = c * 2 + (groups - 1);
  for (let i = 0; i < data.length; i += c) {
    const row = data.subarray(i, i + c);
    let h = "";
    for (let j = 0; j < row.length; j++) {
      if (j > 0 && j % g === 0) h += " ";
      h += hex2(row[j]!);
    }
    let asc = "";
    for (const b of row) asc += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    out += `${(seek + i).toString(16).padStart(8, "0")}: ${h.padEnd(width)}  ${asc}\n`;
  }
  return { stdout: out, stderr: "", exitCode: 0 };
}
