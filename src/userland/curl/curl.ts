/**
 * curl 7.88.1 (Debian 12), HTTP/1.1 over IPv4 only. The parts kept from curl's source:
 * src/tool_getparam.c (the option table, long options and bundled short ones, "option X: is
 * unknown"), src/tool_operate.c (one transfer per URL, -o, exit codes; -Z's parallel_transfers()
 * with src/tool_progress.c's combined meter), src/tool_cb_dbg.c
 * (the -v trace: "* ", "> ", "< ", "{ [N bytes data]"), lib/progress.c (the progress meter
 * on stderr when the body does not go to a terminal), lib/connect.c + lib/cf-socket.c
 * ("Trying", "Connected to", "Failed to connect to H port P after N ms: ...", timeouts),
 * lib/http.c (request, status line and headers, Content-Length / chunked / until close) and
 * lib/strerror.c (curl_easy_strerror texts).
 */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Socket } from "../../kernel/uapi/socket.ts";
import { SOCK_STREAM } from "../../kernel/uapi/socket.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { errnoNumbers, isKErr, strerrorText, type Errno } from "../../kernel/uapi/errno.ts";
import { ipv4ToString } from "../../wire/addr.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import { oneShotBlock, type Block } from "../../sim/scheduler.ts";
import { getaddrinfo, procTimer } from "../iputils/common.ts";
import { waitReadable, readSome, connectResult, enc } from "./stream.ts";

export const CURL_VERSION = "7.88.1";
/** µs between the end of a response and close() in a real curl process */
const CLOSE_US = 200;

// include/curl/curl.h: CURLcode values used here, lib/strerror.c texts
const CURLE_OK = 0;
const CURLE_UNSUPPORTED_PROTOCOL = 1;
const CURLE_URL_MALFORMAT = 3;
const CURLE_COULDNT_RESOLVE_HOST = 6;
const CURLE_COULDNT_CONNECT = 7;
const CURLE_HTTP_RETURNED_ERROR = 22;
const CURLE_WRITE_ERROR = 23;
const CURLE_OPERATION_TIMEDOUT = 28;
const CURLE_INTERFACE_FAILED = 45;
const CURLE_GOT_NOTHING = 52;
const CURLE_RECV_ERROR = 56;
const STRERROR: Record<number, string> = {
  [CURLE_COULDNT_CONNECT]: "Couldn't connect to server",
  [CURLE_OPERATION_TIMEDOUT]: "Timeout was reached",
};

/** the protocols of this libcurl build whose connections are emulated, by default port */
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21, ftps: 990, gopher: 70, telnet: 23, dict: 2628 };

class CurlError extends Error {
  constructor(public readonly code: number, msg: string, public readonly progressDone = true) {
    super(msg);
  }
}

interface Config {
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  head: boolean;
  include: boolean;
  fail: boolean;
  output: string | undefined;
  maxTime: number; // ms, 0 = none
  connectTimeout: number; // ms, 0 = default (300 s)
  method: string | undefined;
  headers: string[];
  userAgent: string;
  writeOut: string | undefined;
  location: boolean;
  /** -d: a POST body (application/x-www-form-urlencoded) */
  data: string | undefined;
  urls: string[];
  /** -Z, --parallel-max, --parallel-immediate (global->parallel, parallel_max, parallel_connect) */
  parallel: boolean;
  parallelMax: number;
  parallelImmediate: boolean;
  /** --local-port NUM[-NUM]: the first local port and how many to try */
  localPort: number;
  localPortRange: number;
}

/** src/tool_operate.h: PARALLEL_DEFAULT; src/tool_getparam.c: MAX_PARALLEL */
const PARALLEL_DEFAULT = 50;
const MAX_PARALLEL = 300;

/** src/tool_getparam.c: the options understood here; true = takes an argument */
const LONG: Record<string, { short?: string; arg: boolean }> = {
  silent: { short: "s", arg: false },
  "show-error": { short: "S", arg: false },
  verbose: { short: "v", arg: false },
  head: { short: "I", arg: false },
  include: { short: "i", arg: false },
  fail: { short: "f", arg: false },
  output: { short: "o", arg: true },
  "max-time": { short: "m", arg: true },
  "connect-timeout": { arg: true },
  request: { short: "X", arg: true },
  header: { short: "H", arg: true },
  "user-agent": { short: "A", arg: true },
  "write-out": { short: "w", arg: true },
  url: { arg: true },
  "no-progress-meter": { arg: false },
  location: { short: "L", arg: false },
  data: { short: "d", arg: true },
  parallel: { short: "Z", arg: false },
  "parallel-max": { arg: true },
  "parallel-immediate": { arg: false },
  "local-port": { arg: true },
};
const SHORT: Record<string, string> = {};
for (const [k, v] of Object.entries(LONG)) if (v.short) SHORT[v.short] = k;

class Curl {
  cfg: Config = {
    silent: false, showError: false, verbose: false, head: false, include: false, fail: false,
    output: undefined, maxTime: 0, connectTimeout: 0, method: undefined, headers: [],
    userAgent: `curl/${CURL_VERSION}`, writeOut: undefined, location: false, data: undefined, urls: [],
    parallel: false, parallelMax: PARALLEL_DEFAULT, parallelImmediate: false, localPort: 0, localPortRange: 0,
  };
  noProgressMeter = false;
  /** progress meter state (lib/progress.c) */
  pgrsHeaderShown = false;
  pgrsLastShow = -1;
  pgrsLastAt = -1;
  pgrsStart = 0;
  downloaded = 0;
  expected = -1;
  /** the -v trace: data lines are announced once per burst (tool_cb_dbg.c traced_data) */
  tracedData = false;
  httpCode = 0;
  /** CURLINFO_PRIMARY_IP / _PORT: the address of the last connection ("" before one) */
  primaryIp = "";
  primaryPort = 0;

