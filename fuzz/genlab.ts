/**
 * Differential fuzzing against the kernel: a lab of seeded mutations of real commands (a word
 * dropped, inserted, replaced or repeated), to run on the kernel and on tuxnet and compare.
 *
 *   node --import tsx fuzz/genlab.ts SEED [COUNT] [FAMILY] > f.lab
 *   python3 ../shared/tools/labtool.py kernel f.lab -o f.kernel.jsonl
 *   python3 ../shared/tools/labtool.py emu f.lab -- npx tuxnet run --json > f.emu.jsonl
 *   python3 ../shared/tools/labtool.py diff f.kernel.jsonl f.emu.jsonl
 *
 * FAMILY: ip, ip6, bridge, links, mcast, nettools, nf, xt, neigh, sys, netns, route, ping, tcpdump, ss, nc, ebt, shell, ethtool, vxlan or all. A mismatch is a lead, not a verdict:
 * counters and timers that depend on how long the kernel took between commands differ too.
 * Node-only code; the same seed gives the same lab.
 */
const seed0 = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 150);
const fam = process.argv[4] ?? "all";
let s = (seed0 * 2654435761) >>> 0 || 1;
/** xorshift32 */
const rnd = (n: number): number => {
  s ^= s << 13;
  s >>>= 0;
  s ^= s >>> 17;
  s ^= s << 5;
  s >>>= 0;
  return s % n;
};
const T: Record<string, string[]> = {
ip: [
  "ip link add v9 type veth peer name v10", "ip link set v1 up mtu 1400", "ip link set dev v1 address 02:00:00:00:00:01", "ip link show dev v1", "ip -d link show v1",
  "ip addr add 10.0.0.1/24 brd + dev v1 label v1:0", "ip addr del 10.0.0.1/24 dev v1", "ip addr flush dev v1", "ip -4 -o addr show", "ip -br addr",
  "ip route add 10.9.0.0/16 via 10.0.0.2 dev v1 metric 5", "ip route replace default via 10.0.0.2", "ip route get 10.9.1.1 from 10.0.0.1 iif v1", "ip route add blackhole 10.8.0.0/16", "ip route show table all", "ip route flush cache",
  "ip rule add fwmark 1 table 100 pref 10", "ip rule del pref 10", "ip rule show", "ip neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev v1 nud permanent", "ip neigh flush dev v1", "ip neigh show proxy",
  "ip netns add n5", "ip netns exec n1 ip a", "ip -n n1 route", "ip -all netns exec ip -br l", "ip netns set n1 7", "ip netns list-id",
  "ip link set v1 txqueuelen 50", "ip link set v1 alias foo", "ip addr add 10.1.0.1 peer 10.1.0.2 dev v1", "ip addr change 10.0.0.1/24 dev v1 preferred_lft 100", "ip route add 10.5.0.0/24 dev v1 src 10.0.0.1 proto static scope link",
  "ip route del 10.9.0.0/16", "ip route append 10.6.0.0/24 via 10.0.0.3", "ip route show 10.0.0.0/24", "ip neigh replace 10.0.0.6 lladdr 02:00:00:00:00:06 dev v1", "ip neigh del 10.0.0.5 dev v1", "ip neigh get 10.0.0.5 dev v1",
  "ip -s link show v1", "ip -j link show lo", "ip -o link", "ip link set v1 group 5", "ip link show group 5", "ip addr show up", "ip route list match 10.9.9.9", "ip rule add from 10.0.0.0/8 lookup 200", "ip rule add to 10.3.0.0/16 prohibit",
],
bridge: [
  "bridge fdb add 02:00:00:00:00:07 dev v1 master static", "bridge link set dev v1 cost 5", "bridge vlan add vid 10 dev v1 pvid untagged", "bridge -d link", "bridge fdb show br br0", "bridge vlan show",
  "bridge fdb del 02:00:00:00:00:07 dev v1 master", "bridge link set dev v1 priority 7 state 2", "bridge link set dev v1 learning off flood off", "bridge vlan del vid 10 dev v1", "bridge -s vlan", "bridge fdb replace 02:00:00:00:00:08 dev v1 master",
  "ip link set br0 type bridge vlan_filtering 1", "ip link set br0 type bridge ageing_time 1000", "ip link set v1 master br0", "ip link set v1 nomaster", "ip -d link show br0", "bridge -j fdb show", "bridge link show dev v1",
  "brctl addbr br1", "brctl addif br0 v1", "brctl setageing br0 30", "brctl stp br0 on", "brctl showmacs br0", "brctl showstp br0", "brctl setportprio br0 v1 3", "brctl delif br0 v1", "brctl delbr br1", "brctl show", "brctl setbridgeprio br0 100", "brctl setpathcost br0 v1 7", "brctl sethello br0 3", "brctl setfd br0 5", "brctl setmaxage br0 10",
],
nettools: [
  "ifconfig v1 10.0.0.1 netmask 255.255.255.0 up", "ifconfig v1 promisc", "ifconfig v1:1 10.0.1.1", "ifconfig -a", "route add -net 10.7.0.0 netmask 255.255.0.0 gw 10.0.0.2", "route -n", "route del default",
  "arp -s 10.0.0.9 02:00:00:00:00:09", "arp -an", "arp -d 10.0.0.9", "netstat -rn", "netstat -i", "ifconfig v1 mtu 1300", "ifconfig v1 down", "ifconfig v1 hw ether 02:00:00:00:00:11", "ifconfig v1 -arp", "ifconfig v1 broadcast 10.0.0.127",
  "route add default gw 10.0.0.2", "route add -host 10.4.4.4 dev v1", "route add -net 10.8.0.0/16 reject", "route -ne", "arp -n", "arp -i v1 -s 10.0.0.10 02:00:00:00:00:10 pub", "netstat -s", "ifconfig lo", "ifconfig v1 add 10.2.2.2",
],
sys: [
  "sysctl -w net.ipv4.ip_forward=1", "sysctl net.ipv4.conf.v1.rp_filter", "sysctl net.ipv4.neigh.v1.gc_stale_time", "hostname newname", "sysctl -w net.ipv4.conf.all.rp_filter=2",
  "cat /proc/sys/net/ipv4/ip_forward", "echo 1 > /proc/sys/net/ipv4/conf/all/forwarding", "cat /sys/class/net/v1/mtu", "echo 1300 > /sys/class/net/v1/mtu", "cat /proc/net/arp", "cat /proc/net/route",
  "ethtool -S v1", "ethtool -i v1", "ethtool v1", "ethtool -k v1", "cat /sys/class/net/v1/address", "cat /sys/class/net/br0/bridge/ageing_time", "echo 500 > /sys/class/net/br0/bridge/ageing_time", "sysctl -n net.ipv6.conf.v1.disable_ipv6", "sysctl net.ipv4.conf.v1", "ls /sys/class/net", "cat /proc/net/dev",
  "ping -c 1 -W 1 10.0.0.2", "ping -c2 -i 0.2 -s 100 -t 3 127.0.0.1", "ping -c 1 -q 127.0.0.1", "arping -c 1 -I v1 10.0.0.2", "ping -c 1 -W 1 -I v1 10.0.0.1",
],
nf: [
  "iptables -A INPUT -i v1 -p icmp -j DROP", "iptables -L -n -v", "iptables -S", "iptables -t nat -A POSTROUTING -o v1 -j MASQUERADE", "iptables -D INPUT 1", "iptables -F",
  "iptables -N chain1", "iptables -A FORWARD -s 10.0.0.0/24 -d 10.1.0.0/16 -p tcp --dport 80 -j ACCEPT", "iptables -P FORWARD DROP", "iptables -I INPUT 1 -p udp --sport 53 -j ACCEPT",
  "iptables -t nat -L -n --line-numbers", "iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT", "iptables -A OUTPUT -o lo -j ACCEPT", "iptables -X chain1", "iptables -Z",
  "iptables -t mangle -A PREROUTING -j MARK --set-mark 5", "iptables -A INPUT -p tcp -m multiport --dports 22,80 -j REJECT --reject-with tcp-reset", "iptables -R INPUT 1 -j ACCEPT",
  "iptables-save", "iptables -C INPUT -i v1 -p icmp -j DROP", "iptables -t raw -L", "iptables -E chain1 chain2", "iptables -A INPUT -m conntrack --ctstate INVALID -j DROP", "iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80",
  "ping -c 1 -W 1 10.0.0.2", "conntrack -L", "iptables -L INPUT --line-numbers -n", "iptables -A INPUT -s 10.0.0.300 -j DROP", "iptables -A INPUT -j LOG --log-prefix x",
],
neigh: [
  "ip neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev v1 nud permanent", "ip neigh show", "ip neigh flush dev v1", "ip neigh del 10.0.0.5 dev v1", "ip neigh change 10.0.0.5 lladdr 02:00:00:00:00:06 dev v1",
  "ip neigh add proxy 10.0.0.7 dev v1", "ip neigh show proxy", "ip neigh del proxy 10.0.0.7 dev v1", "ip neigh replace 10.0.0.8 dev v1 nud stale lladdr 02:00:00:00:00:08", "ip -s neigh show dev v1",
  "ip neigh get 10.0.0.2 dev v1", "ping -c 1 -W 1 10.0.0.2", "arping -c 1 -I v1 10.0.0.2", "ip neigh show nud reachable", "ip neigh flush all", "ip -4 neigh", "ip neigh add 10.0.0.9 dev v1 nud noarp",
  "ip rule add fwmark 1 table 100 pref 10", "ip rule del pref 10", "ip rule show", "ip rule add from 10.0.0.0/8 lookup 200", "ip rule add to 10.3.0.0/16 prohibit", "ip rule add iif v1 table 5 priority 300", "ip rule flush", "ip rule list table 200",
  "ip route add table 100 default via 10.0.0.2", "ip route show table 100", "ip route get 10.0.0.2 mark 1", "ip route flush table 100", "ip -s route get 10.0.0.2",
],
  netns: [
    "ip netns add n5", "ip netns del n5", "ip netns list", "ip netns exec n1 ip a", "ip -n n1 route", "ip -all netns exec ip -br l", "ip netns set n1 7",
    "ip netns list-id", "ip netns identify", "ip netns pids n1", "ip link set v2 netns n1", "ip -n n1 link set v2 netns n5", "ip netns exec n1 sysctl net.ipv4.ip_forward",
"ip -n n1 link show", "ip netns exec nosuch true", "ip netns set n1 auto", "ip netns exec n1 ping -c1 -W1 10.0.0.1",
  ],
  route: [
    "ip route add 10.9.0.0/16 via 10.0.0.2 dev v1 metric 5", "ip route get 10.9.1.1", "ip route get 10.0.0.2 from 10.0.0.1", "ip route get 127.0.0.1 oif v1", "ip route get 10.0.0.2 iif v1 from 10.0.0.3",
    "ip route add 10.8.0.0/24 dev v1 mtu 1300 advmss 1200", "ip route add 10.7.0.0/24 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.0.3", "ip route show cached", "ip route flush cache",
    "ip route add unreachable 10.6.0.0/24", "ip route add prohibit 10.5.0.0/24 metric 9", "ip route add throw 10.4.0.0/24", "ip route change 10.9.0.0/16 via 10.0.0.3", "ip route save > rt.save; ip route restore < rt.save",
    "ip route show table local", "ip route show proto kernel", "ip route show scope link", "ip route list exact 10.9.0.0/16", "ip route list root 10.0.0.0/8", "ip route del 10.9.0.0/16 table main",
    "ip -4 route show type unicast", "ip route add default via 10.0.0.2 src 10.0.0.1", "ip route replace 10.3.0.0/16 via 10.0.0.2 onlink", "ip -o route", "ip -j route show",
  ],
  ping: [
    "ping -c 1 -R 10.0.0.2", "ping -c 2 -i 0.2 -R 127.0.0.1", "ping -c 1 -T tsonly 127.0.0.1", "ping -c 1 -T tsandaddr 10.0.0.2", "ping -c 1 -T tsprespec 10.0.0.1 10.0.0.2",
    "ping -c 1 -s 1600 -M do 10.0.0.2", "ping -c 1 -t 1 -W 1 10.0.0.2", "ping -c 3 -i 0.2 -q -w 2 10.0.0.2", "ping -c 1 -p ff00 -s 20 10.0.0.2", "ping -c 1 -Q 16 -m 3 10.0.0.2",
    "ping -c 1 -n -I v1 10.0.0.2", "ping -c 1 -b 10.0.0.255", "ping -c 2 -f -l 2 10.0.0.2", "ping -c 1 -a -D -O 10.0.0.2", "ping -c 1 -B -U 10.0.0.2",
    "traceroute -n -q 1 -w 1 -m 3 10.0.0.2", "traceroute -n -I -q 1 -w 1 -m 2 127.0.0.1", "traceroute -n -q 1 -w 1 -g 10.0.0.2 127.0.0.1", "tracepath -n -m 2 10.0.0.2",
    "arping -c 1 -w 1 -I v1 10.0.0.2", "arping -c 1 -D -w 1 -I v1 10.0.0.1", "arping -c 1 -U -I v1 10.0.0.1", "arping -c 2 -A -w 1 -I v2 10.0.0.2",
  ],
  tcpdump: [
    "timeout 2 tcpdump -nv -l -i lo -c 2 icmp & sleep 0.3; ping -c 1 -R 127.0.0.1 >/dev/null; wait", "timeout 2 tcpdump -n -e -l -i v1 -c 1 arp & sleep 0.3; arping -c 1 -w 1 -I v2 10.0.0.1 >/dev/null; wait",
    "timeout 2 tcpdump -i lo -w f.pcap -c 2 & sleep 0.3; ping -c 1 127.0.0.1 >/dev/null; wait; tcpdump -nvr f.pcap",
    "timeout 2 tcpdump -nx -l -i lo -c 1 icmp & sleep 0.3; ping -c 1 -s 8 127.0.0.1 >/dev/null; wait", "timeout 2 tcpdump -nq -tttt -l -i v2 -c 1 & sleep 0.3; ping -c 1 -W 1 10.0.0.2 >/dev/null; wait",
    "timeout 2 tcpdump -nvvv -l -i lo -c 2 'icmp[icmptype] == icmp-echo' & sleep 0.3; ping -c 1 -T tsonly 127.0.0.1 >/dev/null; wait", "tcpdump -D", "tcpdump --list-time-stamp-types -i v1", "tcpdump -d -i v1 'ip and not udp port 53'",
  ],
  ip6: [
    "ip -6 addr add 2001:db8:1::1/64 dev v1 nodad", "ip -6 addr add 2001:db8:1::2/64 dev v2", "ip -6 addr del 2001:db8:1::1/64 dev v1", "ip -6 addr show dev v1",
    "ip -6 addr flush dev v2 scope global", "ip -6 route add 2001:db8:2::/64 via 2001:db8:1::2 dev v1", "ip -6 route add 2001:db8:3::/64 via fe80::1 dev v1 metric 7",
    "ip -6 route add 2001:db8:4::/64 via 2001:db8:9::1 dev v1 onlink", "ip -6 route add default via 2001:db8:1::2", "ip -6 route del 2001:db8:2::/64", "ip -6 route show",
    "ip -6 route add blackhole 2001:db8:5::/64", "ip -6 route add unreachable 2001:db8:6::/64 metric 9", "ip -6 route replace 2001:db8:2::/64 dev v1", "ip -6 route flush dev v1",
    "ip -6 route show table local", "ip -6 -d route", "ip -6 -o addr", "ip -6 -br addr", "ip -j -6 route", "route -6 -n", "route -6 add 2001:db8:7::/64 dev v1",
    "route -A inet6 add 2001:db8:8::/48 gw 2001:db8:1::2", "route -6 del 2001:db8:7::/64", "ifconfig v1 inet6 add 2001:db8:9::1/64", "ifconfig v1 inet6 del 2001:db8:9::1/64",
    "sysctl -w net.ipv6.conf.v1.disable_ipv6=1", "sysctl -w net.ipv6.conf.v1.disable_ipv6=0", "cat /proc/net/if_inet6", "cat /proc/net/ipv6_route", "netstat -6 -rn",
  ],
  links: [
    "ip link add mv1 link v1 type macvlan mode bridge", "ip link add link v1 name mv2 type macvlan mode private", "ip link set mv1 type macvlan mode vepa", "ip -d link show mv1",
    "ip link add mv3 link v1 type macvlan mode passthru", "ip link add mv4 link v1 type macvlan mode source macaddr add 02:00:00:00:00:44", "ip link set mv1 up", "ip addr add 10.0.5.1/24 dev mv1",
    "ip link add mvt1 link v1 type macvtap mode bridge", "ip link add vx1 type vxlan id 42 dstport 4789 dev v1 local 10.0.0.1", "ip link add vx2 type vxlan id 43 remote 10.0.0.2 dstport 0 ttl 5 tos inherit",
    "ip link add vx3 type vxlan vni 44 group 239.1.1.1 dev v1 dstport 4789 ageing 100 maxaddress 5", "ip -d link show vx1", "ip link set vx1 type vxlan learning off", "ip link set vx1 up",
    "bridge fdb add 00:00:00:00:00:00 dev vx1 dst 10.0.0.2", "bridge fdb append 00:00:00:00:00:00 dev vx1 dst 10.0.0.3 port 4790 vni 7", "bridge fdb show dev vx1", "bridge fdb del 00:00:00:00:00:00 dev vx1 dst 10.0.0.2",
    "ip tuntap add tap1 mode tap", "ip tuntap add tun1 mode tun user 0 group 0 multi_queue", "ip tuntap show", "ip tuntap del tap1 mode tap", "ip tuntap list", "ip -d link show tap1",
    "ip link add v3 type veth peer name v4 netns n1", "ip link add v5 mtu 1400 type veth peer v6 mtu 1500 address 02:00:00:00:00:66", "ip link add v7 numtxqueues 2 type veth", "ip -d link show v5",
    "ip link add br1 type bridge stp_state 1 forward_delay 400 vlan_filtering 1", "ip -d link show br1", "ip link set br1 type bridge priority 100 hello_time 300 max_age 1000", "ip link set mv1 master br1",
    "ip link del mv1", "ip link del vx1", "ip link set v1 down", "ip -br link", "ip link show type macvlan", "ip link show type vxlan", "ip -s -d link show vx1", "ip link set mv1 netns n1",
  ],
  mcast: [
    "ip link set v1 master br0", "ip link set br0 up", "ip link set br0 type bridge mcast_snooping 0", "ip link set br0 type bridge mcast_snooping 1", "ip link set br0 type bridge mcast_stats_enabled 1",
    "ip link add vx5 type vxlan id 5 group 239.5.5.5 dev v2 dstport 4789", "ip link set vx5 up", "ip link set vx5 down", "ip link add vx6 type vxlan id 6 group 239.5.5.5 dev v2 dstport 4789", "ip link set vx6 up",
    "bridge mdb show", "bridge -d -s mdb show", "bridge -j mdb show", "bridge mdb add dev br0 port v1 grp 239.1.2.3", "bridge mdb add dev br0 port v1 grp 239.1.2.4 permanent", "bridge mdb del dev br0 port v1 grp 239.1.2.3",
    "bridge mdb add dev br0 port br0 grp 239.1.2.5", "bridge mdb add dev br0 port v1 grp ff0e::1234", "bridge mdb add dev br0 port v1 grp 01:00:5e:11:22:33 permanent", "bridge mdb del dev br0 port br0 grp 239.1.2.5",
    "ip link xstats type bridge", "ip link xstats type bridge_slave dev v1", "ip link xstats type bridge igmp", "ip link xstats type veth", "ip -j link xstats type bridge_slave stp",
    "cat /proc/net/igmp", "ip maddr show dev v2", "sysctl -w net.ipv4.igmp_qrv=3", "sysctl -w net.ipv4.conf.v2.force_igmp_version=2", "sysctl net.ipv4.igmp_max_memberships", "sysctl -w net.ipv4.igmp_link_local_mcast_reports=0",
    "bridge link set dev v1 fastleave on", "ip link set v1 nomaster", "ip link set v1 down", "sleep 1", "ip -s link show br0", "ip -d link show vx5",
  ],
  xt: [
    "iptables -A INPUT -m connmark --mark 0x1/0xff -j ACCEPT", "iptables -A INPUT -m connbytes --connbytes 10:100 --connbytes-dir both --connbytes-mode packets -j ACCEPT",
    "iptables -A INPUT -p tcp --syn -m connlimit --connlimit-above 2 --connlimit-mask 24 -j REJECT", "iptables -A INPUT -m helper --helper ftp -j ACCEPT",
    "iptables -A INPUT -m pkttype --pkt-type broadcast -j DROP", "iptables -A INPUT -m statistic --mode nth --every 3 --packet 1 -j ACCEPT",
    "iptables -A INPUT -m quota --quota 1000 -j ACCEPT", "iptables -A INPUT -m dscp --dscp-class EF -j ACCEPT", "iptables -A INPUT -m tos --tos Minimize-Delay -j ACCEPT",
    "iptables -A OUTPUT -m owner --uid-owner 0 --gid-owner 0 -j ACCEPT", "iptables -A INPUT -p sctp --dport 80 --chunk-types any INIT -j DROP",
    "iptables -t mangle -A POSTROUTING -j DSCP --set-dscp 10", "iptables -t mangle -A PREROUTING -j TOS --set-tos 0x10/0x3f",
    "iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", "iptables -A INPUT -m recent --name bad --rcheck --seconds 60 --hitcount 2 -j DROP",
    "iptables -A INPUT -p tcp --dport 22 -m hashlimit --hashlimit-upto 3/sec --hashlimit-burst 5 --hashlimit-name ssh --hashlimit-mode srcip -j ACCEPT",
    "iptables -A INPUT -m string --string GET --algo bm --from 20 --to 100 -j DROP", "iptables -t nat -A PREROUTING -d 10.5.0.0/24 -j NETMAP --to 10.6.0.0/24",
    "iptables -t raw -A PREROUTING -m rpfilter --loose --invert -j DROP", "iptables -A INPUT -m u32 --u32 '0>>22&0x3C@8=0x8000000' -j ACCEPT",
    "iptables -A INPUT -p tcp -m ecn --ecn-tcp-cwr -j ACCEPT", "iptables -A INPUT -m devgroup --src-group 5/0xf -j ACCEPT", "iptables -A INPUT -m realm --realm 1/0xff -j ACCEPT",
    "iptables -A INPUT -m cpu --cpu 0 -j ACCEPT", "iptables -A INPUT -p esp -m esp --espspi 5:10 -j ACCEPT", "iptables -A INPUT -m policy --dir in --pol none -j ACCEPT",
    "iptables -A INPUT -m time --timestart 09:00 --timestop 17:00 --weekdays Mon,Tue -j ACCEPT", "iptables -A INPUT -m set --match-set foo src -j ACCEPT",
    "iptables -A INPUT -p tcp -m socket --transparent -j ACCEPT", "iptables -A OUTPUT -m cgroup --path / -j ACCEPT", "iptables -A INPUT -m bpf --bytecode '1,6 0 0 65535' -j ACCEPT",
    "iptables -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp", "iptables -t mangle -A POSTROUTING -p udp -j CHECKSUM --checksum-fill",
    "iptables -t mangle -A POSTROUTING -j CLASSIFY --set-class 1:10", "iptables -t mangle -A PREROUTING -j TEE --gateway 10.0.0.9",
    "iptables -A INPUT -j AUDIT --type drop", "iptables -t mangle -A PREROUTING -j HMARK --hmark-tuple src --hmark-mod 10 --hmark-rnd 1",
    "iptables -A INPUT -j IDLETIMER --timeout 10 --label foo", "iptables -A INPUT -m rateest --rateest a --rateest-bps1 10kbit --rateest-lt -j ACCEPT",
    "iptables -t mangle -A PREROUTING -p tcp -j TPROXY --on-port 80 --tproxy-mark 1", "iptables -S", "iptables -L -n -v", "iptables-save | grep -v '^#'", "iptables -F",
    "iptables -t mangle -S", "iptables -t nat -S", "iptables -t raw -S", "ping -c 1 -W 1 10.0.0.2", "cat /proc/net/xt_recent/bad", "conntrack -L",
  ],
  ss: [
    "ss -tuln", "ss -a", "ss -s", "ss -x", "ss -4 -n state listening", "ss -u -a", "nc -l -p 80 & sleep 0.1; ss -tlnp; kill %1", "ss -o state established", "ss -e", "ss -i", "ss -m",
    "nstat -az", "nstat -s", "netstat -tuln", "netstat -an", "netstat -s", "netstat -g", "ip maddr show", "ip maddr add 01:00:5e:00:00:09 dev v1", "ip maddr del 01:00:5e:00:00:09 dev v1", "ip -s maddr",
  ],
  nc: [
    "nc -l -p 80 & sleep 0.1; echo hi | nc -q 1 10.0.0.1 80; wait", "nc -zv 10.0.0.1 80", "nc -zv -w 1 10.0.0.1 20-23",
    "nc -u -l 5000 & sleep 0.1; echo x | nc -u -q 0 10.0.0.1 5000; sleep 0.1; kill %1", "nc -w 1 10.0.0.1 81", "nc -lk -p 82 & sleep 0.1; nc -z 10.0.0.1 82; kill %1",
    "nc -s 10.0.0.2 -p 4000 -w 1 10.0.0.1 83", "nc -4 -l 127.0.0.1 8080 & sleep 0.1; echo a | nc -N 127.0.0.1 8080; wait", "nc -n -v -w 1 10.0.0.2 84",
    "nc -l -u -p 5001 -w 1", "nc -I 1024 -O 1024 -w 1 127.0.0.1 85", "nc -T lowdelay -w 1 127.0.0.1 86", "nc -z -u 10.0.0.1 53", "nc -h",
  ],
  shell: [
    "printf 'b\\na\\nb\\n' > t1", "sort t1", "sort -r -u t1", "uniq -c t1", "head -n 2 t1", "tail -n 1 t1", "tail -c 3 t1", "wc -l t1", "wc -c t1 t1", "cut -c1 t1",
    "grep -c b t1", "grep -n a t1", "grep -v a t1", "sed -n 2p t1", "sed s/b/c/ t1", "awk '{print NR, $1}' t1", "tr a-z A-Z < t1", "cat -n t1", "tee t2 < t1", "cat t1 t2",
    "touch t3", "rm t3", "mkdir d1", "rmdir d1", "cp t1 t4", "mv t4 t5", "ls", "ls -l t1", "echo x > t1", "echo y >> t1", "cat < t1", "head -c 2 t1", "od -c t1", "xargs echo < t1",
    "cat /proc/sys/net/ipv4/ip_forward", "grep . /proc/sys/net/ipv4/conf/v1/forwarding", "wc -l /proc/net/dev", "head -n1 /proc/net/route", "sed -n 1p /sys/class/net/v1/mtu",
  ],
  ebt: [
    "ebtables -L", "ebtables -L --Lc", "ebtables -L --Ln", "ebtables -L --Lx", "ebtables -L --Lmac2", "ebtables -t nat -L", "ebtables -t broute -L", "ebtables -F", "ebtables -Z",
    "ebtables -A FORWARD -p ARP -j DROP", "ebtables -A INPUT -s 02:00:00:00:00:01 -j ACCEPT", "ebtables -P FORWARD DROP", "ebtables -N chain1", "ebtables -X chain1", "ebtables -E chain1 chain2",
    "ebtables -D FORWARD 1", "ebtables -I FORWARD 1 -i v1 -j ACCEPT", "ebtables -A FORWARD -p IPv4 --ip-src 10.0.0.1 -j DROP", "ebtables -A FORWARD -p IPv4 --ip-proto icmp -j ACCEPT",
    "ebtables -t nat -A PREROUTING -d 02:00:00:00:00:02 -j dnat --to-dst 02:00:00:00:00:03", "ebtables -t nat -A POSTROUTING -s 02:00:00:00:00:02 -j snat --to-src 02:00:00:00:00:04",
    "ebtables -A FORWARD --log-level info --log-prefix x -j ACCEPT", "ebtables -A FORWARD -p 802_1Q --vlan-id 10 -j DROP", "ebtables -A FORWARD -p ARP --arp-op Request --arp-ip-dst 10.0.0.2 -j ACCEPT",
    "ebtables -A FORWARD --pkttype-type broadcast -j DROP", "ebtables -A FORWARD --mark 0x1/0xff -j ACCEPT", "ebtables -A FORWARD -j mark --mark-set 0x5 --mark-target CONTINUE",
    "ebtables -A FORWARD -p IPv4 --ip-proto udp --ip-dport 53 -j DROP", "ebtables -A FORWARD --limit 5/second --limit-burst 2 -j ACCEPT", "ebtables -A FORWARD -d Multicast -j DROP",
    "ebtables -A OUTPUT -o v1 -j ACCEPT", "ebtables -A FORWARD --among-dst 02:00:00:00:00:02 -j DROP", "ebtables -A FORWARD -p IPv6 --ip6-src ::1 -j DROP", "ebtables -t nat -A PREROUTING -j redirect",
    "ebtables -C FORWARD -p ARP -j DROP", "ebtables -S", "ebtables-save", "ebtables -L FORWARD", "ebtables -A FORWARD -p 0x0806 -j CONTINUE", "ebtables -A chain1 -j RETURN", "ebtables -P chain1 ACCEPT",
  ],
  vxlan: [
    "ip link add vx1 type vxlan id 5 dstport 4789 dev v1 remote 10.0.0.2", "ip link add vx2 type vxlan id 6 dstport 4789 proxy l2miss l3miss rsc",
    "ip link add vx3 type vxlan external dstport 6000", "ip link add vx4 type vxlan id 7 dstport 4789 gbp", "ip link add vx5 type vxlan external gpe",
    "ip link add vx6 type vxlan id 8 dstport 4789 ttl inherit tos inherit", "ip link add vx7 type vxlan id 9 group 239.1.1.1 dev v1 dstport 4789",
    "ip link add vx8 type vxlan id 10 dstport 4789 nolearning ageing 5 maxaddress 3", "ip link add vx9 type vxlan id 11 dstport 0 srcport 1000 2000 noudpcsum",
    "ip link set vx1 up", "ip link set vx2 up", "ip link set vx3 up", "ip link set vx4 up", "ip link set vx1 mtu 1400", "ip link set vx1 type vxlan ttl 10 tos 0x10",
    "ip link set vx1 type vxlan learning", "ip link set vx1 type vxlan noproxy", "ip link set vx1 type vxlan remote 10.0.0.3", "ip link set vx1 type vxlan ageing 0",
    "ip -d link show vx1", "ip -d link show type vxlan", "ip -j -d link show vx2", "ip link del vx1", "ip addr add 10.9.0.1/24 dev vx1",
    "bridge fdb add 02:00:00:00:00:11 dev vx1 dst 10.0.0.2", "bridge fdb append 00:00:00:00:00:00 dev vx1 dst 10.0.0.3", "bridge fdb show dev vx1",
    "bridge fdb del 02:00:00:00:00:11 dev vx1", "bridge fdb replace 02:00:00:00:00:11 dev vx1 dst 10.0.0.4 dynamic", "bridge -s fdb show dev vx1",
    "ip link set vx1 master br0", "ip neigh add 10.9.0.5 lladdr 02:00:00:00:00:55 dev vx1", "arping -c 1 -w 1 -I vx1 10.9.0.5 | tail -2",
    "ping -c 1 -W 1 10.9.0.2", "ip -s link show vx1", "ethtool -i vx1", "ethtool vx1",
  ],
  ethtool: [
    "ethtool -S v1", "ethtool -i v1", "ethtool v1", "ethtool -k v1", "ethtool -K v1 tso off", "ethtool -K v1 rx off tx off", "ethtool -l v1", "ethtool -L v1 rx 2",
    "ethtool -s v1 speed 100 duplex full", "ethtool -g v1", "ethtool -P v1", "ethtool --show-features v1", "ethtool -c v1", "ethtool -a v1", "ethtool -T v1",
    "ethtool --version", "ethtool -S br0", "ethtool -i lo", "ethtool -k br0", "ethtool --statistics v2", "ethtool -G v1 rx 10", "ethtool -r v1", "ethtool -p v1 1",
  ],
};
const weird: string[] = ["", "-", "--", "x", "999999999999", "-1", "0x", "1.2.3.4/33", "ff:ff", "dev", "lo", "v1", "v2", "br0", "n1", "10.0.0.256", "0/0", "default", "all", "help", "+", "0", "65536", "::1", "255.255.255.255", "nosuch", "up", "down", "on", "off", "10.0.0.3", "1", "2", "4294967295", "-4", "-6", "-s", "-d", "table", "via", "show", "add", "del", "02:00:00:00:00:aa", "0.0.0.0"];
const list = fam === "all" ? Object.values(T).flat() : T[fam];
if (!list) {
  process.stderr.write(`genlab: no family ${fam} (${Object.keys(T).join(", ")}, all)\n`);
  process.exit(2);
}
const out = [
  `# differential fuzz seed ${seed0} (${fam})`, "#% host h1", "@h1 ip link add v1 type veth peer name v2", "ip link add br0 type bridge",
  "ip netns add n1", "ip link set lo up", "ip link set v1 up", "ip link set v2 up", "ip addr add 10.0.0.1/24 dev v1", "ip addr add 10.0.0.2/24 dev v2",
];
for (let i = 0; i < count; i++) {
  const toks = list[rnd(list.length)]!.split(" ");
  const m = rnd(3);
  for (let k = 0; k < m; k++) {
    const op = rnd(4);
    const at = Math.min(toks.length, 2 + rnd(Math.max(1, toks.length - 1)));
    const w = weird[rnd(weird.length)]!;
    const q = w === "" ? "''" : w;
    if (op === 0) toks.splice(at, 1);
    else if (op === 1) toks.splice(at, 0, q);
    else if (op === 2 && at < toks.length) toks[at] = q;
    else toks.splice(at, 0, toks[at - 1]!);
  }
  const line = toks.join(" ");
  // never a process id after `netns` or `attach`: labtool's sandbox has no pid namespace, so
  // pid 1 is the machine's own init and `ip link set DEV netns 1` would move DEV into the
  // machine's network namespace
  if (/\b(netns|attach)\b.*\s\d+(\s|$)/.test(line) && /\b(link|attach)\b/.test(line)) {
    i--;
    continue;
  }
  out.push(line);
}
process.stdout.write(out.join("\n") + "\n");
