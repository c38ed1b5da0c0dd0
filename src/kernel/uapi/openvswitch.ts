/**
 * The Open vSwitch contract between userland (ovs-vsctl, ovs-ofctl) and the host's switch
 * model. Real OVS has three channels: OVSDB (ovs-vsctl <-> ovsdb-server, JSON-RPC over
 * /var/run/openvswitch/db.sock), OpenFlow (ovs-ofctl <-> ovs-vswitchd, br0.mgmt) and generic
 * netlink (ovs-vswitchd <-> the openvswitch datapath). tuxnet keeps ovsdb-server and
 * ovs-vswitchd inside the kernel model (one per host, living in its initial namespace), so the
 * first two channels are `Syscalls.ioctl()` requests carrying these objects:
 *
 *   { request: "OVSDB_GET" }                     -> { db: OvsDb }
 *   { request: "OVSDB_UUID" }                    -> { uuid: string } (a new row's UUID:
 *                                                   ovsdb-server assigns them, from its own
 *                                                   random source)
 *   { request: "OVSDB_TRANSACT", db: OvsDb }     -> { db: OvsDb } (after vswitchd reconfigured:
 *                                                   interfaces carry ofport/error)
 *   { request: "OFPT_FLOW_MOD", bridge, mod: OfpFlowMod }   -> {} | KErr (ENODEV: no bridge)
 *   { request: "OFPST_FLOW", bridge }            -> { flows: OfpFlowStats[], ports: OfpPortDesc[] }
 *   { request: "OFPST_PORT_DESC", bridge }       -> { ports: OfpPortDesc[] }
 */

/** one row of the Open_vSwitch, Bridge, Port and Interface tables (vswitch.ovsschema) */
export interface OvsdbBridge {
  uuid: string;
  name: string;
  /** Port uuids */
  ports: string[];
  datapath_type: string;
  fail_mode: string | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
}

export interface OvsdbPort {
  uuid: string;
  name: string;
  /** Interface uuids */
  interfaces: string[];
  tag: number | undefined;
  trunks: number[];
  vlan_mode: string | undefined;
  external_ids: Record<string, string>;
  other_config: Record<string, string>;
}

export interface OvsdbInterface {
  uuid: string;
  name: string;
  type: string;
  options: Record<string, string>;
  /** set by ovs-vswitchd: the OpenFlow port number, -1 when the interface could not be added */
  ofport: number | undefined;
  ofport_request: number | undefined;
  error: string | undefined;
  mac_in_use: string | undefined;
  external_ids: Record<string, string>;
  other_config: Record<string, string>;
}

export interface OvsDb {
  /** the Open_vSwitch row's _uuid (the first line of `ovs-vsctl show`) */
  uuid: string;
  /** Bridge uuids (Open_vSwitch.bridges) */
  bridges: string[];
  ovs_version: string;
  bridge: Record<string, OvsdbBridge>;
  port: Record<string, OvsdbPort>;
  interface: Record<string, OvsdbInterface>;
}

/** OpenFlow match fields (struct match, reduced); absent = wildcarded */
export interface OfpMatch {
  in_port?: number;
  dl_src?: string;
  dl_dst?: string;
  /** 0xffff: untagged only */
  dl_vlan?: number;
  dl_vlan_pcp?: number;
  dl_type?: number;
  nw_src?: [number, number];
  nw_dst?: [number, number];
  nw_proto?: number;
  nw_tos?: number;
  tp_src?: number;
  tp_dst?: number;
}

/** OpenFlow actions (struct ofpact, reduced) */
export type OfpAction =
  | { type: "output"; port: number; maxLen?: number }
  | { type: "mod_vlan_vid"; vid: number }
  | { type: "mod_vlan_pcp"; pcp: number }
  | { type: "strip_vlan" }
  | { type: "mod_dl_src"; mac: string }
  | { type: "mod_dl_dst"; mac: string };

/** reserved OpenFlow ports (ofp_port_t) */
export const OFPP_MAX = 0xff00;
export const OFPP_IN_PORT = 0xfff8;
export const OFPP_TABLE = 0xfff9;
export const OFPP_NORMAL = 0xfffa;
export const OFPP_FLOOD = 0xfffb;
export const OFPP_ALL = 0xfffc;
export const OFPP_CONTROLLER = 0xfffd;
export const OFPP_LOCAL = 0xfffe;
export const OFPP_NONE = 0xffff;

export interface OfpFlowMod {
  command: "add" | "modify" | "modify_strict" | "delete" | "delete_strict";
  table: number;
  priority: number;
  cookie: number;
  idle_timeout: number;
  hard_timeout: number;
  match: OfpMatch;
  actions: OfpAction[];
  out_port?: number;
}

export interface OfpFlowStats {
  table: number;
  priority: number;
  cookie: number;
  /** microseconds since the flow was added */
  duration: number;
  idle_timeout: number;
  hard_timeout: number;
  n_packets: number;
  n_bytes: number;
  /** seconds since the flow last matched a packet (NXST idle_age) */
  idle_age: number;
  match: OfpMatch;
  actions: OfpAction[];
}

/** struct ofputil_phy_port, as OpenFlow 1.0 carries it */
export interface OfpPortDesc {
  ofport: number;
  name: string;
  hwaddr: string;
  /** OFPUTIL_PC_* names ("PORT_DOWN") */
  config: string[];
  /** OFPUTIL_PS_* names ("LINK_DOWN") */
  state: string[];
  /** NETDEV_F_* names of the current features ("10GB-FD", "COPPER") */
  curr: string[];
  /** kbps */
  curr_speed: number;
  max_speed: number;
}
