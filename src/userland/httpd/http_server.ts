/**
 * `python3 -m http.server [PORT] [--bind ADDR] [--directory DIR]` — Python 3.11's
 * Lib/http/server.py as Debian 12 ships it: test() (the "Serving HTTP on …" line),
 * socketserver.TCPServer (bind, listen(5), a thread per request, shutdown(SHUT_WR) + close
 * after each response: the server's protocol_version is HTTP/1.0),
 * BaseHTTPRequestHandler (parse_request, send_error's page, log_message's lines on stderr)
 * and SimpleHTTPRequestHandler (translate_path, list_directory, guess_type, send_head).
 * `python3` with anything else says it is not emulated.
 *
 * The served files come from the host's filesystem through Process.readFile; directory
 * listings need `readdir` on the Process (optional in the process contract).
 */
import type { Process } from "../process.ts";
import type { Socket } from "../../kernel/uapi/socket.ts";
import { SOCK_STREAM } from "../../kernel/uapi/socket.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr, errnoNumbers, strerrorText, type Errno } from "../../kernel/uapi/errno.ts";
import { ipv4ToString } from "../../wire/addr.ts";
import { getaddrinfo } from "../iputils/common.ts";
import { waitAny, readSome, enc } from "../curl/stream.ts";

/** an accepted connection and the request read from it so far */
interface Conn {
  sk: Socket;
  buf: string;
  dec: { decode(b: Uint8Array): string };
  client: string;
}

export const PYTHON_VERSION = "3.11.2";
const SERVER_VERSION = `SimpleHTTP/0.6 Python/${PYTHON_VERSION}`;

/** what a Process may offer beyond the contract: a directory listing */
type DirProcess = Process & { readdir?(path: string): Promise<string[] | undefined> };

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const d2 = (n: number) => String(n).padStart(2, "0");

/** email.utils.formatdate(usegmt=True) */
function dateTimeString(epoch: number): string {
  const d = new Date(Math.floor(epoch) * 1000);
  return `${DAYS[d.getUTCDay()]}, ${d2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${d2(d.getUTCHours())}:${d2(d.getUTCMinutes())}:${d2(d.getUTCSeconds())} GMT`;
}

/** BaseHTTPRequestHandler.log_date_time_string() (local time: the lab hosts run in UTC) */
function logDateTimeString(epoch: number): string {
  const d = new Date(Math.floor(epoch) * 1000);
  return `${d2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()} ${d2(d.getUTCHours())}:${d2(d.getUTCMinutes())}:${d2(d.getUTCSeconds())}`;
}

/** http.HTTPStatus phrases and descriptions (the ones this server sends) */
const RESPONSES: Record<number, [string, string]> = {
  200: ["OK", "Request fulfilled, document follows"],
  301: ["Moved Permanently", "Object moved permanently -- see URI list"],
  400: ["Bad Request", "Bad request syntax or unsupported method"],
  404: ["Not Found", "Nothing matches the given URI"],
  501: ["Not Implemented", "Server does not support this operation"],
  505: ["HTTP Version Not Supported", "Cannot fulfill request."],
};

/** http.server.DEFAULT_ERROR_MESSAGE */
function errorPage(code: number, message: string, explain: string): string {
  return `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: ${code}</p>
        <p>Message: ${htmlEscape(message, false)}.</p>
        <p>Error code explanation: ${code} - ${htmlEscape(explain, false)}.</p>
    </body>
</html>
`;
}

/** html.escape(s, quote) */
function htmlEscape(s: string, quote = true): string {
  let r = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (quote) r = r.replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  return r;
}

/** urllib.parse.quote(s, errors='surrogatepass') with safe '/' */
function urlQuote(s: string): string {
  let out = "";
  for (const b of enc.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.\-~/]/.test(c)) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** mimetypes as SimpleHTTPRequestHandler.guess_type() sees them (no /etc/mime.types) */