  constructor(readonly p: Process) {}

  err(s: string): void {
    this.p.stderr.write(s);
  }

  helpHint(): never {
    this.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
    throw new Exit(2);
  }

  /** src/tool_getparam.c: getparameter() over argv */
  parseArgs(args: string[]): void {
    const num = (opt: string, v: string): number => {
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) {
        this.err(`curl: option ${opt}: expected a proper numerical parameter\n`);
        this.helpHint();
      }
      return Math.round(n * 1000);
    };
    const set = (name: string, opt: string, v: string): void => {
      const c = this.cfg;
      switch (name) {
        case "silent": c.silent = true; break;
        case "show-error": c.showError = true; break;
        case "verbose": c.verbose = true; break;
        case "head": c.head = true; break;
        case "include": c.include = true; break;
        case "fail": c.fail = true; break;
        case "output": c.output = v; break;
        case "max-time": c.maxTime = num(opt, v); break;
        case "connect-timeout": c.connectTimeout = num(opt, v); break;
        case "request": c.method = v; break;
        case "header": c.headers.push(v); break;
        case "user-agent": c.userAgent = v; break;
        case "write-out": c.writeOut = v; break;
        case "url": c.urls.push(v); break;
        case "no-progress-meter": this.noProgressMeter = true; break;
        case "location": c.location = true; break;
        case "data": c.data = c.data === undefined ? v : `${c.data}&${v}`; break;
        case "parallel": c.parallel = true; break;
        case "parallel-immediate": c.parallelImmediate = true; break;
        case "local-port": {
          // NUM or NUM-NUM (sscanf " - %6s"): a range is how many ports from the first
          const m = /^(\d*)(?:\s*-\s*(\S{1,6}))?$/.exec(v);
          const first = m && m[1] ? Number(m[1]) : NaN;
          const last = m?.[2] !== undefined ? (/^\d+$/.test(m[2]) ? Number(m[2]) : NaN) : first;
          const range = last - (first - 1);
          if (!m || !(first <= 65535) || !(last <= 65535) || !(range >= 1)) {
            this.err(`curl: option ${opt}: is badly used here\n`);
            this.helpHint();
          }
          c.localPort = first;
          c.localPortRange = range;
          break;
        }
        case "parallel-max": {
          // str2unum(), then clamped: above MAX_PARALLEL is MAX_PARALLEL, below 1 the default
          const n = /^\s*[+-]?\d+$/.test(v) ? Number(v) : NaN;
          if (!(n >= 0)) {
            this.err(`curl: option ${opt}: expected a ${Number.isNaN(n) ? "proper" : "positive"} numerical parameter\n`);
            this.helpHint();
          }
          c.parallelMax = n > MAX_PARALLEL ? MAX_PARALLEL : n < 1 ? PARALLEL_DEFAULT : n;
          break;
        }
      }
    };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a.startsWith("--") && a.length > 2) {
        const name = a.slice(2);
        const o = LONG[name];
        if (!o) {
          this.err(`curl: option ${a}: is unknown\n`);
          this.helpHint();
        }
        let v = "";
        if (o.arg) {
          if (i + 1 >= args.length) {
            this.err(`curl: option ${a}: requires parameter\n`);
            this.helpHint();
          }
          v = args[++i]!;
        }
        set(name, a, v);
        continue;
      }
      if (a.startsWith("-") && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const name = SHORT[a[j]!];
          if (!name) {
            this.err(`curl: option -${a.slice(j)}: is unknown\n`);
            this.helpHint();
          }
          if (LONG[name]!.arg) {
            let v: string;
            if (j + 1 < a.length) v = a.slice(j + 1);
            else if (i + 1 < args.length) v = args[++i]!;
            else {
              this.err(`curl: option -${a[j]}: requires parameter\n`);
              this.helpHint();
            }
            set(name, `-${a[j]}`, v);
            break;
          }
          set(name, `-${a[j]}`, "");
        }
        continue;
      }
      this.cfg.urls.push(a);
    }
  }

  // ------------------------------------------------------------------ progress meter

  showProgress(): boolean {
    if (this.cfg.silent || this.noProgressMeter) return false;
    // tool_operate.c: no meter when the body goes to the terminal
    if (!this.cfg.output && this.p.isatty) return false;
    return true;
  }

  /** lib/progress.c: max5data() */
  static max5(v: number): string {
    const K = 1024;
    const M = K * K;
    if (v < 100000) return String(v).padStart(5);
    if (v < 10000 * K) return `${String(Math.floor(v / K)).padStart(4)}k`;
    if (v < 100 * M) return `${String(Math.floor(v / M)).padStart(2)}.${Math.floor((v % M) / (M / 10))}M`;
    return `${String(Math.floor(v / M)).padStart(4)}M`;
  }

  /** lib/progress.c: time2str() */
  static time2str(secs: number): string {
    if (secs <= 0) return "--:--:--";
    const h = Math.floor(secs / 3600);
    if (h <= 99) {
      const m = Math.floor((secs - h * 3600) / 60);
      const s = secs - h * 3600 - m * 60;
      return `${String(h).padStart(2)}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
    }
    const d = Math.floor(secs / 86400);
    return d <= 999 ? `${String(d).padStart(3)}d ${String(h - d * 24).padStart(2, "0")}h` : `${String(Math.floor(d / 365)).padStart(7)}y`;
  }

  /** lib/progress.c: progress_meter() — `force` for Curl_pgrsDone() */
  progress(force: boolean): void {
    if (!this.showProgress()) return;
    if (!this.pgrsHeaderShown) {
      this.err("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
        "                                 Dload  Upload   Total   Spent    Left  Speed\n");
      this.pgrsHeaderShown = true;
    }
    const elapsedUs = this.p.sys.now() - this.pgrsStart;
    const secs = Math.floor(elapsedUs / 1e6);
    if (!force && this.pgrsLastShow >= 0 && secs <= this.pgrsLastShow) return;
    // a forced update right after a timed one at the same instant prints nothing new
    if (force && this.pgrsLastAt === this.p.sys.now() && this.pgrsLastShow === secs && secs > 0) return;
    this.pgrsLastShow = secs;
    this.pgrsLastAt = this.p.sys.now();
    const dl = this.downloaded;
    const speed = elapsedUs > 0 ? Math.floor(dl / (elapsedUs / 1e6)) : dl;
    const total = this.expected >= 0 ? this.expected : 0;
    const pct = total > 0 ? Math.floor((dl * 100) / total) : 0;
    const estTotal = total > 0 && speed > 0 ? Math.floor(total / speed) : 0;
    const left = total > 0 && speed > 0 ? Math.max(0, estTotal - secs) : 0;
    const c = (n: number) => String(n).padStart(3);
    this.err(`\r${c(pct)} ${Curl.max5(total)}  ${c(pct)} ${Curl.max5(dl)}  ${c(0)} ${Curl.max5(0)}  ${Curl.max5(speed)}  ${Curl.max5(0)} ` +
      `${Curl.time2str(estTotal)} ${Curl.time2str(secs)} ${Curl.time2str(left)} ${Curl.max5(speed)}`);
  }

  progressDone(): void {
    if (!this.showProgress()) return;
    this.progress(true);
    this.err("\n");
  }

  // ------------------------------------------------------------------ verbose trace

  info(s: string): void {
    if (this.cfg.verbose) {
      this.err(`* ${s}\n`);
      this.tracedData = false;
    }
  }

  // ------------------------------------------------------------------ one transfer

  /** the time left before -m, in µs of the simulated clock (-1: no limit) */
  deadline(connecting: boolean): number {
    const s = this.pgrsStart;
    let d = this.cfg.maxTime ? s + this.cfg.maxTime * 1000 : -1;
    if (connecting) {
      const ct = s + (this.cfg.connectTimeout || 300_000) * 1000;
      if (d < 0 || ct < d) d = ct;
    }
    return d;
  }

  elapsedMs(): number {
    return Math.floor((this.p.sys.now() - this.pgrsStart) / 1000);
  }

  timedOut(connecting: boolean): CurlError {
    // the multi loop notices an expired -m timer a millisecond late, as the lab machines show
    const ms = this.elapsedMs() + 1;
    if (connecting) {
      if (this.cfg.maxTime && (!this.cfg.connectTimeout || this.cfg.maxTime <= this.cfg.connectTimeout)) {
        return new CurlError(CURLE_OPERATION_TIMEDOUT, `Connection timed out after ${ms} milliseconds`);
      }
      return new CurlError(CURLE_OPERATION_TIMEDOUT, `Failed to connect to ${this.host} port ${this.port} after ${ms - 1} ms: ${STRERROR[CURLE_OPERATION_TIMEDOUT]}`);
    }
    const got = this.expected >= 0
      ? `${this.downloaded} out of ${this.expected} bytes received`
      : `${this.downloaded} bytes received`;
    return new CurlError(CURLE_OPERATION_TIMEDOUT, `Operation timed out after ${ms} milliseconds with ${got}`);
  }

  host = "";
  port = 80;
  body: string[] = [];

  /** write the body (tool_cb_wrt.c) */
  write(s: string): void {
    if (this.cfg.output === "/dev/null") return;
    if (this.cfg.output && this.cfg.output !== "-") this.body.push(s);
    else this.p.stdout.write(s);
  }

  async transfer(url: string): Promise<void> {
    const p = this.p;
    // lib/urlapi.c: scheme://host[:port][/path]
    let rest = url;
    let scheme = "http";
    const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url);
    if (sm) {
      scheme = sm[1]!.toLowerCase();
      rest = url.slice(sm[0].length);
    }
    const defPort = DEFAULT_PORTS[scheme];
    if (defPort === undefined) {
      throw new CurlError(CURLE_UNSUPPORTED_PROTOCOL, `Protocol "${scheme}" not supported or disabled in libcurl`, false);
    }
    this.port = defPort;
    const slash = rest.search(/[/?#]/);
    const authority = slash < 0 ? rest : rest.slice(0, slash);
    let path = slash < 0 ? "/" : rest.slice(slash);
    if (path.startsWith("?")) path = `/${path}`;
    path = path.replace(/#.*$/, "");
    const hm = /^(?:[^@]*@)?([^:]*)(?::(\d*))?$/.exec(authority);
    if (!hm || !hm[1]) throw new CurlError(CURLE_URL_MALFORMAT, `URL using bad/illegal format or missing URL`, false);
    this.host = hm[1];
    if (hm[2] !== undefined && hm[2] !== "") {
      this.port = Number(hm[2]);
      if (this.port > 65535) throw new CurlError(CURLE_URL_MALFORMAT, `Port number was not a decimal number between 0 and 65535`, false);
    }
    this.pgrsStart = p.sys.now();
    this.progress(false);
    const ai = await getaddrinfo(p, this.host);
    if (typeof ai === "string") throw new CurlError(CURLE_COULDNT_RESOLVE_HOST, `Could not resolve host: ${this.host}`, false);
    const addr = ipv4ToString(ai.addr);
    const sk = await this.connect(ai.addr, addr);
    if (scheme !== "http") {
      // only the connection is emulated for the other protocols curl knows
      sk.close();
      if (scheme === "https") throw new CurlError(35, "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number");
      throw new CurlError(8, "Weird server reply");
    }
    try {
      await this.http(sk, path);
      // the time curl takes from the last byte to close() (writing out, cleanup)
      await this.p.sys.sleep(CLOSE_US);
    } finally {
      sk.close();
    }
  }

  /** lib/cf-socket.c: bindlocal(): --local-port, the next port of the range while taken */
  bindLocal(sk: Socket): void {
    const c = this.cfg;
    if (!c.localPort) return;
    let err: Errno = "EADDRINUSE";
    for (let port = c.localPort, n = c.localPortRange; n > 0 && port <= 65535; port++, n--) {
      const e = sk.bind({ family: 2, addr: 0, port });
      if (!e) {
        this.info(`Local port: ${port}`);
        return;
      }
      err = e.errno;
      if (err !== "EADDRINUSE") break;
    }
    sk.close();
    throw new CurlError(CURLE_INTERFACE_FAILED, `bind failed with errno ${errnoNumbers[err] ?? 0}: ${strerrorText[err] ?? err}`);
  }

  /** lib/connect.c + lib/cf-socket.c: one IPv4 address, non-blocking connect, poll */
  async connect(a: number, addr: string): Promise<Socket> {
    const p = this.p;
    this.info(`  Trying ${addr}:${this.port}...`);
    const sk = p.sys.socket(AF_INET, SOCK_STREAM, 0);
    if (isKErr(sk)) throw new CurlError(CURLE_COULDNT_CONNECT, `Failed to connect to ${this.host} port ${this.port} after ${this.elapsedMs()} ms: ${STRERROR[CURLE_COULDNT_CONNECT]}`);
    sk.setsockopt("TCP_NODELAY", 1);
    this.bindLocal(sk);
    const fail = (e: Errno): CurlError => {
      sk.close();
      this.info(`connect to ${addr} port ${this.port} failed: ${strerrorText[e] ?? e}`);
      const msg = `Failed to connect to ${this.host} port ${this.port} after ${this.elapsedMs()} ms: ${STRERROR[CURLE_COULDNT_CONNECT]}`;
      this.info(msg);
      return new CurlError(CURLE_COULDNT_CONNECT, msg);
    };
    const e = sk.connect({ family: 2, addr: a, port: this.port });
    if (e && e.errno !== "EINPROGRESS") {
      // cf-socket.c: cf_socket_connect(): "Immediate connect fail for %s: %s"
      sk.close();
      this.info(`Immediate connect fail for ${addr}: ${strerrorText[e.errno] ?? e.errno}`);
      const msg = `Failed to connect to ${this.host} port ${this.port} after ${this.elapsedMs()} ms: ${STRERROR[CURLE_COULDNT_CONNECT]}`;
      this.info(msg);
      throw new CurlError(CURLE_COULDNT_CONNECT, msg);
    }
    for (;;) {
      const r = connectResult(sk);
      if (r === "connected") break;
      if (r !== "pending") throw fail(r);
      const w = await this.waitTick(sk, true);
      if (w === "timeout") {
        sk.close();
        const te = this.timedOut(true);
        this.info(te.message);
        throw te;
      }
      if (w === "abort") {
        sk.close();
        throw new Exit(130);
      }
    }
    this.info(`Connected to ${this.host} (${addr}) port ${this.port} (#0)`);
    this.primaryIp = addr;
    this.primaryPort = this.port;
    this.onEvent?.();
    return sk;
  }

  /** poll() with curl's once-a-second progress updates */
  async waitTick(sk: Socket, connecting: boolean): Promise<"ready" | "timeout" | "abort"> {
    const d = this.deadline(connecting);
    for (;;) {
      const nextTick = this.showProgress() ? this.pgrsStart + (Math.max(this.pgrsLastShow, 0) + 1) * 1e6 : -1;
      const until = nextTick >= 0 && (d < 0 || nextTick < d) ? nextTick : d;
      const r = await waitReadable(this.p, sk, until);
      if (r === "timeout" && until !== d) {
        this.progress(false);
        continue;
      }
      return r;
    }
  }

  /** lib/http.c: send the request, read the response */
  async http(sk: Socket, path: string): Promise<void> {
    const c = this.cfg;
    const method = c.method ?? (c.head ? "HEAD" : c.data !== undefined ? "POST" : "GET");
    const hostHdr = this.port === 80 ? this.host : `${this.host}:${this.port}`;
    const lines = [`${method} ${path} HTTP/1.1`];
    const custom = new Set(c.headers.map((h) => h.split(":")[0]!.trim().toLowerCase()));
    if (!custom.has("host")) lines.push(`Host: ${hostHdr}`);
    if (!custom.has("user-agent") && c.userAgent) lines.push(`User-Agent: ${c.userAgent}`);
    if (!custom.has("accept")) lines.push("Accept: */*");
    for (const h of c.headers) if (/:\s*\S/.test(h)) lines.push(h);
    const body = c.data !== undefined ? enc.encode(c.data) : undefined;
    if (body) {
      lines.push(`Content-Length: ${body.length}`);
      if (!custom.has("content-type")) lines.push("Content-Type: application/x-www-form-urlencoded");
    }
    const req = lines.map((l) => `${l}\r\n`).join("") + "\r\n" + (c.data ?? "");
    if (c.verbose) {
      for (const l of lines) this.err(`> ${l}\r\n`);
      this.err("> \r\n");
      if (body) {
        if (!this.p.isatty) this.err(`} [${body.length} bytes data]\n`);
      }
    }
    sk.sendto(enc.encode(req));
    if (body) this.uploaded = this.uploadTotal = body.length;
    this.onEvent?.();
    // the response
    const dec = new TextDecoder("utf-8");
    let buf: Uint8Array = new Uint8Array(0);
    let headersDone = false;
    let chunked = false;
    let untilClose = true;
    let remaining = -1;
    let gotAny = false;
    let http10 = false;
    const noBody = method === "HEAD";
    const takeBody = (data: Uint8Array): void => {
      if (!data.length) return;
      if (!this.outputOpened) this.pendingOpen = true;
      if (c.verbose && !this.tracedData && !this.p.isatty) {
        this.err(`{ [${data.length} bytes data]\n`);
        this.tracedData = true;
      }
      this.downloaded += data.length;
      this.onEvent?.();
      if (!c.head && !(c.fail && this.httpCode >= 400)) this.write(dec.decode(data, { stream: true }));
    };
    let chunkBuf: Uint8Array = new Uint8Array(0);
    let chunkLeft = 0;
    let chunkEnd = false;
    const feedChunked = (data: Uint8Array): void => {
      chunkBuf = concat(chunkBuf, data);
      for (;;) {
        if (chunkEnd) return;
        if (chunkLeft > 0) {
          const n = Math.min(chunkLeft, chunkBuf.length);
          if (!n) return;
          takeBody(chunkBuf.subarray(0, n));
          chunkBuf = chunkBuf.subarray(n);
          chunkLeft -= n;
          if (chunkLeft === 0) chunkLeft = -2; // CRLF after the data
          continue;
        }
        const nl = indexOfCrlf(chunkBuf, 0);
        if (nl < 0) return;
        const line = new TextDecoder().decode(chunkBuf.subarray(0, nl));
        chunkBuf = chunkBuf.subarray(nl + 2);
        if (chunkLeft === -2) {
          chunkLeft = 0;
          continue;
        }
        const size = parseInt(line, 16);
        if (!size) {
          chunkEnd = true;
          return;
        }
        chunkLeft = size;
      }
    };
    for (;;) {
      const r = readSome(sk);
      if (r === undefined) {
        if (headersDone && !untilClose && (chunked ? chunkEnd : remaining <= 0)) break;
        const w = await this.waitTick(sk, false);
        if (w === "timeout") throw this.timedOut(false);
        if (w === "abort") throw new Exit(130);
        continue;
      }
      if ("err" in r) {
        if (!gotAny) throw new CurlError(CURLE_RECV_ERROR, `Recv failure: ${strerrorText[r.err] ?? r.err}`);
        throw new CurlError(CURLE_RECV_ERROR, `Recv failure: ${strerrorText[r.err] ?? r.err}`);
      }
      if ("eof" in r) {
        if (!gotAny) throw new CurlError(CURLE_GOT_NOTHING, "Empty reply from server");
        if (!headersDone) break;
        if (remaining > 0 && !untilClose) {
          throw new CurlError(18, `transfer closed with ${remaining} bytes remaining to read`);
        }
        break;
      }
      gotAny = true;
      let data: Uint8Array = r.data;
      if (!headersDone) {
        buf = concat(buf, data);
        const end = indexOf(buf, "\r\n\r\n");
        if (end < 0) continue;
        const head = new TextDecoder("latin1").decode(buf.subarray(0, end + 4));
        data = buf.subarray(end + 4);
        headersDone = true;
        const hl = head.split("\r\n").slice(0, -2);
        const status = hl[0] ?? "";
        const sm = /^HTTP\/(\d(?:\.\d)?) (\d{3})/.exec(status);
        this.httpCode = sm ? Number(sm[2]) : 0;
        http10 = sm?.[1] === "1.0";
        if (http10) this.info("HTTP 1.0, assume close after body");
        for (const l of hl) {
          if (c.verbose) this.err(`< ${l}\r\n`);
          if (c.head || c.include) this.write(`${l}\r\n`);
          const m = /^([^:]+):\s*(.*)$/.exec(l);
          if (!m) continue;
          const k = m[1]!.toLowerCase();
          if (k === "location") this.location = m[2]!.trim();
          if (k === "content-length") {
            remaining = Number(m[2]);
            this.expected = remaining;
            untilClose = false;
          } else if (k === "transfer-encoding" && /chunked/i.test(m[2]!)) {
            chunked = true;
            untilClose = false;
          }
        }
        if (c.verbose) this.err("< \r\n");
        this.tracedData = false;
        if (c.head || c.include) this.write("\r\n");
        if (noBody || this.httpCode === 204 || this.httpCode === 304) {
          remaining = 0;
          untilClose = false;
          chunked = false;
        }
        if (c.fail && this.httpCode >= 400) break;
      }
      if (chunked) feedChunked(data);
      else {
        if (!untilClose && remaining >= 0) {
          data = data.subarray(0, remaining);
          remaining -= data.length;
        }
        takeBody(data);
      }
      await this.openOutput();
      if (!this.outputOk) throw new CurlError(CURLE_WRITE_ERROR, "Failure writing output to destination");
      if (headersDone && !untilClose && (chunked ? chunkEnd : remaining <= 0)) break;
    }
    await this.openOutput();
    if (!this.outputOk) throw new CurlError(CURLE_WRITE_ERROR, "Failure writing output to destination");
    const tail = dec.decode();
    if (tail) this.write(tail);
    if (c.fail && this.httpCode >= 400) {
      throw new CurlError(CURLE_HTTP_RETURNED_ERROR, `The requested URL returned error: ${this.httpCode}`);
    }
    this.keepAlive = !http10 && !untilClose;
  }
  keepAlive = false;
  /** -d bytes sent, of how many (the xferinfo callback's ulnow / ultotal) */
  uploaded = 0;
  uploadTotal = 0;
  /** a parallel run's multi loop wants to hear of progress (curl_multi_poll returning) */
  onEvent: (() => void) | undefined;
  location: string | undefined;
  outputOk = true;
  outputOpened = false;
  pendingOpen = false;

  /** tool_cb_wrt.c: tool_create_output_file() at the first byte of the body */
  async openOutput(): Promise<void> {
    if (!this.pendingOpen || this.outputOpened) return;
    this.pendingOpen = false;
    this.outputOpened = true;
    const o = this.cfg.output;
    if (!o || o === "-" || o === "/dev/null") return;
    // fopen(): the directory must exist (asked of the Process when it can list directories)
    const dir = o.includes("/") ? o.slice(0, o.lastIndexOf("/")) || "/" : ".";
    const lister = (this.p as Process & { readdir?(path: string): Promise<string[] | undefined> }).readdir;
    const dirOk = lister ? (await lister.call(this.p, dir)) !== undefined : true;
    if (!dirOk || !(await this.p.writeFile(o, ""))) {
      this.outputOk = false;
      if (!this.cfg.silent) this.err(`Warning: Failed to open the file ${o}: No such file or directory\n`);
    }
  }

  /** src/tool_writeout.c: -w with the few variables labs use */
  writeOut(): void {
    const f = this.cfg.writeOut;
    if (f === undefined) return;
    const vars: Record<string, string> = {
      http_code: String(this.httpCode).padStart(3, "0"),
      response_code: String(this.httpCode).padStart(3, "0"),
      size_download: String(this.downloaded),
      remote_ip: this.primaryIp,
      remote_port: this.primaryIp ? String(this.primaryPort) : "0",
    };
    const s = f.replace(/%\{([a-z_]+)\}/g, (_m, k: string) => vars[k] ?? "")
      .replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\r/g, "\r");
    this.p.stdout.write(s);
  }

  /** one URL: the transfer and its redirects, as libcurl runs it (Curl_pgrsDone included) */
  async runOne(url: string): Promise<{ code: number; err?: CurlError }> {
    this.downloaded = 0;
    this.expected = -1;
    this.httpCode = 0;
    this.pgrsHeaderShown = false;
    this.pgrsLastShow = -1;
    this.body = [];
    this.port = 80;
    this.outputOk = true;
    this.outputOpened = false;
    try {
      // -L: follow redirects (lib/transfer.c Curl_follow), at most 50
      let u = url;
      for (let hops = 0; ; hops++) {
        this.location = undefined;
        await this.transfer(u);
        if (!this.cfg.location || !this.location || this.httpCode < 300 || this.httpCode > 399) break;
        if (hops >= 50) throw new CurlError(47, "Maximum (50) redirects followed");
        u = resolveUrl(u, this.location);
        this.info(`Issue another request to this URL: '${u}'`);
      }
      this.progressDone();
      if (this.cfg.verbose) this.err(this.keepAlive ? `* Connection #0 to host ${this.host} left intact\n` : "* Closing connection 0\n");
      return { code: CURLE_OK };
    } catch (e) {
      if (!(e instanceof CurlError)) throw e;
      if (e.progressDone) this.progressDone();
      if (this.cfg.verbose && e.progressDone) this.err("* Closing connection 0\n");
      return { code: e.code, err: e };
    }
  }

  /** src/tool_operate.c: post_per_transfer(): the error message, the output file, -w */
  async postTransfer(r: { code: number; err?: CurlError }): Promise<void> {
    if (r.err && (!this.cfg.silent || this.cfg.showError)) this.err(`curl: (${r.err.code}) ${r.err.message}\n`);
    if (this.cfg.output && this.cfg.output !== "-" && this.cfg.output !== "/dev/null" && this.outputOk && this.body.length) {
      await this.p.writeFile(this.cfg.output, this.body.join(""));
    }
    this.writeOut();
  }

  async main(): Promise<number> {
    this.parseArgs(this.p.argv.slice(1));
    if (!this.cfg.urls.length) {
      this.helpHint();
    }
    if (this.cfg.parallel) return new Parallel(this).run();
    let code = CURLE_OK;
    for (const url of this.cfg.urls) {
      const r = await this.runOne(url);
      await this.postTransfer(r);
      code = r.code;
    }
    return code;
  }
}

