#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared by the soft-error tests (netns-tests/vm-softerr*.sh) and
# scripts/bench-softerr: v6fix.ko loaded, and a small dual-stack topology
# whose router answers SYNs with ICMP errors chosen by destination port.
#
#   $c1  eth0 fd00:1::2 10.0.1.2 ---\  netem 10 ms on both ends of each
#                                    \ client link (RTT to $r: ~20 ms)
#  ($c2  eth0 fd00:3::2 10.0.3.2) ----- $r (forwarding) --- $s  eth0
#                                                           fd00:2::2
#                                                           10.0.2.2
# $r, forward chain, for packets to $s (PORT = 1000 + ICMP code):
#   IPv6: tcp 1000..1004 -> reject, ICMPv6 Destination Unreachable code 0..4
#   IPv4: tcp 1000, 1001, 1003, 1005, 1013 -> ICMP Destination Unreachable
#         code 0, 1, 3, 5, 13
#   tcp 2000-2009 -> dropped silently (a black hole)
# A SYN sent with hop limit / TTL 1 gets Time Exceeded from $r. IPv6 port 9
# is rejected like 1000: monitor_start's probe.
# $s runs an echo server on port 80 (softerr_start_server).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELPER=$TOP/netns-tests/tools/softerr-helper.py
V6_S=fd00:2::2 V4_S=10.0.2.2
V6_C1=fd00:1::2 V4_C1=10.0.1.2
V6_C2=fd00:3::2 V4_C2=10.0.3.2
V6_R1=fd00:1::1 V4_R1=10.0.1.1

TMPDIR_SOFTERR=$(mktemp -d)
defer rm -rf "$TMPDIR_SOFTERR"

# Under TCG every process start costs, ip netns exec (a mount namespace and
# a sysfs remount) most: enter only the network namespace, batch commands.
nsx() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

helper() {
	python3 -I -S "$HELPER" "$@"
}

# helper_in NS ARGS...: the helper inside a namespace.
helper_in() {
	local ns=$1
	shift
	nsx "$ns" python3 -I -S "$HELPER" "$@"
}

# bg_in NS OUT CMD...: CMD in NS in the background, its output to the file
# OUT, killed at exit; its pid in $BG_PID. Started from here, not from a
# backgrounded function: that would leave $! the pid of a subshell, and a
# kill would orphan CMD, which would then hold the test's output open.
bg_in() {
	local ns=$1 out=$2
	shift 2
	nsenter --net="/run/netns/$ns" "$@" >"$out" 2>&1 &
	BG_PID=$!
	defer kill "$BG_PID"
}

# spoof ARGS...: the helper's forger in $r, on its link to $c1 (a SYN it
# sees there is answered with the errors ARGS describe); its pid in
# $SPOOF_PID. Returns once it is listening, or fails after 120 s. The ready
# file of an earlier forger is removed first: it would end the wait at once.
spoof() {
	local ready=$TMPDIR_SOFTERR/spoof.ready
	rm -f "$ready"
	bg_in "$r" "$TMPDIR_SOFTERR/spoof.out" \
		python3 -I -S "$HELPER" spoof --iface c1 --readyfile "$ready" "$@"
	SPOOF_PID=$BG_PID
	wait_for 120 test -e "$ready"
}

# Load the module unless it is loaded; unload at exit what we loaded.
# V6FIX_KO: another build of it (e.g. an older one, to see a test fail).
softerr_load() {
	local ko=${V6FIX_KO:-$TOP/build/$(uname -r)/v6fix.ko}
	grep -q '^v6fix ' /proc/modules && return 0
	[ -r "$ko" ] || { echo "no $ko: run 'make modules'" >&2; return 1; }
	insmod "$ko" || return 1
	defer rmmod v6fix
}

# A client link: veth eth0 in namespace $1 <-> $2 in $r, subnet number $3.
__client_link() {
	local ns=$1 rif=$2 n=$3
	ip link add eth0 netns "$ns" type veth peer name "$rif" netns "$r" || return 1
	ip -n "$ns" -batch - <<-EOF || return 1
	addr add fd00:$n::2/64 dev eth0 nodad
	addr add 10.0.$n.2/24 dev eth0
	link set eth0 up
	route add default via fd00:$n::1
	route add default via 10.0.$n.1
	EOF
	ip -n "$r" -batch - <<-EOF || return 1
	addr add fd00:$n::1/64 dev $rif nodad
	addr add 10.0.$n.1/24 dev $rif
	link set $rif up
	EOF
	tc -n "$ns" qdisc add dev eth0 root netem delay 10ms || return 1
	tc -n "$r" qdisc add dev "$rif" root netem delay 10ms || return 1
	# Short SYN timeouts; classic exponential backoff (1, 3, 7 s) on
	# every kernel, so the expected times do not depend on it.
	local keys=(net.ipv4.tcp_syn_retries=1)
	[ ! -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ] ||
		keys+=(net.ipv4.tcp_syn_linear_timeouts=0)
	nsx "$ns" sysctl -qw "${keys[@]}"
}

