/**
 * glibc getopt_long() as ebtables drives it: optstring "-:…" (RETURN_IN_ORDER, silent), with
 * optind and optarg visible and writable between calls, since do_commandeb() reads and moves
 * optind itself (a command's chain and rule number, -C's counters, "!").
 */

export interface EbOption {
  name: string;
  /** 0 no_argument, 1 required_argument, 2 optional_argument */
  hasArg: 0 | 1 | 2;
  /** what getopt_long returns: a short option's character, a number, or an extension key */
  val: string | number;
}

/** getopt's answer: an option's val, 1 for a non-option (RETURN_IN_ORDER), "?" or ":" for errors, -1 at the end */
export type GetoptVal = string | number;

export class EbGetopt {
  optind = 1;
  optarg: string | undefined;
  private nextchar = "";

  /** the operands skipped over (PERMUTE mode) */
  readonly operands: string[] = [];

  /**
   * `err`: getopt prints its errors through it (opterr on); `permute`: GNU permutation (an
   * optstring without the leading '-'), operands are set aside instead of returned as 1
   */
  constructor(
    private readonly argv: string[],
    private readonly shortopts: string,
    public longopts: EbOption[],
    private readonly err?: (msg: string) => void,
    private readonly permute = false,
  ) {}

  next(): GetoptVal {
    const argv = this.argv;
    const argc = argv.length;
    this.optarg = undefined;
    if (this.nextchar === "") {
      if (this.optind >= argc) return -1;
      let a = argv[this.optind]!;
      if (a === "--") {
        this.optind = argc;
        return -1;
      }
      if (this.permute)
        while (this.optind < argc && (argv[this.optind]![0] !== "-" || argv[this.optind]!.length === 1)) {
          this.operands.push(argv[this.optind++]!);
        }
      if (this.optind >= argc) return -1;
      a = argv[this.optind]!;
      if (this.permute && a === "--") {
        this.operands.push(...argv.slice(this.optind + 1));
        this.optind = argc;
        return -1;
      }
      if (a[0] !== "-" || a.length === 1) {
        this.optarg = a;
        this.optind++;
        return 1;
      }
      if (a.startsWith("--")) return this.long(a.slice(2));
      this.nextchar = a.slice(1);
    }
    const c = this.nextchar[0]!;
    this.nextchar = this.nextchar.slice(1);
    if (this.nextchar === "") this.optind++;
    const k = this.shortopts.indexOf(c);
    if (k < 0 || c === ":" || c === "-") {
      this.err?.(`invalid option -- '${c}'`);
      return "?";
    }
    if (this.shortopts[k + 1] === ":") {
      if (this.shortopts[k + 2] === ":") {
        if (this.nextchar !== "") {
          this.optarg = this.nextchar;
          this.optind++;
        }
      } else if (this.nextchar !== "") {
        this.optarg = this.nextchar;
        this.optind++;
      } else if (this.optind >= argc) {
        this.nextchar = "";
        this.err?.(`option requires an argument -- '${c}'`);
        return ":";
      } else this.optarg = argv[this.optind++];
      this.nextchar = "";
    }
    return c;
  }

  private long(body: string): GetoptVal {
    const argv = this.argv;
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    let found: EbOption | undefined = this.longopts.find((o) => o.name === name);
    if (!found) {
      let ambig = false;
      for (const o of this.longopts) {
        if (!o.name.startsWith(name)) continue;
        if (!found) found = o;
        else if (found.hasArg !== o.hasArg || found.val !== o.val) ambig = true;
      }
      if (ambig) {
        const names = this.longopts.filter((o) => o.name.startsWith(name)).map((o) => ` '--${o.name}'`);
        this.err?.(`option '--${name}' is ambiguous; possibilities:${names.join("")}`);
        this.optind++;
        return "?";
      }
    }
    this.optind++;
    if (!found) {
      this.err?.(`unrecognized option '--${body}'`);
      return "?";
    }
    if (eq >= 0) {
      if (found.hasArg === 0) {
        this.err?.(`option '--${found.name}' doesn't allow an argument`);
        return "?";
      }
      this.optarg = body.slice(eq + 1);
    } else if (found.hasArg === 1) {
      if (this.optind >= argv.length) {
        this.err?.(`option '--${found.name}' requires an argument`);
        return ":";
      }
      this.optarg = argv[this.optind++];
    }
    return found.val;
  }
}