/** one transfer of a parallel run (src/tool_operate.h: struct per_transfer) */
interface PerTransfer {
  url: string;
  curl: Curl | undefined;
  added: boolean;
  done: boolean;
  dltotalAdded: boolean;
  ultotalAdded: boolean;
  result?: { code: number; err?: CurlError };
  failure?: unknown;
}

/**
 * The tasks of one process (a multi handle's transfers): the process waits on the simulator
 * only while every task waits. Each task blocks through `sys()`, whose block() and sleep()
 * are counted here; the scheduler sees one block when the last running task blocks.
 */
class Tasks {
  private running = 1;
  private outer: Block | undefined;
  constructor(private readonly base: Syscalls) {}

  private idle(): void {
    if (this.running === 0 && !this.outer) this.outer = this.base.block();
  }
  private busy(): void {
    const o = this.outer;
    this.outer = undefined;
    o?.unblock();
  }
  block(): Block {
    this.running--;
    this.idle();
    return oneShotBlock(() => {
      this.running++;
      this.busy();
    });
  }
  sleep(us: number): Promise<void> {
    const b = this.block();
    procTimer(this.base, () => b.unblock(), "sleep").mod(this.base.now() + us);
    return b.promise;
  }
  /** a task starts / ends */
  start(): void {
    this.running++;
    this.busy();
  }
  end(): void {
    this.running--;
    this.idle();
  }
  /** the system calls of a task: the process's, with block() and sleep() counted here */
  sys(): Syscalls {
    const s = Object.create(this.base) as Syscalls;
    s.block = () => this.block();
    s.sleep = (us: number) => this.sleep(us);
    return s;
  }
}

