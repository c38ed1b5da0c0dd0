# ping -f -c 1000000 -q from a namespace through a router namespace that MASQUERADEs and
# has 1000 non-matching FORWARD rules, to a namespace behind it (issue #3's bench)
ip netns add c
ip netns add r
ip netns add s
ip link add c0 netns c type veth peer name r0 netns r
ip link add s0 netns s type veth peer name r1 netns r
ip -n c addr add 10.1.0.2/24 dev c0
ip -n r addr add 10.1.0.1/24 dev r0
ip -n r addr add 10.2.0.1/24 dev r1
ip -n s addr add 10.2.0.2/24 dev s0
for n in c r s; do ip -n $n link set lo up; done
ip -n c link set c0 up; ip -n s link set s0 up; ip -n r link set r0 up; ip -n r link set r1 up
ip -n c route add default via 10.1.0.1
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip netns exec r iptables -t nat -A POSTROUTING -o r1 -j MASQUERADE
{ echo "*filter"; for i in $(seq 1 1000); do echo "-A FORWARD -s 192.168.$((i / 250)).$((i % 250 + 1))/32 -p udp --dport $i -j DROP"; done; echo COMMIT; } | ip netns exec r iptables-restore --noflush
ip netns exec c ping -f -c 1000000 -q 10.2.0.2
