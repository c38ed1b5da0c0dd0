/**
 * ip/iplink.c: `ip link add/set/change/replace/delete/show/help` (iplink_parse, iplink_modify)
 * and ip/link_veth.c (`type veth peer …`).
 */
import type { IpCtx } from "../lib/context.ts";
import type { IfInfoMsg, IflaAttrs, InfoData, LinkMsg, NlFlags } from "../../kernel/uapi/rtnetlink.ts";
import {
  IFF_UP, IFF_MULTICAST, IFF_ALLMULTI, IFF_PROMISC, IFF_NOTRAILERS, IFF_NOARP, IFF_DYNAMIC,
} from "../../kernel/uapi/if.ts";
import {
  checkAltifname, checkIfname, duparg, duparg2, getInteger, getUnsigned, incompleteCommand,
  invarg, llAddrA2n, matches, missarg, nodev, parseOnOff,
} from "../lib/utils.ts";
import { rtnlTalk } from "../lib/libnetlink.ts";
import { getOperstate, ipaddrListLink } from "./ipaddress.ts";
import { getLinkKind, registerLinkUtil } from "./link_util.ts";
import { iplinkIflaXstats } from "./iplink_xstats.ts";
import { getNetnsidFromName, setNetnsidFromName } from "./ipnetns.ts";
import "./iplink_bridge.ts";
import "./iplink_vlan.ts";
import "./iplink_vxlan.ts";
import "./iplink_iptnl.ts";
import "./iplink_macvlan.ts";
import "./iplink_gre.ts";
import "./iptuntap.ts";

const GSO_MAX_SEGS = 65535;
const IFALIASZ = 256;

/** ip/iplink.c: iplink_types_usage() */
export function iplinkTypesUsage(ctx: IpCtx): void {
  ctx.err(
    "TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |\n" +
      "          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |\n" +
      "          ip6erspan | ip6gre | ip6gretap | ip6tnl |\n" +
      "          ipip | ipoib | ipvlan | ipvtap |\n" +
      "          macsec | macvlan | macvtap |\n" +
      "          netdevsim | nlmon | rmnet | sit | team | team_slave |\n" +
      "          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |\n" +
      "          xfrm | virt_wifi }\n",
  );
}

/** ip/iplink.c: iplink_usage() */
export function iplinkUsage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME\n" +
      "\t\t    [ txqueuelen PACKETS ]\n" +
      "\t\t    [ address LLADDR ]\n" +
      "\t\t    [ broadcast LLADDR ]\n" +
      "\t\t    [ mtu MTU ] [index IDX ]\n" +
      "\t\t    [ numtxqueues QUEUE_COUNT ]\n" +
      "\t\t    [ numrxqueues QUEUE_COUNT ]\n" +
      "\t\t    [ netns { PID | NAME } ]\n" +
      "\t\t    type TYPE [ ARGS ]\n" +
      "\n" +
      "\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]\n" +
      "\n" +
      "\tip link set { DEVICE | dev DEVICE | group DEVGROUP }\n" +
      "\t\t\t[ { up | down } ]\n" +
      "\t\t\t[ type TYPE ARGS ]\n",
  );
  ctx.err(
    "\t\t[ arp { on | off } ]\n" +
      "\t\t[ dynamic { on | off } ]\n" +
      "\t\t[ multicast { on | off } ]\n" +
      "\t\t[ allmulticast { on | off } ]\n" +
      "\t\t[ promisc { on | off } ]\n" +
      "\t\t[ trailers { on | off } ]\n" +
      "\t\t[ carrier { on | off } ]\n" +
      "\t\t[ txqueuelen PACKETS ]\n" +
      "\t\t[ name NEWNAME ]\n" +
      "\t\t[ address LLADDR ]\n" +
      "\t\t[ broadcast LLADDR ]\n" +
      "\t\t[ mtu MTU ]\n" +
      "\t\t[ netns { PID | NAME } ]\n" +
      "\t\t[ link-netns NAME | link-netnsid ID ]\n" +
      "\t\t[ alias NAME ]\n" +
      "\t\t[ vf NUM [ mac LLADDR ]\n" +
      "\t\t\t [ vlan VLANID [ qos VLAN-QOS ] [ proto VLAN-PROTO ] ]\n" +
      "\t\t\t [ rate TXRATE ]\n" +
      "\t\t\t [ max_tx_rate TXRATE ]\n" +
      "\t\t\t [ min_tx_rate TXRATE ]\n" +
      "\t\t\t [ spoofchk { on | off} ]\n" +
      "\t\t\t [ query_rss { on | off} ]\n" +
      "\t\t\t [ state { auto | enable | disable} ]\n" +
      "\t\t\t [ trust { on | off} ]\n" +
      "\t\t\t [ node_guid EUI64 ]\n" +
      "\t\t\t [ port_guid EUI64 ] ]\n" +
      "\t\t[ { xdp | xdpgeneric | xdpdrv | xdpoffload } { off |\n" +
      "\t\t\t  object FILE [ { section | program } NAME ] [ verbose ] |\n" +
      "\t\t\t  pinned FILE } ]\n" +
      "\t\t[ master DEVICE ][ vrf NAME ]\n" +
      "\t\t[ nomaster ]\n" +
      "\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]\n" +
      "\t\t[ protodown { on | off } ]\n" +
      "\t\t[ protodown_reason PREASON { on | off } ]\n" +
      "\t\t[ gso_max_size BYTES ] | [ gso_max_segs PACKETS ]\n" +
      "\t\t[ gro_max_size BYTES ]\n" +
      "\n" +
      "\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]\n" +
      "\t\t[nomaster]\n" +
      "\n" +
      "\tip link xstats type TYPE [ ARGS ]\n" +
      "\n" +
      "\tip link afstats [ dev DEVICE ]\n" +
      "\tip link property add dev DEVICE [ altname NAME .. ]\n" +
      "\tip link property del dev DEVICE [ altname NAME .. ]\n",
  );
  ctx.err("\n\tip link help [ TYPE ]\n\n");
  iplinkTypesUsage(ctx);
  return ctx.exit(-1);
}

