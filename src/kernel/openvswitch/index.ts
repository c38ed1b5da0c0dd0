/** net/openvswitch + the host's ovsdb-server/ovs-vswitchd model: `ovsInit()` is the module init */
export { ovsInit, vswitchdOf, OVS_VERSION } from "./vswitchd.ts";
export { ovsVportOf } from "./datapath.ts";
