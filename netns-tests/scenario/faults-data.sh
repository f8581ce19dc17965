#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data-phase faults: the IPv6 handshake succeeds, and what follows is broken
# or slow (seed ch. 5 and 6). Sourced by faults.sh, the catalog; measured
# with `v6fix connect --transfer BYTES` and curl downloading the same URL
# (the server sends BYTES bytes for GET /BYTES).
#
#   pmtu_blackhole PROBING  IPv6 packets from the server toward the client
#                           meet a 1,280-byte hop at the router, whose Packet
#                           Too Big messages nftables drops; the server (the
#                           sender of a download) runs tcp_mtu_probing
#                           PROBING: 0 the transfer stalls once segments
#                           exceed 1,280 bytes (never completes), 1 black-hole
#                           detection after tcp_retries1 (3) RTOs falls back
#                           to tcp_base_mss (1024), 2 probing from the start
#   slow_tunnel FAMILY      IPv6 between router and server runs through a
#                           real tunnel (sit where the kernel has it, else
#                           VXLAN over IPv4) with a 1,280-byte MTU and
#                           DATA_TUNNEL_DELAY ms more each way; IPv4 native.
#                           FAMILY 6: the clients choose (Happy Eyeballs
#                           picks IPv6, it answers within the Connection
#                           Attempt Delay); 4: the same path measured over
#                           IPv4 (matrix-cell passes -4), the reference
#
# Why the narrow hop of pmtu_blackhole is a route MTU on the router's link
# toward the client and not an interface MTU: an endpoint that owns the
# narrow link knows it (its MSS or the client's advertised MSS shrinks, and
# nothing is ever too big), and a veth whose two ends disagree drops
# oversized frames without any ICMP. A hop that neither end sees is what a
# PMTU black hole needs; the router's route MTU makes exactly that hop.

FAULTS+=(
	"pmtu_blackhole 0" "pmtu_blackhole 1" "pmtu_blackhole 2"
	"slow_tunnel 6" "slow_tunnel 4"
)
# Faults whose outcome is the data phase: matrix-cell measures them with a
# transfer, on the host only (the module's policies do not act after the
# handshake).
FAULTS_DATA=(pmtu_blackhole slow_tunnel)

DATA_PMTU_MTU=1280
DATA_TUNNEL_MTU=1280
DATA_TUNNEL_DELAY=${DATA_TUNNEL_DELAY:-40}	# ms each way, on top of the path delay
DATA_TUNNEL_QUEUE=1
DATA_TUNNEL_MECH=none
DATA_TUNNEL_PID=

# fault_pmtu_blackhole [PROBING]
fault_pmtu_blackhole() {
	local probing=${1:-0}
	__fault_code fault_pmtu_blackhole "$probing" 2 || return
	ip -n "$ROUTER" -6 route replace 2001:db8:1::/64 dev eth-c proto kernel metric 256 \
		mtu "$DATA_PMTU_MTU" || return
	__fault_nft "$ROUTER" "
		table inet v6fix_fault {
			chain output {
				type filter hook output priority filter;
				icmpv6 type packet-too-big drop
			}
		}" || return
	topo_sysctl "$SERVER" "net.ipv4.tcp_mtu_probing=$probing" net.ipv4.tcp_no_metrics_save=1
}