/**
 * src/tool_operate.c: parallel_transfers() / add_parallel_transfers() — up to --parallel-max
 * transfers at once on one multi handle — and src/tool_progress.c: progress_meter(), the
 * combined meter that replaces the per-transfer one.
 */
class Parallel {
  readonly p: Process;
  readonly cfg: Config;
  readonly tasks: Tasks;
  readonly sys: Syscalls;
  /** the transfer list (transfers; all_pers is its length) */
  pers: PerTransfer[] = [];
  /** URLs turned into transfers so far (all_xfers) */
  allXfers = 0;
  allAdded = 0;
  // tool_progress.c's statics
  headerShown = false;
  stamp = -Infinity;
  allDltotal = 0;
  allUltotal = 0;
  allDlalready = 0;
  allUlalready = 0;
  speedIndex = 0;
  indexWrapped = false;
  speedStore: { dl: number; ul: number; stamp: number }[] = [];
  /** a transfer did something: curl_multi_poll() returns */
  private wake: (() => void) | undefined;
  private kicked = false;

  constructor(readonly top: Curl) {
    this.p = top.p;
    this.cfg = top.cfg;
    this.tasks = new Tasks(top.p.sys);
    this.sys = this.tasks.sys();
  }

  kick(): void {
    if (this.wake) this.wake();
    else this.kicked = true;
  }

