/**
 * The host's ovsdb-server + ovs-vswitchd, modelled inside the kernel (one per host, in its
 * initial network namespace): the Open_vSwitch database (vswitch.ovsschema rows, reduced) and
 * vswitchd/bridge.c's bridge_reconfigure(), which makes the datapath (datapath.ts) and the
 * OpenFlow switches (ofproto.ts) follow the database. Userland reaches it with the ioctl
 * requests described in uapi/openvswitch.ts (the db socket and the bridges' mgmt sockets).
 */
import type { Host } from "../world.ts";
import type { Rng } from "../../sim/rng.ts";
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { isKErr, kerr, type KErr } from "../uapi/errno.ts";
import type { OvsDb, OvsdbInterface, OvsdbPort, OfpFlowMod, OfpMatch, OfpPortDesc } from "../uapi/openvswitch.ts";
import { OFPP_LOCAL } from "../uapi/openvswitch.ts";
import { registerIoctl } from "../core/dev_ioctl.ts";
import { registerNetdeviceNotifier, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_CHANGENAME } from "../core/notifier.ts";
import { devSetMacAddress, linkwatchRunPending } from "../core/dev.ts";
import {
  ovsDpCmdDel, ovsDpCmdNew, ovsDpDetachPort, ovsVportAddInternal, ovsVportAddNetdev, ovsVportOf, OVSP_LOCAL,
  type Datapath, type Vport,
} from "./datapath.ts";
import { macStr, Ofproto, portVlanMode, type OfPort } from "./ofproto.ts";

export const OVS_VERSION = "3.1.0";
const DP_NAME = "ovs-system";

/** struct bridge (vswitchd/bridge.c) */
interface Bridge {
  name: string;
  uuid: string;
  ofproto: Ofproto;
}

/** the daemons of one host */
export class Vswitchd {
  readonly host: Host;
  db: OvsDb;
  dp: Datapath | undefined;
  readonly bridges = new Map<string, Bridge>();
  private reconfigurePending = false;

  constructor(host: Host) {
    this.host = host;
    this.db = {
      uuid: uuidGenerate(host), bridges: [], ovs_version: OVS_VERSION, bridge: {}, port: {}, interface: {},
    };
  }

  get net(): Net {
    return this.host.initNet;
  }

  /** the bridge owning a patch peer interface */
  private patchPeer(peer: string): { br: Ofproto; port: OfPort } | undefined {
    for (const b of this.bridges.values()) {
      const p = b.ofproto.portByName(peer);
      if (p && p.type === "patch") return { br: b.ofproto, port: p };
    }
    return undefined;
  }

  /** bridge.c: bridge_reconfigure() */
  reconfigure(): void {
    const db = this.db;
    const wanted = new Map<string, string>();
    for (const u of db.bridges) {
      const row = db.bridge[u];
      if (row) wanted.set(row.name, u);
    }
    /* bridge_del(): bridges gone from the database */
    for (const [name, br] of [...this.bridges]) {
      if (wanted.get(name) !== br.uuid) this.bridgeDestroy(br);
    }
    for (const [name, uuid] of wanted) {
      let br = this.bridges.get(name);
      if (!br) {
        br = this.bridgeCreate(name, uuid);
        if (!br) continue;
      }
      this.bridgeConfigurePorts(br);
    }
    /* close_dpif_backer(): the datapath goes with the last bridge */
    if (!this.bridges.size && this.dp) {
      ovsDpCmdDel(this.dp);
      this.dp = undefined;
    }
    linkwatchRunPending(this.net);
  }

  private bridgeCreate(name: string, uuid: string): Bridge | undefined {
    if (!this.dp) {
      const dp = ovsDpCmdNew(this.net, DP_NAME);
      if (isKErr(dp)) return undefined;
      this.dp = dp;
    }
    const br: Bridge = { name, uuid, ofproto: new Ofproto(name, this.host.world.sched, (p) => this.patchPeer(p)) };
    this.bridges.set(name, br);
    return br;
  }

  private bridgeDestroy(br: Bridge): void {
    for (const p of [...br.ofproto.ports.values()]) this.portRemove(br, p);
    this.bridges.delete(br.name);
  }