# fault_slow_tunnel [FAMILY]: FAMILY only tells matrix-cell what to measure.
fault_slow_tunnel() {
	local family=${1:-6} me=$BASHPID
	case "$family" in 4|6) ;; *) echo "fault_slow_tunnel: bad family '$family' (4 or 6)" >&2; return 2 ;; esac
	# The /64 of the router-server link moves from the veth to the tunnel.
	ip -n "$ROUTER" -6 addr del "$TOPO_RTR6_S/64" dev eth-s || return
	ip -n "$SERVER" -6 addr del "$TOPO_SRV6/64" dev eth0 || return
	if __data_tunnel sit 2>/dev/null; then
		DATA_TUNNEL_MECH=sit
	else
		ip -n "$ROUTER" link del v6tun 2>/dev/null
		ip -n "$SERVER" link del v6tun 2>/dev/null
		__data_tunnel vxlan || { echo "fault_slow_tunnel: no sit and no vxlan here" >&2; return 1; }
		DATA_TUNNEL_MECH=vxlan
	fi
	ip -n "$ROUTER" -batch - <<-EOF || return
		link set v6tun mtu $DATA_TUNNEL_MTU up
		addr add $TOPO_RTR6_S/64 dev v6tun nodad
	EOF
	ip -n "$SERVER" -batch - <<-EOF || return
		link set v6tun mtu $DATA_TUNNEL_MTU up
		addr add $TOPO_SRV6/64 dev v6tun nodad
		route replace default via $TOPO_RTR6_S dev v6tun
	EOF
	if [ $DATA_TUNNEL_MECH = vxlan ]; then
		# Static neighbours, as on the veths: no ND blurs the first RTT.
		ip -n "$ROUTER" neigh replace "$TOPO_SRV6" lladdr 02:76:36:00:06:02 dev v6tun nud permanent &&
		ip -n "$SERVER" neigh replace "$TOPO_RTR6_S" lladdr 02:76:36:00:06:01 dev v6tun nud permanent ||
			return
	fi
	[ "$DATA_TUNNEL_DELAY" != 0 ] || return 0
	# The tunnel's own delay: netem on both ends of the tunnel where the
	# kernel has it (the VM), else a second delay line on its own queue, in
	# mangle (after the path delay of raw): IPv6 from the client before it
	# is encapsulated, the tunnel's outer packets from the server. Inner
	# packets coming out of the tunnel skip the path delay (their outer
	# packet had it): every direction gets D + DATA_TUNNEL_DELAY once.
	if tc -n "$ROUTER" qdisc replace dev v6tun root netem delay "${DATA_TUNNEL_DELAY}ms" limit 10000 \
		2>/dev/null; then
		tc -n "$SERVER" qdisc replace dev v6tun root netem delay "${DATA_TUNNEL_DELAY}ms" limit 10000
		return
	fi
	DATA_TUNNEL_PID=$("$V6FIX" -n "$ROUTER" delayline --daemon --exit-with "$me" \
		--queue "$DATA_TUNNEL_QUEUE" "$DATA_TUNNEL_DELAY") ||
		{ echo "fault_slow_tunnel: cannot start the delay line" >&2; return 1; }
	local outer="-p 41"
	[ $DATA_TUNNEL_MECH = sit ] || outer="-p udp --dport 4789"
	nsenter --net="/run/netns/$ROUTER" sh -c "
		ip6tables -w -t raw -I PREROUTING -i v6tun -j ACCEPT &&
		ip6tables -w -t mangle -A PREROUTING -i eth-c -j NFQUEUE --queue-num $DATA_TUNNEL_QUEUE &&
		iptables -w -t mangle -A PREROUTING -i eth-s $outer -j NFQUEUE --queue-num $DATA_TUNNEL_QUEUE"
}

# __data_tunnel sit|vxlan: the tunnel device v6tun at both ends of the
# router-server link, over its IPv4 addresses.
__data_tunnel() {
	case "$1" in
	sit)
		ip -n "$ROUTER" link add v6tun type sit local "$TOPO_RTR4_S" remote "$TOPO_SRV4" ttl 64 &&
		ip -n "$SERVER" link add v6tun type sit local "$TOPO_SRV4" remote "$TOPO_RTR4_S" ttl 64
		;;
	vxlan)
		ip -n "$ROUTER" link add v6tun address 02:76:36:00:06:01 type vxlan id 6 \
			local "$TOPO_RTR4_S" remote "$TOPO_SRV4" dstport 4789 dev eth-s &&
		ip -n "$SERVER" link add v6tun address 02:76:36:00:06:02 type vxlan id 6 \
			local "$TOPO_SRV4" remote "$TOPO_RTR4_S" dstport 4789 dev eth0
		;;
	esac
}