  /** curl_multi_poll(): until a transfer has news, `ms` pass, or a signal */
  async poll(ms: number): Promise<void> {
    if (this.kicked || this.p.signal.aborted) {
      this.kicked = false;
      return;
    }
    const b = this.tasks.block();
    const t = procTimer(this.p.sys, () => b.unblock(), "curl_multi_poll");
    t.mod(this.p.sys.now() + ms * 1000);
    const onAbort = () => b.unblock();
    this.p.signal.addEventListener("abort", onAbort);
    this.wake = () => b.unblock();
    await b.promise;
    this.wake = undefined;
    this.kicked = false;
    t.cancel();
    this.p.signal.removeEventListener("abort", onAbort);
  }

  /** create_transfer(): the next URL becomes a transfer */
  createTransfer(): void {
    const url = this.cfg.urls[this.allXfers];
    if (url === undefined) return;
    this.allXfers++;
    this.pers.push({ url, curl: undefined, added: false, done: false, dltotalAdded: false, ultotalAdded: false });
  }

  /** add_parallel_transfers(): start transfers up to parallel_max; [more, added] */
  addParallelTransfers(): [boolean, boolean] {
    let added = false;
    const max = this.cfg.parallelMax;
    if (this.pers.length < max * 2) this.createTransfer();
    let i = 0;
    for (; i < this.pers.length && this.allAdded < max; i++) {
      const per = this.pers[i]!;
      if (per.added) continue;
      per.added = true;
      this.launch(per);
      this.createTransfer();
      this.allAdded++;
      added = true;
    }
    return [i < this.pers.length, added];
  }