# softerr_topology [--two-clients]: $c2 only when asked (a namespace costs
# seconds under TCG).
softerr_topology() {
	local clients=(c1)
	[ "${1:-}" != --two-clients ] || clients+=(c2)
	setup_ns "${clients[@]}" r s || return 1
	modprobe -q sch_netem 2>/dev/null
	__client_link "$c1" c1 1 || return 1
	[ -z "${c2:-}" ] || __client_link "$c2" c2 3 || return 1
	ip link add eth0 netns "$s" type veth peer name s netns "$r" || return 1
	ip -n "$s" -batch - <<-EOF || return 1
	addr add $V6_S/64 dev eth0 nodad
	addr add $V4_S/24 dev eth0
	link set eth0 up
	route add default via fd00:2::1
	route add default via 10.0.2.1
	EOF
	ip -n "$r" -batch - <<-EOF || return 1
	addr add fd00:2::1/64 dev s nodad
	addr add 10.0.2.1/24 dev s
	link set s up
	EOF

	# The router: forwards, and sends every ICMP error it is asked to
	# (no per-destination rate limit).
	nsx "$r" sysctl -qw net.ipv6.conf.all.forwarding=1 \
		net.ipv4.ip_forward=1 net.ipv6.icmp.ratelimit=0 \
		net.ipv4.icmp_ratelimit=0 || return 1
	nsx "$r" nft -f - <<-EOF || return 1
	table inet v6fix_router {
		chain forward {
			type filter hook forward priority filter; policy accept;
			ip6 daddr $V6_S tcp dport { 9, 1000 } reject with icmpv6 type no-route
			ip6 daddr $V6_S tcp dport 1001 reject with icmpv6 type admin-prohibited
			ip6 daddr $V6_S tcp dport 1002 reject with icmpv6 type 2
			ip6 daddr $V6_S tcp dport 1003 reject with icmpv6 type addr-unreachable
			ip6 daddr $V6_S tcp dport 1004 reject with icmpv6 type port-unreachable
			ip daddr $V4_S tcp dport 1000 reject with icmp type net-unreachable
			ip daddr $V4_S tcp dport 1001 reject with icmp type host-unreachable
			ip daddr $V4_S tcp dport 1003 reject with icmp type port-unreachable
			ip daddr $V4_S tcp dport 1005 reject with icmp type 5
			ip daddr $V4_S tcp dport 1013 reject with icmp type admin-prohibited
			tcp dport 2000-2009 drop
		}
	}
	EOF

	# Neighbours resolved and routes warm before anything is timed (the
	# first packets under TCG can take a second).
	local ns
	for ns in "${clients[@]}"; do
		ns=${!ns}
		wait_for 120 __path_ok "$ns" ||
			{ echo "no path from $ns to $s" >&2; return 1; }
	done
}

# A connect() to a port $r rejects as port-unreachable (a hard error, which
# v6fix never counts) is refused once the whole path works. bash's /dev/tcp:
# no process start beyond the one that enters the namespace.
__path_ok() {
	local out
	out=$(nsx "$1" bash -c "exec 3<>/dev/tcp/$V6_S/1004; exec 3<>/dev/tcp/$V4_S/1003" 2>&1)
	[ "$(grep -c '/dev/tcp/.*Connection refused' <<<"$out")" = 2 ]
}

__listening() {
	[ -n "$(nsx "$1" ss -Htln "sport = :$2")" ]
}

softerr_start_server() {
	bg_in "$s" /dev/null python3 -I -S "$HELPER" listen 80
	wait_for 120 __listening "$s" 80
}

# softerr_set NS FAMILY POLICY [RETRIES]: with the CLI (netlink).
softerr_set() {
	local args=(family "$2" policy "$3")
	[ -z "${4:-}" ] || args+=(retries "$4")
	"$V6FIX" -n "$1" softerr set "${args[@]}"
}

