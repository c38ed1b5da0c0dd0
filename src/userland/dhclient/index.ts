/** ISC dhclient 4.4.3-P1 (Debian package isc-dhcp-client) */
export { dhclientCommands } from "./dhclient.ts";
