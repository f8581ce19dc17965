#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test topology of v6fix: a dual-stack client reaches a server through a
# router, on documentation prefixes (RFC 3849, RFC 5737).
#
#   $CLIENT                   $ROUTER                          $SERVER
#  +----------------+       +--------------------------------+       +----------------+
#  | eth0           |-------| eth-c                    eth-s |-------| eth0           |
#  | 2001:db8:1::2  | veth  | 2001:db8:1::1    2001:db8:2::1 | veth  | 2001:db8:2::2  |
#  | 192.0.2.2/26   |       | 192.0.2.1/26     192.0.2.129/26|       | 192.0.2.130/26 |
#  +----------------+       |  forwarding, faults (nft),     |       |  v6fix serve   |
#   /etc/netns/$CLIENT/     |  path delay: D each way        |       |  :80 (both     |
#   hosts: server.v6fix.test|  (netem, or NFQUEUE+delayline) |       |  families)     |
#   -> both server addrs    +--------------------------------+       +----------------+
#
# Every packet the router forwards is delayed by D ms, so RTT = 2 D, and an
# error the router sends reaches the client D ms after the SYN left it.
# Neighbour entries between the three are static: no ND or ARP traffic
# blurs a measurement (the on-link fault still resolves the server's
# address, which is not on the client's link, and fails).
#
# Usage (after sourcing lib.sh):
#   topo_setup [DELAY_MS]    build it; sets CLIENT ROUTER SERVER (namespace
#                            names, unique), starts the server, applies the
#                            delay; everything is removed at exit (defer)
#   topo_delay MS [MECH]     path delay at the router: MECH auto (default:
#                            netem if the kernel has it, else nfqueue), netem,
#                            nfqueue; sets TOPO_DELAY_MECH and says which
#   topo_serve [-4|-6|ARGS]  (re)start the server, both families by default;
#                            ARGS go to v6fix serve (e.g. --design D, see
#                            servers.sh); with TOPO_SERVER_LOG set, the
#                            server appends a JSON line per connection there
#   topo_connect ARGS...     v6fix -n $CLIENT connect ARGS... server.v6fix.test 80
#   topo_sysctl NS KEY=VAL.. sysctls inside namespace NS
#   topo_teardown            remove it now (idempotent)
#
# Runners that build many topologies in parallel run each in its own bash
# process (or a subshell that calls topo_teardown itself: subshells do not
# inherit the EXIT trap). Helpers started here (server, delay line) are
# started with --exit-with $BASHPID and so never outlive that process, even
# when it is killed with SIGKILL (no pid is killed from a deferred command:
# a pid could be reused by then).

TOPO_HOST=server.v6fix.test
TOPO_PORT=80
TOPO_CLI6=2001:db8:1::2
TOPO_CLI4=192.0.2.2
TOPO_RTR6_C=2001:db8:1::1
TOPO_RTR4_C=192.0.2.1
TOPO_RTR6_S=2001:db8:2::1
TOPO_RTR4_S=192.0.2.129
TOPO_SRV6=2001:db8:2::2
TOPO_SRV4=192.0.2.130
# Fixed MACs, so neighbour entries can be static.
TOPO_MAC_CLI=02:76:36:00:01:02
TOPO_MAC_RTR_C=02:76:36:00:01:01
TOPO_MAC_RTR_S=02:76:36:00:02:01
TOPO_MAC_SRV=02:76:36:00:02:02
# The router's NFQUEUE for the delay line.
TOPO_QUEUE=0

TOPO_DELAY_MS=0
TOPO_DELAY_MECH=none
TOPO_SERVER_PID=
TOPO_DELAY_PID=
CLIENT= ROUTER= SERVER=

# A unique suffix without forking mktemp: setup time matters to the matrix.
__topo_suffix() {
	printf '%06x' $((SRANDOM & 0xffffff))
}

