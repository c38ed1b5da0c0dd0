/** libvirt 9.0 client: virsh (network commands), over the network driver model of network.ts */
export { virshCommands } from "./virsh.ts";