  /** curl_multi_add_handle(): the transfer runs as a task of this process */
  launch(per: PerTransfer): void {
    const child = Object.create(this.p) as Process;
    child.sys = this.sys;
    const c = new Curl(child);
    c.cfg = this.cfg;
    // CURLOPT_XFERINFOFUNCTION replaces libcurl's own meter
    c.noProgressMeter = true;
    c.onEvent = () => this.kick();
    per.curl = c;
    this.tasks.start();
    void c.runOne(per.url).then(
      (r) => {
        per.result = r;
      },
      (e: unknown) => {
        per.failure = e;
      },
    ).finally(() => {
      per.done = true;
      this.tasks.end();
      this.kick();
    });
  }

  async run(): Promise<number> {
    const now = () => this.p.sys.now();
    const start = now();
    let result = CURLE_OK;
    let tick = Math.floor(this.p.sys.wallclock());
    let [more] = this.addParallelTransfers();
    let stillRunning = true;
    let first = true;
    while (stillRunning || more) {
      // the first poll returns at once: a new handle's timeout is 0
      if (!first) await this.poll(1000);
      first = false;
      stillRunning = this.pers.some((per) => per.added && !per.done);
      this.progressMeter(start, false);
      let checkmore = false;
      for (const ended of this.pers.filter((per) => per.done)) {
        if (ended.failure !== undefined) throw ended.failure;
        const r = ended.result!;
        await ended.curl!.postTransfer(r);
        this.progressFinalize(ended);
        this.allAdded--;
        checkmore = true;
        if (r.code) result = r.code;
        this.pers = this.pers.filter((x) => x !== ended);
      }
      if (!checkmore) {
        const tock = Math.floor(this.p.sys.wallclock());
        if (tick !== tock) {
          checkmore = true;
          tick = tock;
        }
      }
      if (checkmore) {
        const [m, added] = this.addParallelTransfers();
        more = m;
        if (added) stillRunning = true;
      }
    }
    this.progressMeter(start, true);
    return result;
  }

