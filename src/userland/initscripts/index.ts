/** RHEL initscripts: ifup / ifdown over /etc/sysconfig/network-scripts */
export { initscriptsCommands } from "./ifup.ts";
