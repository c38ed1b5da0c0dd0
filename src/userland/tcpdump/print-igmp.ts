/**
 * print-igmp.c (tcpdump 4.99): igmp_print() — queries (v1, v2, v3), v1/v2 reports, leaves,
 * IGMPv3 reports with their group records (-v: each record, -vv: its sources), and with -v
 * a bad checksum. DVMRP, PIMv1 and mtrace are named, not decoded.
 */
import { type Ctx, inCksum } from "./print.ts";
import { unsignedReltsPrint } from "./print-domain.ts";

/** igmpv3report2str */
const IGMPV3_REPORT_TYPES: Record<number, string> = { 1: "is_in", 2: "is_ex", 3: "to_in", 4: "to_ex", 5: "allow", 6: "block" };

/** print_igmpv3_report() */
function igmpv3ReportPrint(c: Ctx, bp: number, len: number): void {
  if (len < 16 || len & 3) {
    c.print(` [invalid len ${len}]`);
    return;
  }
  const ngroups = c.u16(bp + 6);
  c.print(`, ${ngroups} group record(s)`);
  if (!c.ndo.vflag) return;
  let group = 8;
  for (let i = 0; i < ngroups; i++) {
    if (len < group + 8) {
      c.print(" [invalid number of groups]");
      return;
    }
    c.print(` [gaddr ${c.ipaddr(bp + group + 4)}`);
    const type = c.u8(bp + group);
    c.print(` ${IGMPV3_REPORT_TYPES[type] ?? ` [v3-report-#${type}]`}`);
    const nsrcs = c.u16(bp + group + 2);
    if (len < group + 8 + nsrcs * 4) {
      c.print(` [invalid number of sources ${nsrcs}]`);
      return;
    }
    if (c.ndo.vflag === 1) c.print(`, ${nsrcs} source(s)`);
    else {
      c.print(" {");
      for (let j = 0; j < nsrcs; j++) c.print(` ${c.ipaddr(bp + group + 8 + j * 4)}`);
      c.print(" }");
    }
    group += 8 + nsrcs * 4;
    c.print("]");
  }
}

/** print_igmpv3_query() */
function igmpv3QueryPrint(c: Ctx, bp: number, len: number): void {
  c.print(" v3");
  if (len < 12 || len & 3) {
    c.print(` [invalid len ${len}]`);
    return;
  }
  const mrc = c.u8(bp + 1);
  const mrt = mrc < 128 ? mrc : ((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3);
  if (mrc !== 100) {
    c.print(" [max resp time ");
    if (mrt < 600) c.print(`${(mrt * 0.1).toFixed(1)}s`);
    else unsignedReltsPrint(c, Math.floor(mrt / 10));
    c.print("]");
  }
  if (c.u32(bp + 4) === 0) return;
  c.print(` [gaddr ${c.ipaddr(bp + 4)}`);
  const nsrcs = c.u16(bp + 10);
  if (nsrcs > 0) {
    if (len < 12 + nsrcs * 4) c.print(" [invalid number of sources]");
    else if (c.ndo.vflag > 1) {
      c.print(" {");
      for (let i = 0; i < nsrcs; i++) c.print(` ${c.ipaddr(bp + 12 + i * 4)}`);
      c.print(" }");
    } else c.print(`, ${nsrcs} source(s)`);
  }
  c.print("]");
}

/** igmp_print() */
export function igmpPrint(c: Ctx, bp: number, len: number): void {
  c.protocol = "igmp";
  if (c.ndo.qflag) {
    c.print("igmp");
    return;
  }
  const type = c.u8(bp);
  switch (type) {
    case 0x11:
      c.print("igmp query");
      if (len >= 12) igmpv3QueryPrint(c, bp, len);
      else {
        const mrt = c.u8(bp + 1);
        if (mrt) {
          c.print(" v2");
          if (mrt !== 100) c.print(` [max resp time ${mrt}]`);
        } else c.print(" v1");
        if (c.u32(bp + 4)) c.print(` [gaddr ${c.ipaddr(bp + 4)}]`);
        if (len !== 8) c.print(` [len ${len}]`);
      }
      break;
    case 0x12:
      c.print(`igmp v1 report ${c.ipaddr(bp + 4)}`);
      if (len !== 8) c.print(` [len ${len}]`);
      break;
    case 0x16:
      c.print(`igmp v2 report ${c.ipaddr(bp + 4)}`);
      break;
    case 0x22:
      c.print("igmp v3 report");
      igmpv3ReportPrint(c, bp, len);
      break;
    case 0x17:
      c.print(`igmp leave ${c.ipaddr(bp + 4)}`);
      break;
    case 0x13:
      c.print("igmp dvmrp");
      if (len < 8) c.print(` [len ${len}]`);
      break;
    case 0x14:
      c.print("igmp pimv1");
      break;
    case 0x1e:
    case 0x1f:
      c.print(type === 0x1e ? "mresp" : "mtrace");
      break;
    default:
      c.print(`igmp-${type}`);
  }
  if (c.ndo.vflag && len >= 4 && c.ttest(bp, len) && inCksum(c.b, bp, len)) {
    c.print(` bad igmp cksum ${c.u16(bp + 2).toString(16)}!`);
  }
}
