/**
 * The command table: every tool's name -> implementation, merged from the packages' tables
 * (what `PATH` holds on the emulated machine).
 */
import type { CommandTable } from "./process.ts";
import { ipCommands } from "./iproute2/index.ts";
import { bridgeCommands } from "./iproute2/bridge/index.ts";
import { bridgeUtilsCommands } from "./bridge-utils/index.ts";
import { iputilsCommands } from "./iputils/index.ts";
import { netToolsCommands } from "./net-tools/index.ts";
import { ethtoolCommands } from "./ethtool/index.ts";
import { procpsCommands } from "./procps/index.ts";
import { kmodCommands } from "./kmod/index.ts";
import { iptablesCommands } from "./iptables/index.ts";
import { conntrackCommands } from "./conntrack-tools/index.ts";
import { ebtablesCommands } from "./ebtables/index.ts";
import { tcpdumpCommands } from "./tcpdump/index.ts";
import { netcatCommands } from "./netcat/index.ts";
import { dnsmasqCommands } from "./dnsmasq/index.ts";
import { dhclientCommands } from "./dhclient/index.ts";
import { busyboxCommands } from "./busybox/index.ts";
import { virshCommands } from "./libvirt/index.ts";
import { initscriptsCommands } from "./initscripts/index.ts";
import { curlCommands } from "./curl/index.ts";
import { httpdCommands } from "./httpd/index.ts";
import { ovsCommands } from "./ovs/index.ts";
import { coreutilsCommands } from "./coreutils/index.ts";
import { utilLinuxCommands } from "./util-linux/index.ts";
import { bind9Commands } from "./bind9/index.ts";
import { libcBinCommands } from "./libc-bin/index.ts";

export const commands: CommandTable = {
  ...ipCommands,
  ...bridgeCommands,
  ...bridgeUtilsCommands,
  ...iputilsCommands,
  ...netToolsCommands,
  ...ethtoolCommands,
  ...procpsCommands,
  ...kmodCommands,
  ...iptablesCommands,
  ...conntrackCommands,
  ...ebtablesCommands,
  ...tcpdumpCommands,
  ...netcatCommands,
  ...dnsmasqCommands,
  ...dhclientCommands,
  ...busyboxCommands,
  ...virshCommands,
  ...initscriptsCommands,
  ...curlCommands,
  ...httpdCommands,
  ...ovsCommands,
  ...coreutilsCommands,
  ...utilLinuxCommands,
  ...bind9Commands,
  ...libcBinCommands,
};

export default commands;
