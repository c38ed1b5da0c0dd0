/**
 * The drivers of issue #4 in one init for World's kernelInit (the order of their module_init
 * calls does not matter: each registers its kinds, protocol handlers and modules once).
 */
import { ipipInit } from "./ipip.ts";
import { dummyInit } from "./dummy.ts";
import { vxlanInit } from "./vxlan.ts";
import { macvlanInit } from "./macvlan.ts";
import { tunInit } from "./tun.ts";
import { vlanInit } from "./vlan.ts";
import { ipgreInit } from "./ip_gre.ts";
import { sitInit } from "./sit.ts";

export function devicesInit(): void {
  ipipInit();
  dummyInit();
  vxlanInit();
  macvlanInit();
  tunInit();
  vlanInit();
  ipgreInit();
  sitInit();
}