  private portRemove(br: Bridge, p: OfPort): void {
    br.ofproto.removePort(p);
    /* (a vport the datapath already released — device gone or moved away — is not ours) */
    if (p.vport && ovsVportOf(p.vport.dev) === p.vport) ovsDpDetachPort(p.vport);
    p.vport = undefined;
  }

  /** bridge_add_ports() / bridge_delete_or_reconfigure_ports() / port_configure() */
  private bridgeConfigurePorts(br: Bridge): void {
    const db = this.db;
    const brRow = db.bridge[br.uuid]!;
    const want = new Map<string, { port: OvsdbPort; iface: OvsdbInterface }>();
    for (const pu of [...brRow.ports].sort()) {
      const port = db.port[pu];
      if (!port) continue;
      for (const iu of [...port.interfaces].sort()) {
        const iface = db.interface[iu];
        if (iface) want.set(iface.name, { port, iface });
      }
    }
    const of = br.ofproto;
    /* bridge_configure_remotes(): ofproto_set_fail_mode() */
    of.setFailMode(brRow.fail_mode === "secure" ? "secure" : "standalone");
    for (const p of [...of.ports.values()]) {
      const w = want.get(p.name);
      if (!w || ifaceType(w.iface) !== p.type || (p.type === "patch" && w.iface.options.peer !== p.peer) ||
        (p.vport !== undefined && ovsVportOf(p.vport.dev) !== p.vport)) this.portRemove(br, p);
    }
    for (const [name, { port, iface }] of want) {
      let p = of.portByName(name);
      if (!p) {
        const type = ifaceType(iface);
        const made = this.ifaceCreate(br, name, type, iface);
        if (typeof made === "string") {
          iface.ofport = -1;
          iface.error = made;
          continue;
        }
        p = made;
      }
      iface.error = undefined;
      iface.ofport = p.ofport;
      iface.mac_in_use = p.vport ? macStr(p.vport.dev.devAddr) : undefined;
      p.tag = port.tag;
      p.trunks = [...port.trunks];
      p.vlanMode = portVlanMode(port.vlan_mode, port.tag);
    }
    /* bridge_configure_mac(): the local port takes bridge_pick_local_hw_addr() */
    const local = of.ports.get(OFPP_LOCAL);
    if (local?.vport) {
      const ea = this.pickLocalHwAddr(br);
      if (!ea.every((b, i) => b === local.vport!.dev.devAddr[i])) devSetMacAddress(local.vport.dev, ea);
      const li = [...want.values()].find((w) => w.iface.name === br.name);
      if (li) li.iface.mac_in_use = macStr(local.vport.dev.devAddr);
    }
  }