/** ip/iplink.c: on_off() */
function onOff(ctx: IpCtx, msg: string, realval: string): number {
  ctx.err('Error: argument of "%s" must be "on" or "off", not "%s"\n', msg, realval);
  return -1;
}

/** ip/iplink.c: get_link_mode() */
function getLinkMode(mode: string): number {
  const m = mode.toLowerCase();
  return m === "default" ? 0 : m === "dormant" ? 1 : -1;
}

/** ip/iplink.c: get_addr_gen_mode() */
function getAddrGenMode(mode: string): number {
  return ["eui64", "none", "stable_secret", "random"].indexOf(mode.toLowerCase());
}

/** ip/iplink.c: nl_get_ll_addr_len() */
function nlGetLlAddrLen(ctx: IpCtx, ifname: string): number {
  const index = ctx.ll.llNameToIndex(ifname);
  if (index === 0) return -1;
  const r = rtnlTalk(ctx, {
    type: "RTM_GETLINK", flags: {},
    ifi: { family: ctx.preferredFamily, type: 0, index, flags: 0, change: 0 }, attrs: {},
  });
  if (r.ret < 0 || !r.answer || r.answer.type !== "RTM_NEWLINK") return -1;
  const a = (r.answer as LinkMsg).attrs.IFLA_ADDRESS;
  return a ? a.length : -1;
}

export interface IplinkReq {
  flags: NlFlags;
  ifi: IfInfoMsg;
  attrs: IflaAttrs;
}

/** ip/iplink.c: iplink_parse() — returns the number of arguments used (or <0), and `type` */
/**
 * lib/namespace.c: netns_get_fd(): open(2) of /run/netns/NAME, or of NAME itself when it has a
 * '/'. The /run/netns directory opens too (its fd is no namespace: the kernel says EINVAL);
 * /proc/PID/ns/net is that process's namespace. undefined: the open failed.
 */
