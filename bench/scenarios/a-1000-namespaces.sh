# 1000 namespaces, each with a veth into one bridge and an address, then one ping
ip link add br0 type bridge
ip link set br0 up
for i in $(seq 1 1000); do
  ip netns add n$i
  ip link add v$i type veth peer name eth0 netns n$i
  ip link set v$i master br0 up
  ip -n n$i addr add 10.0.$((i / 250)).$((i % 250 + 1))/16 dev eth0
  ip -n n$i link set eth0 up
done
ip netns exec n1 ping -c1 -W1 -q 10.0.4.1