  /** bridge.c: find_local_hw_addr(): the lowest global unicast MAC of the ports, else the
   * default (the Bridge row's uuid, marked random) */
  private pickLocalHwAddr(br: Bridge): Uint8Array {
    const other = this.db.bridge[br.uuid]?.other_config.hwaddr;
    if (other && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(other)) return new Uint8Array(other.split(":").map((h) => parseInt(h, 16)));
    let best: Uint8Array | undefined;
    for (const p of br.ofproto.ports.values()) {
      if (!p.vport || p.type === "internal") continue;
      const a = p.vport.dev.devAddr;
      if (a[0]! & 3 || a.every((b) => b === 0)) continue; // multicast, local
      if (a[0] === 0x01 && a[1] === 0x80 && a[2] === 0xc2) continue; // reserved
      if (!best || cmp(a, best) < 0) best = a;
    }
    if (best) return best.slice();
    const hex = br.uuid.replace(/-/g, "");
    const ea = new Uint8Array(6);
    for (let i = 0; i < 6; i++) ea[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    ea[0] = (ea[0]! & ~1) | 2; // eth_addr_mark_random()
    return ea;
  }

  /** iface_do_create(): the datapath port behind an Interface row */
  private ifaceCreate(br: Bridge, name: string, type: string, iface: OvsdbInterface): OfPort | string {
    const of = br.ofproto;
    const dp = this.dp!;
    if (type === "patch") {
      const peer = iface.options.peer;
      if (!peer) return `${name}: patch type requires valid 'peer' argument`;
      if (peer === name) return `${name}: patch interface peer must not be self`;
      const hwaddr = ovsRng(this.host).bytes(6);
      hwaddr[0] = (hwaddr[0]! & 0xfe) | 0x02; // netdev_vport_construct(): eth_addr_random()
      const p: OfPort = { ofport: of.allocOfport(iface.ofport_request), name, type, vport: undefined, peer, tag: undefined, trunks: [], hwaddr };
      of.ports.set(p.ofport, p);
      return p;
    }
    let vport: Vport | KErr;
    if (type === "internal") {
      vport = ovsVportAddInternal(dp, name);
      if (isKErr(vport)) return `could not add network device ${name} to ofproto (File exists)`;
    } else if (type === "" || type === "system") {
      const existing = this.findDev(name);
      if (!existing) return `could not open network device ${name} (No such device)`;
      const other = ovsVportOf(existing);
      if (other) return `could not add network device ${name} to ofproto (File exists)`;
      vport = ovsVportAddNetdev(dp, name);
      if (isKErr(vport)) {
        if (vport.errno === "EBUSY") return `could not add network device ${name} to ofproto (Device or resource busy)`;
        return `could not add network device ${name} to ofproto (Invalid argument)`;
      }
    } else {
      return `could not open network device ${name} (Address family not supported by protocol)`;
    }
    const ofport = name === br.name && type === "internal" ? OFPP_LOCAL : of.allocOfport(iface.ofport_request);
    const p: OfPort = { ofport, name, type, vport, peer: undefined, tag: undefined, trunks: [] };
    vport.receive = (_v, frame) => {
      const cur = of.ports.get(p.ofport);
      if (cur === p) of.receive(p, frame);
    };
    of.ports.set(ofport, p);
    return p;
  }

  private findDev(name: string): NetDevice | undefined {
    for (const d of this.net.devices()) if (d.name === name) return d;
    return undefined;
  }

  /** if_notifier: a device appeared/went away -> reconfigure on the next main-loop run */
  scheduleReconfigure(): void {
    if (this.reconfigurePending) return;
    this.reconfigurePending = true;
    this.host.world.sched.after(0, () => {
      this.reconfigurePending = false;
      this.reconfigure();
    }, "ovs-vswitchd");
  }

  bridgeByName(name: string): Bridge | undefined {
    return this.bridges.get(name);
  }
}

function ifaceType(i: OvsdbInterface): string {
  return i.type === "system" ? "" : i.type;
}

function cmp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const ovsRngs = new WeakMap<Host, Rng>();

/** the random source of a host's OVS daemons: a stream of its own, derived from the world's
 * seed and the host's name, so that no other part's draws shift the UUIDs `ovs-vsctl show`
 * prints */
function ovsRng(host: Host): Rng {
  let r = ovsRngs.get(host);
  if (!r) {
    r = host.world.rng.fork(`openvswitch/${host.name}`);
    ovsRngs.set(host, r);
  }
  return r;
}

/** lib/uuid.c: uuid_generate() (version 4) from the OVS random source */
export function uuidGenerate(host: Host): string {
  const b = ovsRng(host).bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const daemons = new WeakMap<Host, Vswitchd>();

/** the host's daemons (started on first use, as `systemctl start openvswitch-switch`) */
export function vswitchdOf(host: Host): Vswitchd {
  let v = daemons.get(host);
  if (!v) {
    v = new Vswitchd(host);
    daemons.set(host, v);
  }
  return v;
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** a daemon only if started: notifiers must not start it */
function vswitchdIfRunning(host: Host): Vswitchd | undefined {
  return daemons.get(host);
}

let done = false;

/** the openvswitch module's init + the daemons' sockets */
export function ovsInit(): void {
  if (done) return;
  done = true;
  registerIoctl("OVSDB_GET", (net) => ({ db: clone(vswitchdOf(net.host).db) }));
  registerIoctl("OVSDB_UUID", (net) => ({ uuid: uuidGenerate(net.host) }));
  registerIoctl("OVSDB_TRANSACT", (net, req) => {
    const vs = vswitchdOf(net.host);
    vs.db = clone(req.db as OvsDb);
    vs.db.ovs_version = OVS_VERSION;
    vs.reconfigure();
    return { db: clone(vs.db) };
  });
  registerIoctl("OFPT_FLOW_MOD", (net, req) => {
    const br = vswitchdOf(net.host).bridgeByName(String(req.bridge));
    if (!br) return kerr("ENODEV");
    br.ofproto.flowMod(req.mod as OfpFlowMod);
    return {};
  });
  registerIoctl("OFPST_FLOW", (net, req) => {
    const br = vswitchdOf(net.host).bridgeByName(String(req.bridge));
    if (!br) return kerr("ENODEV");
    return {
      flows: br.ofproto.dump(req.table as number | undefined, req.match as OfpMatch | undefined),
      ports: portDescs(br.ofproto),
    };
  });
  registerIoctl("OFPST_PORT_DESC", (net, req) => {
    const br = vswitchdOf(net.host).bridgeByName(String(req.bridge));
    if (!br) return kerr("ENODEV");
    return { ports: portDescs(br.ofproto), dpid: datapathId(br.ofproto) };
  });
  registerIoctl("OVS_FDB_SHOW", (net, req) => {
    const br = vswitchdOf(net.host).bridgeByName(String(req.bridge));
    if (!br) return kerr("ENODEV");
    return { entries: br.ofproto.fdbShow() };
  });
  registerIoctl("OVS_FDB_FLUSH", (net, req) => {
    const vs = vswitchdOf(net.host);
    const brs = req.bridge === undefined ? [...vs.bridges.values()] : [vs.bridgeByName(String(req.bridge))];
    if (brs.some((b) => !b)) return kerr("ENODEV");
    for (const b of brs) b!.ofproto.fdbFlush();
    return {};
  });
  /* datapath.c: dp_device_event() + vswitchd's if_notifier */
  registerNetdeviceNotifier((event, dev) => {
    const vs = vswitchdIfRunning(dev.net?.host);
    if (!vs) return;
    if (event === NETDEV_UNREGISTER) {
      const vport = ovsVportOf(dev);
      if (vport && vport.type === "netdev") {
        ovsDpDetachPort(vport);
        vs.scheduleReconfigure();
      }
      return;
    }
    if ((event === NETDEV_REGISTER || event === NETDEV_CHANGENAME) && dev.net === vs.net) {
      const named = Object.values(vs.db.interface).some((i) => i.name === dev.name && (i.ofport ?? -1) === -1);
      if (named) vs.scheduleReconfigure();
    }
  });
}

/** bridge.c: bridge_pick_datapath_id(): the local port's MAC as a 64-bit number */
function datapathId(of: Ofproto): string {
  const local = of.ports.get(OFPP_LOCAL);
  const mac = local?.vport ? macStr(local.vport.dev.devAddr).replace(/:/g, "") : "000000000000";
  return `0000${mac}`;
}

/** ofproto.c: ofport_open() -> netdev_get_flags/carrier/features: the OpenFlow view of a port */
function portDescs(of: Ofproto): OfpPortDesc[] {
  return [...of.ports.values()].sort((a, b) => a.ofport - b.ofport).map((p) => {
    const dev = p.vport?.dev;
    const up = dev ? dev.isUp() : true;
    const running = dev ? up && dev.carrier : true;
    /* netdev_linux_read_features(): ETHTOOL_GSET; veth reports 10000 Mb/s full duplex, TP */
    const veth = dev?.linkOps?.kind === "veth";
    return {
      ofport: p.ofport, name: p.name,
      hwaddr: dev ? macStr(dev.devAddr) : p.hwaddr ? macStr(p.hwaddr) : "00:00:00:00:00:00",
      config: up ? [] : ["PORT_DOWN"], state: running ? [] : ["LINK_DOWN"],
      curr: veth ? ["10GB-FD", "COPPER"] : [], curr_speed: veth ? 10_000_000 : 0, max_speed: 0,
    };
  });
}

export { OVSP_LOCAL };