function netnsGetFd(ctx: IpCtx, name: string): { name: string } | { pid: number } | "badfd" | undefined {
  const path = (name.includes("/") ? name : `/run/netns/${name}`).replace(/\/+/g, "/").replace(/^\/var\/run\//, "/run/");
  if (path === "/run/netns" || path === "/run/netns/") return "badfd";
  let m = /^\/run\/netns\/([^/]+)$/.exec(path);
  if (m) return ctx.sys.netnsExists(m[1]!) ? { name: m[1]! } : undefined;
  m = /^\/proc\/(\d+|self)\/ns\/net$/.exec(path);
  const procs = (ctx.p as { procs?: { self: number; netnsOf?: (pid: number) => unknown } }).procs;
  if (m && procs) {
    const pid = m[1] === "self" ? procs.self : Number(m[1]);
    return procs.netnsOf?.(pid) ? { pid } : undefined;
  }
  return undefined;
}

export function iplinkParse(ctx: IpCtx, argvIn: string[], req: IplinkReq): { ret: number; type?: string } {
  let argv = argvIn;
  let name: string | undefined;
  let dev: string | undefined;
  let link: string | undefined;
  let moveNetns = false;
  let qlen = -1;
  let mtu = -1;
  let netns = false;
  let numtxqueues = -1;
  let numrxqueues = -1;
  let linkNetnsid = -1;
  let index = 0;
  let group = -1;
  let addrLen = 0;
  let type: string | undefined;
  const total = argv.length;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  const setFlag = (flag: number, on: boolean) => {
    req.ifi.change |= flag;
    if (on) req.ifi.flags |= flag;
    else req.ifi.flags &= ~flag;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (a === "up") setFlag(IFF_UP, true);
    else if (a === "down") setFlag(IFF_UP, false);
    else if (a === "name") {
      const v = next();
      if (name !== undefined) duparg(ctx, "name", v);
      if (checkIfname(v)) invarg(ctx, '"name" not a valid ifname', v);
      name = v;
      if (dev === undefined) dev = name;
    } else if (a === "index") {
      const v = next();
      if (index) duparg(ctx, "index", v);
      index = parseInt(v, 10) || 0;
      if (index <= 0) invarg(ctx, 'Invalid "index" value', v);
    } else if (!matches(a, "link")) {
      link = next();
    } else if (!matches(a, "address")) {
      const v = next();
      const ll = llAddrA2n(ctx, v, 32);
      if (!ll) return { ret: -1 };
      addrLen = ll.length;
      req.attrs.IFLA_ADDRESS = ll;
    } else if (!matches(a, "broadcast") || a === "brd") {
      const v = next();
      const ll = llAddrA2n(ctx, v, 32);
      if (!ll) return { ret: -1 };
      req.attrs.IFLA_BROADCAST = ll;
    } else if (!matches(a, "txqueuelen") || a === "qlen" || !matches(a, "txqlen")) {
      const v = next();
      if (qlen !== -1) duparg(ctx, "txqueuelen", v);
      const q = getInteger(v, 0);
      if (q === undefined) invarg(ctx, 'Invalid "txqueuelen" value\n', v);
      qlen = q;
      req.attrs.IFLA_TXQLEN = q;
    } else if (a === "mtu") {
      const v = next();
      if (mtu !== -1) duparg(ctx, "mtu", v);
      const m = getInteger(v, 0);
      if (m === undefined) invarg(ctx, 'Invalid "mtu" value\n', v);
      mtu = m;
      req.attrs.IFLA_MTU = m;
    } else if (a === "xdpgeneric" || a === "xdpdrv" || a === "xdpoffload" || a === "xdp") {
      // ip/iplink_xdp.c: xdp_parse(): "off" or "none" as the last argument detaches (IFLA_XDP
      // fd -1; no program is ever attached here, and the kernel's dev_xdp_attach() calls no
      // driver when the program does not change: nothing happens); a program to load is not
      // modelled
      const v = next();
      if (a === "xdpoffload" && !ctx.ll.llNameToIndex(dev ?? "")) incompleteCommand(ctx);
      if (!(argv.length === 1 && (v === "off" || v === "none"))) {
        ctx.err("ip link: XDP is not supported by this emulator\n");
        ctx.exit(-1);
      }
    } else if (a === "netns") {
      const v = next();
      if (netns) duparg(ctx, "netns", v);
      const fd = netnsGetFd(ctx, v);
      if (fd === "badfd") req.attrs.IFLA_NET_NS_BADFD = true;
      else if (fd && "name" in fd) req.attrs.IFLA_NET_NS_NAME = fd.name;
      else if (fd) req.attrs.IFLA_NET_NS_PID = fd.pid;
      else {
        const pid = getInteger(v, 0);
        if (pid === undefined) invarg(ctx, 'Invalid "netns" value\n', v);
        req.attrs.IFLA_NET_NS_PID = pid;
      }
      netns = true;
      moveNetns = true;
    } else if (a === "multicast" || a === "allmulticast" || a === "promisc") {
      const v = next();
      const flag = a === "multicast" ? IFF_MULTICAST : a === "allmulticast" ? IFF_ALLMULTI : IFF_PROMISC;
      req.ifi.change |= flag;
      if (v === "on") req.ifi.flags |= flag;
      else if (v === "off") req.ifi.flags &= ~flag;
      else return { ret: onOff(ctx, a, v) };
    } else if (a === "trailers") {
      const v = next();
      req.ifi.change |= IFF_NOTRAILERS;
      if (v === "off") req.ifi.flags |= IFF_NOTRAILERS;
      else if (v === "on") req.ifi.flags &= ~IFF_NOTRAILERS;
      else return { ret: onOff(ctx, "trailers", v) };
    } else if (a === "arp") {
      const v = next();
      req.ifi.change |= IFF_NOARP;
      if (v === "on") req.ifi.flags &= ~IFF_NOARP;
      else if (v === "off") req.ifi.flags |= IFF_NOARP;
      else return { ret: onOff(ctx, "arp", v) };
    } else if (a === "carrier") {
      const v = next();
      const c = parseOnOff(ctx, "carrier", v);
      if (c === undefined) return { ret: -22 };
      req.attrs.IFLA_CARRIER = c;
    } else if (a === "vf") {
      const v = next();
      if (getInteger(v, 0) === undefined) invarg(ctx, 'Invalid "vf" value\n', v);
      if (dev === undefined) missarg(ctx, "dev");
      ctx.err("ip link: SR-IOV VFs are not supported by this emulator\n");
      return { ret: -1 };
    } else if (!matches(a, "master")) {
      const v = next();
      const ifindex = ctx.ll.llNameToIndex(v);
      if (!ifindex) invarg(ctx, "Device does not exist\n", v);
      req.attrs.IFLA_MASTER = ifindex;
    } else if (a === "vrf") {
      const v = next();
      invarg(ctx, "Not a valid VRF name\n", v);
    } else if (!matches(a, "nomaster")) {
      req.attrs.IFLA_MASTER = 0;
    } else if (!matches(a, "dynamic")) {
      const v = next();
      req.ifi.change |= IFF_DYNAMIC;
      if (v === "on") req.ifi.flags |= IFF_DYNAMIC;
      else if (v === "off") req.ifi.flags &= ~IFF_DYNAMIC;
      else return { ret: onOff(ctx, "dynamic", v) };
    } else if (!matches(a, "type")) {
      type = next();
      argv = argv.slice(1);
      break;
    } else if (!matches(a, "alias")) {
      const v = next();
      if (new TextEncoder().encode(v).length >= IFALIASZ) invarg(ctx, "alias too long\n", v);
      req.attrs.IFLA_IFALIAS = v;
    } else if (a === "group") {
      const v = next();
      if (group !== -1) duparg(ctx, "group", v);
      const g = ctx.names.rtnlGroupA2n(v);
      if (g === undefined) invarg(ctx, 'Invalid "group" value\n', v);
      group = g;
      req.attrs.IFLA_GROUP = g;
    } else if (a === "mode") {
      const v = next();
      const mode = getLinkMode(v);
      if (mode < 0) invarg(ctx, "Invalid link mode\n", v);
      req.attrs.IFLA_LINKMODE = mode;
    } else if (a === "state") {
      const v = next();
      const state = getOperstate(v);
      if (state < 0) invarg(ctx, "Invalid operstate\n", v);
      req.attrs.IFLA_OPERSTATE = state;
    } else if (!matches(a, "numtxqueues")) {
      const v = next();
      if (numtxqueues !== -1) duparg(ctx, "numtxqueues", v);
      const x = getInteger(v, 0);
      if (x === undefined) invarg(ctx, 'Invalid "numtxqueues" value\n', v);
      numtxqueues = x;
      req.attrs.IFLA_NUM_TX_QUEUES = x;
    } else if (!matches(a, "numrxqueues")) {
      const v = next();
      if (numrxqueues !== -1) duparg(ctx, "numrxqueues", v);
      const x = getInteger(v, 0);
      if (x === undefined) invarg(ctx, 'Invalid "numrxqueues" value\n', v);
      numrxqueues = x;
      req.attrs.IFLA_NUM_RX_QUEUES = x;
    } else if (!matches(a, "addrgenmode")) {
      const v = next();
      const mode = getAddrGenMode(v);
      if (mode < 0) invarg(ctx, "Invalid address generation mode\n", v);
      req.attrs.IFLA_INET6_ADDR_GEN_MODE = mode;
    } else if (!matches(a, "link-netns")) {
      const v = next();
      if (linkNetnsid !== -1) duparg(ctx, "link-netns/link-netnsid", v);
      linkNetnsid = getNetnsidFromName(ctx, v);
      if (linkNetnsid < 0) setNetnsidFromName(ctx, v, -1);
      linkNetnsid = getNetnsidFromName(ctx, v);
      if (linkNetnsid < 0) invarg(ctx, 'Invalid "link-netns" value\n', v);
      req.attrs.IFLA_LINK_NETNSID = linkNetnsid;
    } else if (!matches(a, "link-netnsid")) {
      const v = next();
      if (linkNetnsid !== -1) duparg(ctx, "link-netns/link-netnsid", v);
      const x = getInteger(v, 0);
      if (x === undefined) invarg(ctx, 'Invalid "link-netnsid" value\n', v);
      linkNetnsid = x;
      req.attrs.IFLA_LINK_NETNSID = x;
    } else if (a === "protodown") {
      const v = next();
      const pd = parseOnOff(ctx, "protodown", v);
      if (pd === undefined) return { ret: -22 };
      req.attrs.IFLA_PROTO_DOWN = pd;
    } else if (a === "protodown_reason") {
      const v = next();
      invarg(ctx, "invalid protodown reason\n", v);
    } else if (a === "gso_max_size") {
      const v = next();
      const x = getUnsigned(v, 0);
      if (x === undefined) invarg(ctx, 'Invalid "gso_max_size" value\n', v);
      req.attrs.IFLA_GSO_MAX_SIZE = x;
    } else if (a === "gso_max_segs") {
      const v = next();
      const x = getUnsigned(v, 0);
      if (x === undefined || x > GSO_MAX_SEGS) invarg(ctx, 'Invalid "gso_max_segs" value\n', v);
      req.attrs.IFLA_GSO_MAX_SEGS = x;
    } else if (a === "gro_max_size") {
      const v = next();
      const x = getUnsigned(v, 0);
      if (x === undefined) invarg(ctx, 'Invalid "gro_max_size" value\n', v);
      req.attrs.IFLA_GRO_MAX_SIZE = x;
    } else if (a === "parentdev") {
      next();
    } else {
      let d = a;
      if (!matches(a, "help")) iplinkUsage(ctx);
      if (a === "dev") d = next();
      if (dev !== name) duparg2(ctx, "dev", d);
      if (checkAltifname(d)) invarg(ctx, '"dev" not a valid ifname', d);
      dev = d;
    }
    argv = argv.slice(1);
  }
  const ret = total - argv.length;
  // "ip link add dev" and "ip link add name"
  let renameTo: string | undefined;
  if (name === undefined) name = dev;
  else if (dev === undefined) dev = name;
  const sameName = name === dev;
  if (dev !== undefined && addrLen && !req.flags.create) {
    const halen = nlGetLlAddrLen(ctx, dev);
    if (halen >= 0 && halen !== addrLen) {
      ctx.err("Invalid address length %d - must be %d bytes\n", addrLen, halen);
      return { ret: -1 };
    }
  }
  if (index && !req.flags.create && !moveNetns) {
    ctx.err("index can be used only when creating devices or when moving device to another netns.\n");
    ctx.exit(-1);
  }
  if (group !== -1 && dev === undefined) {
    if (argv.length) {
      ctx.err('Garbage instead of arguments "%s ...". Try "ip link help".\n', argv[0]);
      ctx.exit(-1);
    }
    if (req.flags.create) {
      ctx.err("group cannot be used when creating devices.\n");
      ctx.exit(-1);
    }
    return { ret };
  }
  if (!req.flags.create) {
    if (dev === undefined) {
      ctx.err('Not enough information: "dev" argument is required.\n');
      ctx.exit(-1);
    }
    req.ifi.index = ctx.ll.llNameToIndex(dev);
    if (!req.ifi.index) return { ret: nodev(ctx, dev) };
    if (!sameName) renameTo = name;
  } else {
    if (!sameName) {
      ctx.err('both "name" and "dev" cannot be used when creating devices.\n');
      ctx.exit(-1);
    }
    if (link !== undefined) {
      const ifindex = ctx.ll.llNameToIndex(link);
      if (!ifindex) return { ret: nodev(ctx, link) };
      req.attrs.IFLA_LINK = ifindex;
    }
    req.ifi.index = index;
    renameTo = name;
  }
  if (renameTo !== undefined) req.attrs.IFLA_IFNAME = renameTo;
  return type !== undefined ? { ret, type } : { ret };
}

/** ip/iplink.c: iplink_modify() */
async function iplinkModify(
  ctx: IpCtx, cmd: "RTM_NEWLINK" | "RTM_DELLINK", flags: NlFlags, argv: string[],
): Promise<number> {
  const req: LinkMsg = {
    type: cmd,
    flags,
    ifi: { family: ctx.preferredFamily, type: 0, index: 0, flags: 0, change: 0 },
    attrs: {},
  };
  const { ret, type } = iplinkParse(ctx, argv, req);
  if (ret < 0) return ret;
  if (type !== undefined) {
    const rest = argv.slice(ret);
    const slave = type.includes("_") && type.slice(type.indexOf("_")) === "_slave";
    const linkinfo: NonNullable<IflaAttrs["IFLA_LINKINFO"]> = { IFLA_INFO_KIND: type };
    req.attrs.IFLA_LINKINFO = linkinfo;
    const lu = getLinkKind(type);
    if (lu && rest.length) {
      const data: InfoData = {};
      if (slave) linkinfo.IFLA_INFO_SLAVE_DATA = data;
      else linkinfo.IFLA_INFO_DATA = data;
      if (lu.parseOpt && (await lu.parseOpt(ctx, rest, data, req))) return -1;
    } else if (rest.length) {
      if (!matches(rest[0]!, "help")) iplinkUsage(ctx);
      ctx.err('Garbage instead of arguments "%s ...". Try "ip link help".\n', rest[0]);
      return -1;
    }
  } else if (flags.create) {
    ctx.err('Not enough information: "type" argument is required\n');
    return -1;
  }
  if (rtnlTalk(ctx, req).ret) return -2;
  ctx.ll.llDropByIndex(req.ifi.index);
  return 0;
}

// ----------------------------------------------------------------------------- link_veth.c

/** ip/link_veth.c: print_usage() — printf, so it goes to stdout */
function vethPrintUsage(ctx: IpCtx): void {
  ctx.printf("Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n");
}

/** ip/link_veth.c: veth_parse_opt() */
function vethParseOpt(ctx: IpCtx, argv: string[], data: InfoData, req: LinkMsg): number {
  if (argv[0] !== "peer") {
    vethPrintUsage(ctx);
    return -1;
  }
  const peer: IplinkReq = {
    flags: req.flags,
    ifi: { family: req.ifi.family, type: 0, index: 0, flags: 0, change: 0 },
    attrs: {},
  };
  const { ret: err, type } = iplinkParse(ctx, argv.slice(1), peer);
  if (err < 0) return err;
  if (type !== undefined) duparg(ctx, "type", argv[err] ?? "");
  data.IFLA_VETH_PEER = { ifi: peer.ifi, attrs: peer.attrs };
  return argv.length - 1 - err;
}

registerLinkUtil({
  id: "veth",
  parseOpt: (ctx, argv, data, req) => vethParseOpt(ctx, argv, data, req),
  printHelp: (ctx) => vethPrintUsage(ctx),
});

/** ip/iplink.c: do_help() */
function doHelp(ctx: IpCtx, argv: string[]): void {
  if (argv.length <= 0) iplinkUsage(ctx);
  const lu = getLinkKind(argv[0]!);
  if (lu?.printHelp) {
    // print_help(lu, argc, argv, stdout): the explain texts the parsers send to stderr go to stdout here
    const err = ctx.err;
    ctx.err = (fmt: string, ...args: unknown[]) => ctx.printf(fmt, ...args);
    try {
      lu.printHelp(ctx, argv.slice(1));
    } finally {
      ctx.err = err;
    }
  } else iplinkUsage(ctx);
}

/** ip/iplink.c: iplink_prop() */
function iplinkProp(ctx: IpCtx, argv: string[]): number {
  if (argv.length <= 0 || !matches(argv[0]!, "help")) iplinkUsage(ctx);
  if (!matches(argv[0]!, "add")) return iplinkPropMod(ctx, argv.slice(1), "RTM_NEWLINKPROP");
  if (!matches(argv[0]!, "del")) return iplinkPropMod(ctx, argv.slice(1), "RTM_DELLINKPROP");
  ctx.err("Operator required\n");
  return -1;
}

/** ip/iplink.c: iplink_prop_mod(): an IFLA_PROP_LIST of the altnames given, for `dev` */
function iplinkPropMod(ctx: IpCtx, argv: string[], cmd: "RTM_NEWLINKPROP" | "RTM_DELLINKPROP"): number {
  const names: string[] = [];
  let dev: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (!matches(a, "altname")) {
      if (++i >= argv.length) incompleteCommand(ctx);
      if (checkAltifname(argv[i]!)) invarg(ctx, "not a valid altname", argv[i]!);
      names.push(argv[i]!);
    } else if (!matches(a, "help")) {
      iplinkUsage(ctx);
    } else {
      if (a === "dev") {
        if (++i >= argv.length) incompleteCommand(ctx);
        a = argv[i]!;
      }
      if (dev !== undefined) duparg2(ctx, "dev", a);
      if (checkAltifname(a)) invarg(ctx, '"dev" not a valid ifname', a);
      dev = a;
    }
  }
  if (dev === undefined) {
    ctx.err('Not enough of information: "dev" argument is required.\n');
    return ctx.exit(-1);
  }
  const index = ctx.ll.llNameToIndex(dev);
  if (!index) return nodev(ctx, dev);
  const r = rtnlTalk(ctx, {
    type: cmd, flags: { create: true, excl: true },
    ifi: { family: ctx.preferredFamily, type: 0, index, flags: 0, change: 0 },
    attrs: { IFLA_PROP_LIST: names },
  });
  return r.ret < 0 ? -2 : 0;
}