# topo_setup [DELAY_MS]
topo_setup() {
	local delay=${1:-0} sfx try
	CLIENT= ROUTER= SERVER=
	for try in 1 2 3 4 5; do
		sfx=$(__topo_suffix)
		[ -e "/run/netns/v6fix-client-$sfx" ] || [ -e "/run/netns/v6fix-router-$sfx" ] ||
			[ -e "/run/netns/v6fix-server-$sfx" ] || break
		sfx=
	done
	[ -n "$sfx" ] || { echo "topo: no free namespace names" >&2; return 1; }
	# Removed at exit even if only some of them could be made.
	defer __topo_remove "v6fix-client-$sfx" "v6fix-router-$sfx" "v6fix-server-$sfx"
	ip -batch - <<-EOF || { echo "topo: cannot create namespaces" >&2; return 1; }
		netns add v6fix-client-$sfx
		netns add v6fix-router-$sfx
		netns add v6fix-server-$sfx
	EOF
	CLIENT=v6fix-client-$sfx ROUTER=v6fix-router-$sfx SERVER=v6fix-server-$sfx
	NS_LIST+=("$CLIENT" "$ROUTER" "$SERVER")

	# Addresses are added nodad: usable at once, no DAD wait.
	ip -n "$CLIENT" -batch - <<-EOF || return 1
		link set lo up
		link add eth0 address $TOPO_MAC_CLI type veth peer name eth-c address $TOPO_MAC_RTR_C netns $ROUTER
		addr add $TOPO_CLI6/64 dev eth0 nodad
		addr add $TOPO_CLI4/26 dev eth0
		link set eth0 up
		route add default via $TOPO_RTR6_C dev eth0
		route add default via $TOPO_RTR4_C dev eth0
		neigh replace $TOPO_RTR6_C lladdr $TOPO_MAC_RTR_C dev eth0 nud permanent
		neigh replace $TOPO_RTR4_C lladdr $TOPO_MAC_RTR_C dev eth0 nud permanent
	EOF
	ip -n "$SERVER" -batch - <<-EOF || return 1
		link set lo up
		link add eth0 address $TOPO_MAC_SRV type veth peer name eth-s address $TOPO_MAC_RTR_S netns $ROUTER
		addr add $TOPO_SRV6/64 dev eth0 nodad
		addr add $TOPO_SRV4/26 dev eth0
		link set eth0 up
		route add default via $TOPO_RTR6_S dev eth0
		route add default via $TOPO_RTR4_S dev eth0
		neigh replace $TOPO_RTR6_S lladdr $TOPO_MAC_RTR_S dev eth0 nud permanent
		neigh replace $TOPO_RTR4_S lladdr $TOPO_MAC_RTR_S dev eth0 nud permanent
	EOF
	ip -n "$ROUTER" -batch - <<-EOF || return 1
		link set lo up
		addr add $TOPO_RTR6_C/64 dev eth-c nodad
		addr add $TOPO_RTR4_C/26 dev eth-c
		addr add $TOPO_RTR6_S/64 dev eth-s nodad
		addr add $TOPO_RTR4_S/26 dev eth-s
		link set eth-c up
		link set eth-s up
		neigh replace $TOPO_CLI6 lladdr $TOPO_MAC_CLI dev eth-c nud permanent
		neigh replace $TOPO_CLI4 lladdr $TOPO_MAC_CLI dev eth-c nud permanent
		neigh replace $TOPO_SRV6 lladdr $TOPO_MAC_SRV dev eth-s nud permanent
		neigh replace $TOPO_SRV4 lladdr $TOPO_MAC_SRV dev eth-s nud permanent
	EOF
	# No ICMP rate limit at the router: a cell sends dozens of errors to
	# one client within seconds, and a limited one would turn into a silent
	# drop (ICMPv6 allows a burst of 6 per 250 ms for a /64 by default).
	topo_sysctl "$ROUTER" net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1 \
		net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_ratelimit=0 || return 1

	# The client resolves the server's name through its own hosts file.
	mkdir -p "/etc/netns/$CLIENT" || return 1
	printf '%s\n' "127.0.0.1 localhost" "::1 localhost ip6-localhost" \
		"$TOPO_SRV6 $TOPO_HOST" "$TOPO_SRV4 $TOPO_HOST" >"/etc/netns/$CLIENT/hosts" || return 1

	topo_serve || return 1
	TOPO_DELAY_MS=0 TOPO_DELAY_MECH=none TOPO_DELAY_PID=
	if [ "$delay" != 0 ]; then
		topo_delay "$delay" || return 1
	fi
}

# topo_sysctl NS KEY=VALUE...: set sysctls inside namespace NS (nsenter:
# cheaper than ip netns exec, and /proc/sys/net needs only the netns).
topo_sysctl() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" sysctl -qw "$@" >/dev/null
}

# topo_serve [-4|-6]: (re)start the server; both families by default.
topo_serve() {
	local me=$BASHPID	# this shell, not the $(...) below
	[ -z "$TOPO_SERVER_PID" ] || kill "$TOPO_SERVER_PID" 2>/dev/null
	TOPO_SERVER_PID=$("$V6FIX" -n "$SERVER" serve --daemon --exit-with "$me" \
		${TOPO_SERVER_LOG:+--log "$TOPO_SERVER_LOG"} "$@" "$TOPO_PORT") ||
		{ echo "topo: cannot start the server" >&2; return 1; }
}