const MIME: Record<string, string> = {
  ".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".css": "text/css",
  ".js": "text/javascript", ".json": "application/json", ".xml": "text/xml", ".csv": "text/csv",
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
  ".svg": "image/svg+xml", ".ico": "image/vnd.microsoft.icon", ".pdf": "application/pdf",
  ".sh": "application/x-sh", ".py": "text/x-python", ".c": "text/plain", ".h": "text/plain",
  ".gz": "application/gzip", ".Z": "application/octet-stream", ".bz2": "application/x-bzip2",
  ".xz": "application/x-xz", ".tar": "application/x-tar", ".zip": "application/zip",
};
function guessType(path: string): string {
  const m = /(\.[^./]*)$/.exec(path);
  if (!m) return "application/octet-stream";
  return MIME[m[1]!] ?? MIME[m[1]!.toLowerCase()] ?? "application/octet-stream";
}

/** posixpath.normpath() */
function normpath(p: string): string {
  const parts: string[] = [];
  for (const s of p.split("/")) {
    if (!s || s === ".") continue;
    if (s === "..") parts.pop();
    else parts.push(s);
  }
  return parts.join("/");
}

class HttpServer {
  directory: string;
  port = 8000;
  bind: string | undefined;
  out = "";

  constructor(readonly p: DirProcess) {
    this.directory = p.cwd;
  }

  now(): number {
    return this.p.sys.wallclock();
  }

  /** argparse errors: usage + message, exit 2 */
  usage(msg: string): number {
    this.p.stderr.write(
      "usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]\n" +
      `server.py: error: ${msg}\n`,
    );
    return 2;
  }