/** ip/iplink.c: do_iplink() */
export async function doIplink(ctx: IpCtx, argv: string[]): Promise<number> {
  if (argv.length < 1) return ipaddrListLink(ctx, []);
  const a = argv[0]!;
  const rest = argv.slice(1);
  if (!matches(a, "add")) return iplinkModify(ctx, "RTM_NEWLINK", { create: true, excl: true }, rest);
  if (!matches(a, "set") || !matches(a, "change")) return iplinkModify(ctx, "RTM_NEWLINK", {}, rest);
  if (!matches(a, "replace")) return iplinkModify(ctx, "RTM_NEWLINK", { create: true, replace: true }, rest);
  if (!matches(a, "delete")) return iplinkModify(ctx, "RTM_DELLINK", {}, rest);
  if (!matches(a, "show") || !matches(a, "lst") || !matches(a, "list")) return ipaddrListLink(ctx, rest);
  if (!matches(a, "xstats")) return iplinkIflaXstats(ctx, rest);
  if (!matches(a, "afstats")) {
    ctx.err("ip link %s: not supported by this emulator\n", a);
    return -1;
  }
  if (!matches(a, "property")) return iplinkProp(ctx, rest);
  if (!matches(a, "help")) {
    doHelp(ctx, rest);
    return 0;
  }
  ctx.err('Command "%s" is unknown, try "ip link help".\n', a);
  return ctx.exit(-1);
}