# topo_delay MS [auto|netem|nfqueue]: delay every packet the router forwards
# by MS each way (0 removes the delay). Says on stderr which mechanism it
# used and sets TOPO_DELAY_MECH (netem, nfqueue or none).
topo_delay() {
	local ms=$1 mech=${2:-auto}
	[[ $ms =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "topo_delay: bad delay '$ms'" >&2; return 2; }
	[ "$TOPO_DELAY_MECH" = none ] || __topo_delay_off
	TOPO_DELAY_MS=0
	TOPO_DELAY_MECH=none
	[ "$ms" != 0 ] || return 0
	case "$mech" in
	auto)
		# Whether the kernel has netem is asked once per process.
		if [ "${TOPO_HAVE_NETEM:-}" != 0 ] && __topo_netem "$ms" 2>/dev/null; then
			TOPO_HAVE_NETEM=1
			mech=netem
		else
			[ "${TOPO_HAVE_NETEM:-}" = 0 ] || __topo_delay_off
			TOPO_HAVE_NETEM=0
			__topo_nfqueue "$ms" || return 1
			mech=nfqueue
		fi
		;;
	netem) __topo_netem "$ms" || { echo "topo: no netem here" >&2; __topo_delay_off; return 1; } ;;
	nfqueue) __topo_nfqueue "$ms" || return 1 ;;
	*) echo "topo_delay: unknown mechanism '$mech'" >&2; return 2 ;;
	esac
	TOPO_DELAY_MS=$ms
	TOPO_DELAY_MECH=$mech
	echo "topo: path delay ${ms} ms each way at the router via $mech" >&2
}

# One tc run for both links: in the VM every exec costs ~0.1 s under TCG.
__topo_netem() {
	tc -n "$ROUTER" -batch - <<-EOF
		qdisc replace dev eth-c root netem delay ${1}ms limit 10000
		qdisc replace dev eth-s root netem delay ${1}ms limit 10000
	EOF
}

# NFQUEUE in the router's raw PREROUTING: every packet entering the router,
# from either side, waits in v6fix delayline. Router-made ICMP errors are
# not delayed, but the SYN that causes them was: both ways, the same D.
__topo_nfqueue() {
	local me=$BASHPID	# this shell, not the $(...) below
	TOPO_DELAY_PID=$("$V6FIX" -n "$ROUTER" delayline --daemon --exit-with "$me" \
		--queue "$TOPO_QUEUE" "$1") || { echo "topo: cannot start the delay line" >&2; return 1; }
	nsenter --net="/run/netns/$ROUTER" sh -c "
		iptables -w -t raw -A PREROUTING -j NFQUEUE --queue-num $TOPO_QUEUE &&
		ip6tables -w -t raw -A PREROUTING -j NFQUEUE --queue-num $TOPO_QUEUE"
}

__topo_delay_off() {
	tc -n "$ROUTER" -force -batch - 2>/dev/null <<-EOF
		qdisc del dev eth-c root
		qdisc del dev eth-s root
	EOF
	if [ -n "$TOPO_DELAY_PID" ]; then
		nsenter --net="/run/netns/$ROUTER" sh -c '
			iptables -w -t raw -F PREROUTING; ip6tables -w -t raw -F PREROUTING' 2>/dev/null
		kill "$TOPO_DELAY_PID" 2>/dev/null
		TOPO_DELAY_PID=
	fi
	return 0
}

# topo_connect ARGS...: v6fix connect from the client to the server's name.
topo_connect() {
	"$V6FIX" -n "$CLIENT" connect "$@" "$TOPO_HOST" "$TOPO_PORT"
}

# __topo_remove NS...: delete the namespaces and their /etc/netns entries,
# with one ip(8) run and no rm for what does not exist (teardown time
# counts: the matrix builds hundreds of topologies).
__topo_remove() {
	local ns batch=
	for ns in "$@"; do
		[ ! -e "/run/netns/$ns" ] || batch+="netns del $ns"$'\n'
	done
	[ -z "$batch" ] || ip -force -batch - <<<"$batch" 2>/dev/null
	for ns in "$@"; do
		[ ! -e "/etc/netns/$ns" ] || rm -rf "/etc/netns/$ns"
	done
	return 0
}

# topo_teardown: remove the current topology now (also done at exit).
topo_teardown() {
	[ -n "$CLIENT" ] || return 0
	[ -z "$TOPO_SERVER_PID" ] || kill "$TOPO_SERVER_PID" 2>/dev/null
	[ -z "$TOPO_DELAY_PID" ] || kill "$TOPO_DELAY_PID" 2>/dev/null
	__topo_remove "$CLIENT" "$ROUTER" "$SERVER"
	CLIENT= ROUTER= SERVER= TOPO_SERVER_PID= TOPO_DELAY_PID=
	TOPO_DELAY_MS=0 TOPO_DELAY_MECH=none
}