# softerr_policy NS POLICY [BSD_RETRIES [SYN_RETRIES]]: both families, and
# tcp_syn_retries, in one go through the sysctls (the same state as the
# netlink family; a process start is dear under TCG).
softerr_policy() {
	local ns=$1 p=$2 keys
	keys=(net.v6fix.softerr_policy="$p" net.v6fix.softerr_policy_v4="$p")
	[ -z "${3:-}" ] || keys+=(net.v6fix.softerr_bsd_retries="$3")
	[ -z "${4:-}" ] || keys+=(net.ipv4.tcp_syn_retries="$4")
	nsx "$ns" sysctl -qw "${keys[@]}"
}

syn_retries() {
	nsx "$1" sysctl -qw net.ipv4.tcp_syn_retries="$2"
}

# connects NS [--timeout S] [--bind P] LABEL,ADDR,PORT[,HOPS]...: concurrent
# connect()s (HOPS: hop limit / TTL of the SYN); one line per target:
# LABEL ERRNO MS T0_NS T1_NS SPORT.
connects() {
	local ns=$1
	shift
	helper_in "$ns" connect "$@"
}

# __in_range MS MIN MAX: MIN <= MS <= MAX, MS with decimals (compared in ms).
__in_range() {
	local ms=${1%.*}
	[ -n "$ms" ] && [ "$ms" -ge "$2" ] && [ "$ms" -le "$3" ]
}

# expect_connect OUT LABEL ERRNO MIN_MS MAX_MS: check one line of connects.
expect_connect() {
	local out=$1 label=$2 want=$3 min=$4 max=$5 l err ms rest
	while read -r l err ms rest; do
		[ "$l" = "$label" ] || continue
		__in_range "$ms" "$min" "$max" && [ "$err" = "$want" ] && return 0
		fail "$label: $err after $ms ms, want $want in [$min, $max] ms"
		return 1
	done <<<"$out"
	fail "$label: no result"
	return 1
}

# expect_v6fix_connect JSON ERRNO MIN_MS MAX_MS: the one attempt of
# `v6fix -j connect`.
expect_v6fix_connect() {
	local re='"start_ms":([0-9.]+),"end_ms":([0-9.]+),"result":"([A-Z]+)"'
	if [[ $1 =~ $re ]] && [ "${BASH_REMATCH[3]}" = "$2" ] &&
	   __in_range "$(awk -v a="${BASH_REMATCH[1]}" -v b="${BASH_REMATCH[2]}" \
			'BEGIN { print b - a }')" "$3" "$4"; then
		return 0
	fi
	fail "connect: want $2 in [$3, $4] ms, got $1"
	return 1
}

# The counters of NS as sorted FAMILY:TYPE:CODE:ACTION=COUNT lines.
stats_lines() {
	"$V6FIX" -n "$1" -j softerr stats |
		jq -r '.stats[] | "\(.family):\(.icmp_type):\(.icmp_code):\(.action)=\(.count)"' |
		sort
}

# stats_expect NS SPEC: the namespace's counters are exactly SPEC, a list of
# FAMILY:TYPE:CODE:ACTION=COUNT (every other counter zero).
stats_expect() {
	local got want
	got=$(stats_lines "$1")
	want=$(tr -s ' \t\n' '\n' <<<"$2" | grep . | sort)
	[ "$got" = "$want" ] ||
		fail "counters in $1: [$(echo $got)], want [$(echo $want)]"
}

stats_reset() {
	"$V6FIX" -n "$1" softerr stats reset
}

# events_expect FILE NS: the events in FILE (`v6fix -j softerr monitor`),
# without the monitor's probes (port 9), count as NS's counters do.
events_expect() {
	local got want
	got=$(jq -rR 'fromjson? | select(.dport != 9) | "\(.family):\(.icmp_type):\(.icmp_code):\(.action)"' "$1" |
	      sort | uniq -c | awk '{ print $2 "=" $1 }')
	want=$(stats_lines "$2")
	[ "$got" = "$want" ] ||
		fail "events [$(echo $got)] disagree with counters [$(echo $want)]"
}

# monitor_start NS FILE: `v6fix -j softerr monitor` in NS (a client),
# writing to FILE; returns once it is known to receive events: a connect()
# to port 9, which $r rejects with a soft error, until its event shows.
monitor_start() {
	local ns=$1 file=$2 i
	bg_in "$ns" "$file" "$V6FIX" -j softerr monitor
	MONITOR_PID=$BG_PID
	for i in 1 2 3 4 5; do
		"$V6FIX" -n "$ns" connect --timeout 1 "$V6_S" 9 >/dev/null
		wait_for 3 grep -q '"dport":9,' "$file" && return 0
	done
	return 1
}

monitor_stop() {
	kill "$MONITOR_PID" 2>/dev/null
	wait "$MONITOR_PID" 2>/dev/null
	return 0
}
