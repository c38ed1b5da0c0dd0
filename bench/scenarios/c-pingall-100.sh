# 100 namespaces on one bridge; every namespace pings every other once (9,900 pings)
ip link add br0 type bridge
ip link set br0 up
for i in $(seq 1 100); do
  ip netns add n$i
  ip link add v$i type veth peer name eth0 netns n$i
  ip link set v$i master br0 up
  ip -n n$i addr add 10.0.0.$i/24 dev eth0
  ip -n n$i link set eth0 up
done
ok=0; fail=0
for i in $(seq 1 100); do
  for j in $(seq 1 100); do
    [ $i -eq $j ] && continue
    if ip netns exec n$i ping -c1 -W1 -q 10.0.0.$j >/dev/null; then ok=$((ok + 1)); else fail=$((fail + 1)); fi
  done
done
echo "pings ok=$ok failed=$fail"