  parse(args: string[]): number | undefined {
    let portSeen = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-b" || a === "--bind") {
        if (i + 1 >= args.length) return this.usage(`argument -b/--bind: expected one argument`);
        this.bind = args[++i]!;
      } else if (a.startsWith("--bind=")) this.bind = a.slice(7);
      else if (a === "-d" || a === "--directory") {
        if (i + 1 >= args.length) return this.usage(`argument -d/--directory: expected one argument`);
        this.directory = args[++i]!;
      } else if (a.startsWith("--directory=")) this.directory = a.slice(12);
      else if (a === "-p" || a === "--protocol") i++;
      else if (a === "--cgi") continue;
      else if (a.startsWith("-") && a !== "-") return this.usage(`unrecognized arguments: ${a}`);
      else {
        if (portSeen) return this.usage(`unrecognized arguments: ${a}`);
        if (!/^-?\d+$/.test(a)) return this.usage(`argument port: invalid int value: '${a}'`);
        this.port = Number(a);
        portSeen = true;
      }
    }
    if (!this.directory.startsWith("/")) this.directory = `${this.p.cwd.replace(/\/$/, "")}/${this.directory}`;
    return undefined;
  }

  /** an uncaught OSError from socketserver's server_bind() */
  oserror(e: Errno): number {
    this.p.stderr.write(
      "Traceback (most recent call last):\n" +
      '  File "<frozen runpy>", line 198, in _run_module_as_main\n' +
      '  File "<frozen runpy>", line 88, in _run_code\n' +
      '  File "/usr/lib/python3.11/http/server.py", line 1309, in <module>\n' +
      "    test(\n" +
      '  File "/usr/lib/python3.11/http/server.py", line 1256, in test\n' +
      "    with ServerClass(addr, HandlerClass) as httpd:\n" +
      "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n" +
      '  File "/usr/lib/python3.11/socketserver.py", line 456, in __init__\n' +
      "    self.server_bind()\n" +
      '  File "/usr/lib/python3.11/http/server.py", line 1303, in server_bind\n' +
      "    return super().server_bind()\n" +
      "           ^^^^^^^^^^^^^^^^^^^^^\n" +
      '  File "/usr/lib/python3.11/http/server.py", line 136, in server_bind\n' +
      "    socketserver.TCPServer.server_bind(self)\n" +
      '  File "/usr/lib/python3.11/socketserver.py", line 472, in server_bind\n' +
      "    self.socket.bind(self.server_address)\n" +
      `${e === "EADDRINUSE" || e === "EADDRNOTAVAIL" || e === "EACCES" ? "OSError" : "OSError"}: [Errno ${errnoNumbers[e]}] ${strerrorText[e]}\n`,
    );
    return 1;
  }

  async run(): Promise<number> {
    const p = this.p;
    let addr = 0;
    if (this.bind !== undefined && this.bind !== "") {
      const a = await getaddrinfo(p, this.bind);
      if (typeof a === "string") {
        p.stderr.write(`socket.gaierror: [Errno -2] ${a}\n`);
        return 1;
      }
      addr = a.addr;
    }
    const s = p.sys.socket(AF_INET, SOCK_STREAM, 0);
    if (isKErr(s)) return this.oserror(s.errno);
    // HTTPServer.allow_reuse_address
    s.setsockopt("SO_REUSEADDR", 1);
    const be = s.bind({ family: 2, addr, port: this.port });
    if (be) {
      s.close();
      return this.oserror(be.errno);
    }
    const le = s.listen!(5);
    if (le) {
      s.close();
      return this.oserror(le.errno);
    }
    const host = ipv4ToString(addr);
    const line = `Serving HTTP on ${host} port ${this.port} (http://${host}:${this.port}/) ...\n`;
    // stdout is block-buffered when it is not a terminal: a killed server never flushes it
    if (p.isatty) p.stdout.write(line);
    // ThreadingHTTPServer: every connection is served as its request completes; here one
    // poll() over the listener and the connections stands for the threads
    const conns: Conn[] = [];
    for (;;) {
      for (let c = s.accept!(); c; c = s.accept!()) {
        const peer = c.getpeername();
        conns.push({ sk: c, buf: "", dec: new TextDecoder("latin1"), client: isKErr(peer) || peer.family !== 2 ? "-" : ipv4ToString(peer.addr) });
      }
      let served = false;
      for (let i = 0; i < conns.length; i++) {
        const conn = conns[i]!;
        const req = this.pump(conn);
        if (req === undefined) continue;
        conns.splice(i--, 1);
        await this.serve(conn, req);
        served = true;
      }
      if (served) continue;
      const r = await waitAny(p, [s, ...conns.map((c) => c.sk)], -1);
      if (r === "abort") break;
    }
    for (const c of conns) c.sk.close();
    s.close();
    if (p.isatty) p.stdout.write("\nKeyboard interrupt received, exiting.\n");
    return p.isatty ? 0 : 143;
  }

  // ------------------------------------------------------------------ one connection

  /**
   * One connection's request: read what is there (rfile.readline() up to the blank line).
   * Returns the request text once complete (or at end of stream), undefined while partial.
   */
  pump(conn: Conn): string | undefined {
    for (;;) {
      const r = readSome(conn.sk);
      if (r === undefined) return undefined;
      if ("data" in r) {
        conn.buf += conn.dec.decode(r.data);
        if (conn.buf.includes("\r\n\r\n") || conn.buf.includes("\n\n")) return conn.buf;
        continue;
      }
      return conn.buf; // end of stream (or an error): what came is all there is
    }
  }

  /** handle() + finish_request() + shutdown_request() for a connection whose request is in */
  async serve(conn: Conn, buf: string): Promise<void> {
    const p = this.p;
    const c = conn.sk;
    if (!buf) {
      c.close();
      return;
    }
    const lines = buf.split(/\r?\n/);
    const requestline = lines[0]!.replace(/\r?\n$/, "");
    // the files the request needs are read first; answering is then synchronous
    const w = requestline.split(/\s+/).filter((x) => x);
    const files = w.length >= 2 ? await this.load(w[1]!) : new Map<string, string | string[] | undefined>();
    this.files = files;
    const resp = this.respond(conn.client, requestline, lines.slice(1));
    // end_headers() flushes the headers, copyfile() writes the body, then
    // socketserver.TCPServer.shutdown_request(): shutdown(SHUT_WR), close(). Python takes a
    // little time between these calls; the segments go out apart, as on the real machine.
    const split = indexOfBlank(resp);
    if (split > 0) {
      c.sendto(resp.subarray(0, split));
      if (split < resp.length) {
        await p.sys.sleep(PY_STEP_US);
        c.sendto(resp.subarray(split));
      }
    }
    await p.sys.sleep(PY_STEP_US / 8);
    c.shutdown?.(1);
    c.close();
  }

  logMessage(client: string, msg: string): void {
    this.p.stderr.write(`${client} - - [${logDateTimeString(this.now())}] ${msg}\n`);
  }

  headers(code: number, message: string, h: [string, string][], extraClose = false): string {
    let s = `HTTP/1.0 ${code} ${message}\r\nServer: ${SERVER_VERSION}\r\nDate: ${dateTimeString(this.now())}\r\n`;
    if (extraClose) s += "Connection: close\r\n";
    for (const [k, v] of h) s += `${k}: ${v}\r\n`;
    return `${s}\r\n`;
  }

  /** BaseHTTPRequestHandler.send_error() */
  sendError(client: string, requestline: string, code: number, message?: string, head = false): Uint8Array {
    const [short, long] = RESPONSES[code] ?? ["???", "???"];
    const msg = message ?? short;
    this.logMessage(client, `code ${code}, message ${msg}`);
    this.logMessage(client, `"${requestline}" ${code} -`);
    const body = enc.encode(errorPage(code, msg, long));
    const h = this.headers(code, msg, [["Content-Type", "text/html;charset=utf-8"], ["Content-Length", String(body.length)]], true);
    return concatBytes(enc.encode(h), head || code < 200 || code === 204 || code === 304 ? new Uint8Array(0) : body);
  }

  /** parse_request() + do_GET/do_HEAD (send_head) */
  respond(client: string, requestline: string, _hdrs: string[]): Uint8Array {
    const words = requestline.split(/\s+/).filter((w) => w);
    if (!words.length) return new Uint8Array(0);
    let version = "HTTP/0.9";
    if (words.length >= 3) {
      version = words[words.length - 1]!;
      const vm = /^HTTP\/(\d+)\.(\d+)$/.exec(version);
      if (!vm) return this.sendError(client, requestline, 400, `Bad request version ('${version}')`);
      if (Number(vm[1]) >= 2) return this.sendError(client, requestline, 505, `Invalid HTTP version (${vm[1]}.${vm[2]})`);
    }
    if (words.length < 2 || words.length > 3) return this.sendError(client, requestline, 400, `Bad request syntax ('${requestline}')`);
    const [command, path] = words as [string, string];
    if (command !== "GET" && command !== "HEAD") {
      return this.sendError(client, requestline, 501, `Unsupported method ('${command}')`);
    }
    const head = command === "HEAD";
    return this.sendHead(client, requestline, path, head);
  }

  /** SimpleHTTPRequestHandler.send_head() — synchronous over a file snapshot taken before */
  files = new Map<string, string | string[] | undefined>();

  sendHead(client: string, requestline: string, path: string, head: boolean): Uint8Array {
    const fsPath = this.translatePath(path);
    const entry = this.files.get(fsPath);
    if (Array.isArray(entry)) {
      const pathOnly = path.split("?")[0]!.split("#")[0]!;
      if (!pathOnly.endsWith("/")) {
        const parts = path.split("?");
        const loc = `${parts[0]}/${parts.length > 1 ? `?${parts.slice(1).join("?")}` : ""}`;
        this.logMessage(client, `"${requestline}" 301 -`);
        return enc.encode(this.headers(301, "Moved Permanently", [["Location", loc], ["Content-Length", "0"]]));
      }
      for (const index of ["index.html", "index.htm"]) {
        const f = this.files.get(`${fsPath.replace(/\/$/, "")}/${index}`);
        if (typeof f === "string") return this.sendFile(client, requestline, `${fsPath}/${index}`, f, head);
      }
      return this.listDirectory(client, requestline, path, entry, head);
    }
    if (fsPath.endsWith("/") || typeof entry !== "string") return this.sendError(client, requestline, 404, "File not found", head);
    return this.sendFile(client, requestline, fsPath, entry, head);
  }

  sendFile(client: string, requestline: string, fsPath: string, data: string, head: boolean): Uint8Array {
    const body = enc.encode(data);
    const h = this.headers(200, "OK", [
      ["Content-type", guessType(fsPath)], ["Content-Length", String(body.length)],
      ["Last-Modified", dateTimeString(this.now())],
    ]);
    this.logMessage(client, `"${requestline}" 200 -`);
    return concatBytes(enc.encode(h), head ? new Uint8Array(0) : body);
  }

  /** SimpleHTTPRequestHandler.list_directory() */
  listDirectory(client: string, requestline: string, path: string, names: string[], head: boolean): Uint8Array {
    let displaypath: string;
    try {
      displaypath = decodeURIComponent(path.split("?")[0]!.split("#")[0]!);
    } catch {
      displaypath = path;
    }
    displaypath = htmlEscape(displaypath, false);
    const title = `Directory listing for ${displaypath}`;
    const r = [
      "<!DOCTYPE HTML>", '<html lang="en">', "<head>", '<meta charset="utf-8">', `<title>${title}</title>\n</head>`,
      `<body>\n<h1>${title}</h1>`, "<hr>\n<ul>",
    ];
    const sorted = names.slice().sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
    for (const n of sorted) {
      const isDir = n.endsWith("/");
      const name = isDir ? n.slice(0, -1) : n;
      const disp = isDir ? `${name}/` : name;
      r.push(`<li><a href="${urlQuote(disp)}">${htmlEscape(disp, false)}</a></li>`);
    }
    r.push("</ul>\n<hr>\n</body>\n</html>\n");
    const body = enc.encode(r.join("\n"));
    const h = this.headers(200, "OK", [["Content-type", "text/html; charset=utf-8"], ["Content-Length", String(body.length)]]);
    this.logMessage(client, `"${requestline}" 200 -`);
    return concatBytes(enc.encode(h), head ? new Uint8Array(0) : body);
  }

  /** SimpleHTTPRequestHandler.translate_path() */
  translatePath(path: string): string {
    path = path.split("?")[0]!.split("#")[0]!;
    const trailing = path.trimEnd().endsWith("/");
    try {
      path = decodeURIComponent(path);
    } catch {
      /* keep it */
    }
    const words = normpath(path).split("/").filter((w) => w);
    let p = this.directory.replace(/\/$/, "");
    for (const w of words) {
      if (w === "." || w === "..") continue;
      p += `/${w}`;
    }
    if (trailing) p += "/";
    return p;
  }

  /** read what a request will need (the handler is synchronous once the request is in) */
  async load(path: string): Promise<Map<string, string | string[] | undefined>> {
    const files = new Map<string, string | string[] | undefined>();
    const fsPath = this.translatePath(path);
    const base = fsPath.replace(/\/$/, "") || "/";
    const ls = await this.p.readdir?.(base);
    if (ls) {
      const names: string[] = [];
      for (const n of ls) {
        const sub = await this.p.readdir?.(`${base}/${n}`);
        names.push(sub ? `${n}/` : n);
      }
      files.set(base, names);
      files.set(`${base}/`, names);
      for (const index of ["index.html", "index.htm"]) {
        if (ls.includes(index)) files.set(`${base}/${index}`, await this.p.readFile(`${base}/${index}`));
      }
      return files;
    }
    files.set(fsPath, fsPath.endsWith("/") ? undefined : await this.p.readFile(fsPath));
    return files;
  }
}

/** the time Python spends between two writes of a response (µs) */
const PY_STEP_US = 500;

/** the end of the header block ("\r\n\r\n") in a response */
function indexOfBlank(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i + 4;
  }
  return b.length;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const n = new Uint8Array(a.length + b.length);
  n.set(a);
  n.set(b, a.length);
  return n;
}

/** `python3`: only `-m http.server` is emulated */
export async function python3(p: Process): Promise<number> {
  const args = p.argv.slice(1);
  if (args[0] === "--version" || args[0] === "-V") {
    p.stdout.write(`Python ${PYTHON_VERSION}\n`);
    return 0;
  }
  if (args[0] === "-m" && args[1] === "http.server") {
    const srv = new HttpServer(p as DirProcess);
    const e = srv.parse(args.slice(2));
    if (e !== undefined) return e;
    return srv.run();
  }
  p.stderr.write(`${p.argv[0]}: only \`python3 -m http.server [PORT] [--bind ADDR]\` is emulated here\n`);
  return 2;
}
