# ping -f -c 1000000 -q between two namespaces across a bridge
ip link add br0 type bridge
ip link set br0 up
for i in 1 2; do
  ip netns add n$i
  ip link add v$i type veth peer name eth0 netns n$i
  ip link set v$i master br0 up
  ip -n n$i addr add 10.0.0.$i/24 dev eth0
  ip -n n$i link set eth0 up
done
ip netns exec n1 ping -f -c 1000000 -q 10.0.0.2