  /** tool_progress.c: progress_finalize() */
  progressFinalize(per: PerTransfer): void {
    const c = per.curl!;
    this.allDlalready += c.downloaded;
    this.allUlalready += c.uploaded;
    if (!per.dltotalAdded) {
      this.allDltotal += Math.max(c.expected, 0);
      per.dltotalAdded = true;
    }
    if (!per.ultotalAdded) {
      this.allUltotal += c.uploadTotal;
      per.ultotalAdded = true;
    }
  }

  /** tool_progress.c: progress_meter() — at most every 500 ms, and the final one */
  progressMeter(start: number, final: boolean): void {
    // global->noprogress: -s, --no-progress-meter, or the body going to a terminal
    if (!this.top.showProgress()) return;
    const now = this.p.sys.now();
    // tvdiff(): milliseconds
    const tvdiff = (a: number, b: number) => Math.trunc((a - b) / 1000);
    const diff = tvdiff(now, this.stamp);
    if (!this.headerShown) {
      this.headerShown = true;
      this.p.stderr.write("DL% UL%  Dled  Uled  Xfers  Live Total     Current  Left    Speed\n");
    }
    if (!final && !(diff > 500)) return;
    const spent = Math.trunc(tvdiff(now, start) / 1000);
    let dlpercen = "--";
    let ulpercen = "--";
    let allDlnow = this.allDlalready;
    let allUlnow = this.allUlalready;
    let dlknown = true;
    let ulknown = true;
    let allRunning = 0;
    this.stamp = now;
    for (const per of this.pers) {
      const c = per.curl;
      // xferinfo_cb(): what the transfer reported so far (nothing before it was added)
      const dlnow = c?.downloaded ?? 0;
      const dltotal = c ? Math.max(c.expected, 0) : 0;
      const ulnow = c?.uploaded ?? 0;
      const ultotal = c?.uploadTotal ?? 0;
      allDlnow += dlnow;
      allUlnow += ulnow;
      if (!dltotal) dlknown = false;
      else if (!per.dltotalAdded) {
        this.allDltotal += dltotal;
        per.dltotalAdded = true;
      }
      if (!ultotal) ulknown = false;
      else if (!per.ultotalAdded) {
        this.allUltotal += ultotal;
        per.ultotalAdded = true;
      }
      if (per.added) allRunning++;
    }
    if (dlknown && this.allDltotal) dlpercen = String(Math.trunc((allDlnow * 100) / this.allDltotal)).padStart(3);
    if (ulknown && this.allUltotal) ulpercen = String(Math.trunc((allUlnow * 100) / this.allUltotal)).padStart(3);
    // the transfer speed, the higher of the two, over the last SPEEDCNT samples
    const SPEEDCNT = 10;
    this.speedStore[this.speedIndex] = { dl: allDlnow, ul: allUlnow, stamp: now };
    if (++this.speedIndex >= SPEEDCNT) {
      this.indexWrapped = true;
      this.speedIndex = 0;
    }
    let deltams: number;
    let dl: number;
    let ul: number;
    if (this.indexWrapped) {
      const old = this.speedStore[this.speedIndex]!;
      deltams = tvdiff(now, old.stamp);
      dl = allDlnow - old.dl;
      ul = allUlnow - old.ul;
    } else {
      deltams = tvdiff(now, start);
      dl = allDlnow;
      ul = allUlnow;
    }
    if (!deltams) deltams++;
    const dls = Math.trunc(dl / (deltams / 1000));
    const uls = Math.trunc(ul / (deltams / 1000));
    const speed = dls > uls ? dls : uls;
    let timeLeft = Curl.time2str(0);
    let timeTotal = Curl.time2str(0);
    if (dlknown && speed) {
      timeLeft = Curl.time2str(Math.trunc((this.allDltotal - allDlnow) / speed));
      timeTotal = Curl.time2str(Math.trunc(this.allDltotal / speed));
    }
    const timeSpent = Curl.time2str(spent);
    const n5 = (v: number) => String(v).padStart(5);
    this.p.stderr.write(
      `\r${dlpercen.padEnd(3)} ${ulpercen.padEnd(3)} ${Curl.max5(allDlnow)} ${Curl.max5(allUlnow)} ${n5(this.allXfers)} ${n5(allRunning)}  ` +
        `${timeTotal} ${timeSpent} ${timeLeft} ${Curl.max5(speed)} ${(final ? "\n" : "").padStart(5)}`,
    );
  }
}

/** a Location header against the URL it came from (absolute, absolute-path or relative) */
function resolveUrl(base: string, loc: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(loc)) return loc;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*)([^?#]*)/.exec(base.includes("://") ? base : `http://${base}`);
  if (!m) return loc;
  if (loc.startsWith("/")) return m[1]! + loc;
  const dir = m[2]!.replace(/[^/]*$/, "") || "/";
  return m[1]! + dir + loc;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const n = new Uint8Array(a.length + b.length);
  n.set(a);
  n.set(b, a.length);
  return n;
}

function indexOf(b: Uint8Array, s: string): number {
  outer: for (let i = 0; i + s.length <= b.length; i++) {
    for (let j = 0; j < s.length; j++) if (b[i + j] !== s.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

function indexOfCrlf(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10) return i;
  return -1;
}

export async function curl(p: Process): Promise<number> {
  return new Curl(p).main();
}
