/**
 * include/uapi/linux/if_tunnel.h (+ linux/ip.h's struct iphdr as far as the tunnel ioctls use
 * it): struct ip_tunnel_parm for SIOCGETTUNNEL / SIOCADDTUNNEL / SIOCCHGTUNNEL /
 * SIOCDELTUNNEL, passed as `ioctl({request, ifname, parm})` and answered as `{parm}`.
 * Addresses and keys are numbers in host order (the tools print them, the kernel compares
 * them); flags are the GRE_* bits as the kernel keeps them (host order values here).
 */

export const SIOCGETTUNNEL = "SIOCGETTUNNEL";
export const SIOCADDTUNNEL = "SIOCADDTUNNEL";
export const SIOCDELTUNNEL = "SIOCDELTUNNEL";
export const SIOCCHGTUNNEL = "SIOCCHGTUNNEL";

export const GRE_CSUM = 0x8000;
export const GRE_ROUTING = 0x4000;
export const GRE_KEY = 0x2000;
export const GRE_SEQ = 0x1000;
export const VTI_ISVTI = 0x0001;
export const SIT_ISATAP = 0x0001;

export const IPPROTO_IPIP = 4;
export const IPPROTO_GRE = 47;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_MPLS = 137;

export interface IpTunnelIph {
  version: number;
  ihl: number;
  tos: number;
  /** IP_DF (0x4000) or 0 */
  frag_off: number;
  ttl: number;
  protocol: number;
  saddr: number;
  daddr: number;
}

export interface IpTunnelParm {
  name: string;
  link: number;
  i_flags: number;
  o_flags: number;
  i_key: number;
  o_key: number;
  iph: IpTunnelIph;
}

export function emptyTunnelParm(): IpTunnelParm {
  return {
    name: "", link: 0, i_flags: 0, o_flags: 0, i_key: 0, o_key: 0,
    iph: { version: 0, ihl: 0, tos: 0, frag_off: 0, ttl: 0, protocol: 0, saddr: 0, daddr: 0 },
  };
}

export function copyTunnelParm(p: IpTunnelParm): IpTunnelParm {
  return { ...p, iph: { ...p.iph } };
}
