/**
 * What curl and the HTTP server need of a stream socket, on the simulated clock: poll(2)
 * for one socket with a deadline (the simulator timer, Ctrl-C), a non-blocking connect()
 * finished by poll, and read(2) that tells data, end of stream and errors apart.
 */
import type { Process } from "../process.ts";
import type { Socket } from "../../kernel/uapi/socket.ts";
import { isKErr, errnoNumbers, type Errno } from "../../kernel/uapi/errno.ts";
import { procTimer } from "../iputils/common.ts";

export type WaitResult = "ready" | "timeout" | "abort";

/** poll() on one socket until readable, `deadline` (µs of the simulated clock, -1: none) or abort */
export async function waitReadable(p: Process, sk: Socket, deadline: number): Promise<WaitResult> {
  return waitAny(p, [sk], deadline);
}

/** poll() on several sockets: one wait (a process blocks on one thing at a time) */
export async function waitAny(p: Process, sks: Socket[], deadline: number): Promise<WaitResult> {
  const sys = p.sys;
  if (p.signal.aborted) return "abort";
  if (deadline >= 0 && sys.now() >= deadline) return "timeout";
  const b = sys.block();
  let why: WaitResult = "ready";
  const t = deadline >= 0 ? procTimer(sys, () => {
    why = "timeout";
    b.unblock();
  }, "poll") : undefined;
  t?.mod(deadline);
  const onAbort = () => {
    why = "abort";
    b.unblock();
  };
  p.signal.addEventListener("abort", onAbort);
  let woken = false;
  const wake = () => {
    if (woken) return;
    woken = true;
    b.unblock();
  };
  for (const sk of sks) sk.onReadable(wake);
  await b.promise;
  for (const sk of sks) sk.onReadable(undefined);
  t?.cancel();
  p.signal.removeEventListener("abort", onAbort);
  return why;
}

/** the errno name of a number (SO_ERROR) */
export function errnoName(n: number): Errno | undefined {
  for (const [k, v] of Object.entries(errnoNumbers)) if (v === n) return k as Errno;
  return undefined;
}

export type ReadResult = { data: Uint8Array } | { eof: true } | { err: Errno } | undefined;

/** read(2) without blocking: data, end of stream, an error, or nothing yet (undefined) */
export function readSome(sk: Socket): ReadResult {
  const m = sk.recvfrom();
  if (m) return m.data.length ? { data: m.data } : { eof: true };
  const e = sk.recvErr();
  if (e) {
    if (e.ee_errno) return { err: errnoName(e.ee_errno) ?? "EIO" };
    return { eof: true };
  }
  return undefined;
}

/** the connect()'s state once poll said the socket is ready (SO_ERROR, getpeername) */
export function connectResult(sk: Socket): Errno | "connected" | "pending" {
  const pn = sk.getpeername();
  if (!isKErr(pn)) return "connected";
  const e = sk.getsockopt("SO_ERROR");
  if (typeof e === "number" && e) return errnoName(e) ?? "ECONNREFUSED";
  if (isKErr(e)) return e.errno;
  return "pending";
}

export const enc = new TextEncoder();
