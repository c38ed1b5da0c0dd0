/**
 * Deterministic MACs of lab mode (LAB-FORMAT.md; labtool.py: lab_mac() and the `ip` shim).
 *   h = sha256(`${host}/${netns || "-"}/${ifname}/${k}`), mac = [(h0 & 0xfe) | 2, h1..h5]
 * k counts the devices of the same (host, netns, ifname) created before in this lab; a name
 * counts only once its device really exists (the shim commits after `ip` succeeds).
 */
import { sha256 } from "./sha256.ts";

export function labMac(host: string, netns: string, ifname: string, k: number): Uint8Array {
  const h = sha256(new TextEncoder().encode(`${host}/${netns || "-"}/${ifname}/${k}`));
  return Uint8Array.of((h[0]! & 0xfe) | 0x02, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!);
}

export function macString(mac: Uint8Array): string {
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The per-lab counters behind k. */
export class LabMacs {
  private counts = new Map<string, number>();

  private key(host: string, netns: string, ifname: string): string {
    return `${host}/${netns || "-"}/${ifname}`;
  }

  /** the MAC the next device of this name would get (not yet counted) */
  peek(host: string, netns: string, ifname: string): Uint8Array {
    return labMac(host, netns, ifname, this.counts.get(this.key(host, netns, ifname)) ?? 0);
  }

  /** count a device of this name as created */
  commit(host: string, netns: string, ifname: string): void {
    const k = this.key(host, netns, ifname);
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  /** peek, then commit: for callers that only ask once the device is sure to exist */
  take(host: string, netns: string, ifname: string): Uint8Array {
    const m = this.peek(host, netns, ifname);
    this.commit(host, netns, ifname);
    return m;
  }
}
