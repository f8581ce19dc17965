#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix.ko never crashes the kernel, never aborts what it should not, never
# leaks, and lets no one without CAP_NET_ADMIN over a namespace change it
# (issue #6; scripts/vm-run, guest with panic_on_warn: any WARN fails it).
#
#   $c  eth0 fd00:1::2 10.0.1.2 ---- c  $r  fd00:1::1 10.0.1.1
#       tcp_syn_retries 8                   listener :80 (never accepts)
#       connects to fd00:9::1 /             fd00:9::/64, 10.0.9.0/24 blackhole
#       10.0.9.1 :200x sit in SYN-SENT      icmp-forge on "c": learns the SYNs
#                                           (AF_PACKET), sends forged errors
#
# 1. Malformed: under each policy (pass, hard, rfc1122, bsd) MALFORMED_N
#    crafted ICMPv6 and ICMP errors (netns-tests/tools/icmp-forge.c lists them) at
#    four attempts in SYN-SENT and at an established and a TIME-WAIT socket:
#    every attempt still in SYN-SENT afterwards, the established connections
#    alive, the counters exactly what icmp-forge predicts (random ones:
#    any ignored-* count, within their number), nothing but ignored-*; then
#    one correct error per attempt does what the policy says.
# 2. Spoofed: SPOOF_N errors quoting the attempts with a wrong sequence
#    number (ISN+1 ...) or the ISN with wrong ports, under hard: 0 aborts,
#    each counted as ignored-spoofed or ignored-no-socket.
# 3. Permissions: an unprivileged user, a user namespace that does not own
#    the network namespace (made by root, and by the unprivileged user):
#    EPERM for every SET_CONFIG and RESET_STATS form, no other command,
#    sysctl writes and the events group refused, reads work, GET unchanged.
# 4. Load and lifecycle: an ICMPv6 flood (as fast as icmp-forge goes) while
#    CONNECTS connects run; rmmod and insmod during it; NETNS_N namespaces
#    created and destroyed; unload; sockets, namespaces and slabs back to
#    where they were before the module was loaded.
#
# Sizes: CI-sized by default; V6FIX_LARGE=1 (make check-large) runs the
# issue's: 100,000 malformed per policy, 10,000 spoofed, 1,000 connects,
# 1,000 namespaces.
source "$(dirname "$0")/scenario/softerr-topology.sh"

require_root
in_vm || { log_test "vm-reliability: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }
require_cmd python3 jq nsenter ss setpriv unshare

if [ "${V6FIX_LARGE:-0}" = 1 ]; then
	MALFORMED_N=100000 SPOOF_N=10000 CONNECTS=1000 NETNS_N=1000
else
	MALFORMED_N=4000 SPOOF_N=2000 CONNECTS=200 NETNS_N=50
fi
FORGE=$TOP/build/netns-tests/icmp-forge
GENL=$TOP/netns-tests/tools/genl.py
KO=$TOP/build/$(uname -r)/v6fix.ko
T=$TMPDIR_SOFTERR
[ -x "$FORGE" ] || { log_test "vm-reliability: $FORGE built (make)" 1; exit $ksft_fail; }
[ -r "$KO" ] || { log_test "vm-reliability: $KO built (make)" 1; exit $ksft_fail; }
echo "# sizes: malformed $MALFORMED_N per policy, spoofed $SPOOF_N, connects $CONNECTS, namespaces $NETNS_N"
START=$SECONDS

# --- what the kernel holds: sockets, namespaces, slabs ----------------------------
SLABS="TCP TCPv6 request_sock_TCP request_sock_TCPv6 tw_sock_TCP tw_sock_TCPv6 net_namespace"
# KEY=VALUE lines: active objects of each slab (shrunk first: per-CPU slabs
# flushed), TCP sockets allocated (all namespaces), sockets of the init
# namespace, named and process namespaces.
snapshot() {
	local s
	echo 3 >/proc/sys/vm/drop_caches
	for s in $SLABS; do
		echo 1 >"/sys/kernel/slab/$s/shrink" 2>/dev/null
	done
	for s in $SLABS; do
		awk -v s="$s" '$1 == s { print "slab_" s "=" $2; f = 1 } END { if (!f) print "slab_" s "=0" }' /proc/slabinfo
	done
	awk '$1 == "TCP:" { print "tcp_alloc=" $9 } $1 == "sockets:" { print "sockets_used=" $3 }' /proc/net/sockstat
	echo "netns_live=$(live_netns)"
	echo "netns_named=$(ip netns list | wc -l)"
	echo "netns_of_processes=$(stat -L -c %i /proc/[0-9]*/ns/net 2>/dev/null | sort -u | wc -l)"
}

# live_netns: network namespaces root has made that the kernel has not
# cleaned up yet, exactly: the user namespace's count (ucounts), found by
# lowering user.max_net_namespaces until `unshare -n` is refused. (The
# net_namespace slab is no measure: on 6.1, without v6fix, 806 of 1,000
# namespaces deleted stayed allocated for minutes after their cleanup.)
live_netns() {
	local max lo=0 hi=4096 mid
	max=$(cat /proc/sys/user/max_net_namespaces)
	while [ $lo -lt $hi ]; do
		mid=$(((lo + hi) / 2))
		echo $((mid + 1)) >/proc/sys/user/max_net_namespaces
		if unshare -n true 2>/dev/null; then hi=$mid; else lo=$((mid + 1)); fi
	done
	echo "$max" >/proc/sys/user/max_net_namespaces
	echo $lo
}

# back_to_start [SLACK]: every count of the snapshot BASE is back; with
# SLACK, slabs within a slack (freed lazily: namespaces are cleaned up by a
# work item, per-CPU slabs count as active until shrunk).
back_to_start() {
	local k v b slack
	NOW=$(snapshot)
	while IFS== read -r k v; do
		b=$(sed -n "s/^$k=//p" <<<"$BASE")
		case ${1:-}:$k in
		*:slab_net_namespace) slack=1000000 ;;	# reported only
		SLACK:slab_*) slack=64 ;;
		*) slack=0 ;;
		esac
		[ "$v" -le $((b + slack)) ] || return 1
	done <<<"$NOW"
}

BASE=$(snapshot)
echo "# before: $(echo $BASE)"

grep -q '^v6fix ' /proc/modules && { log_test "vm-reliability: v6fix.ko not loaded at start" 1; exit $ksft_fail; }
insmod "$KO" || { log_test "vm-reliability: insmod" 1; exit $ksft_fail; }
defer sh -c 'grep -q "^v6fix " /proc/modules && rmmod v6fix'

# --- topology -----------------------------------------------------------------------
topology() {
	setup_ns c r || return 1
	ip link add eth0 netns "$c" type veth peer name c netns "$r" || return 1
	ip -n "$c" -batch - <<-EOF || return 1
	addr add fd00:1::2/64 dev eth0 nodad
	addr add 10.0.1.2/24 dev eth0
	link set eth0 up
	route add default via fd00:1::1
	route add default via 10.0.1.1
	EOF
	ip -n "$r" -batch - <<-EOF || return 1
	addr add fd00:1::1/64 dev c nodad
	addr add 10.0.1.1/24 dev c
	link set c up
	route add blackhole fd00:9::/64
	route add blackhole 10.0.9.0/24
	EOF
	# Attempts stay in SYN-SENT for minutes (SYN retries 1, 3, 7 ... 511 s).
	nsx "$c" sysctl -qw net.ipv4.tcp_syn_retries=8 || return 1
	bg_in "$r" /dev/null python3 -I -S -c '
import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 80))
s.listen(4096)
time.sleep(1e6)'
	LISTENER=$BG_PID
	wait_for 30 nsx "$c" bash -c 'exec 3<>/dev/tcp/fd00:1::1/80 4<>/dev/tcp/10.0.1.1/80' 2>/dev/null
}
topology || { log_test "vm-reliability: topology" 1; exit $ksft_fail; }

# --- counters against icmp-forge's prediction ----------------------------------------
# check_counters OUT [KEY=N...]: the counters of $c are exactly the
# "expect" lines of icmp-forge's output OUT plus the given ones, except that
# each family may have up to its "chaos" count more, in ignored-* actions.
check_counters() {
	local out=$1 k v fam action
	shift
	local -A want=() got=() chaos=() extra=()
	while read -r k v; do
		case $k in
		expect) want[${v%=*}]=${v##*=} ;;
		chaos) read -r fam v <<<"$v"; chaos[$fam]=$v ;;
		esac
	done <"$out"
	for k in "$@"; do want[${k%=*}]=$(( ${want[${k%=*}]:-0} + ${k##*=} )); done
	while IFS== read -r k v; do [ -n "$k" ] && got[$k]=$v; done <<<"$(stats_lines "$c")"
	COUNTED=0
	for k in "${!got[@]}"; do
		COUNTED=$((COUNTED + got[$k]))
		fam=${k%%:*} action=${k##*:}
		v=$(( got[$k] - ${want[$k]:-0} ))
		if [ "$v" -lt 0 ]; then
			fail "counter $k is ${got[$k]}, want ${want[$k]}"
		elif [ "$v" -gt 0 ]; then
			[[ $action == ignored-* ]] || { fail "counter $k is ${got[$k]}, want ${want[$k]:-0}"; continue; }
			extra[$fam]=$(( ${extra[$fam]:-0} + v ))
		fi
	done
	for k in "${!want[@]}"; do
		[ -n "${got[$k]:-}" ] || fail "counter $k missing, want ${want[$k]}"
	done
	for fam in "${!extra[@]}"; do
		[ "${extra[$fam]}" -le "${chaos[$fam]:-0}" ] ||
			fail "$fam: ${extra[$fam]} counted beyond the prediction, only ${chaos[$fam]:-0} random errors sent"
	done
	[ "$RET" -eq 0 ] || stats_lines "$c" | sed 's/^/      got /' >&2
}

syn_sent() {
	nsx "$c" ss -Htn state syn-sent | grep -c -E 'fd00:9::1|10\.0\.9\.1'
}

established_80() {
	nsx "$c" ss -Htn state established '( dport = :80 )' | wc -l
}

# sum_of WORD FILE: the sum of the numbers ending the lines "WORD ..." of
# icmp-forge's output ("sent inet6 N", "expect KEY=N").
sum_of() {
	awk -v w="$1" '$1 == w { sub(/.*[ =]/, ""); s += $0 } END { print s + 0 }' "$2"
}

# forge_round MODE COUNT POLICY: attempts a6 b6 a4 b4 in SYN-SENT, an
# established and a TIME-WAIT socket per family, icmp-forge MODE COUNT at
# them; checks states and counters, then one correct error per attempt.
forge_round() {
	local mode=$1 count=$2 policy=$3 strict= final_action t0=$SECONDS
	local out=$T/forge.out ready=$T/forge.ready go=$T/forge.go conn=$T/conn.out
	local n held conn_pid forge_pid
	[ "$policy" = pass ] || strict=--strict
	case $policy in
	pass) final_action=passed ;;
	hard) final_action=aborted ;;
	*) final_action=suppressed ;;
	esac
	# bsd: abort only after 127 retransmissions, i.e. never here.
	softerr_policy "$c" "$policy" 127 && stats_reset "$c" || { fail "set policy $policy"; return; }
	rm -f "$ready" "$go"
	bg_in "$r" "$out" "$FORGE" --iface c --learn 4 --others 4 --other-port 80 \
		--ports 2000-2999 --ready "$ready" --go "$go" --seed "$RANDOM" $strict "$mode" "$count"
	forge_pid=$BG_PID
	wait_for 120 test -e "$ready" || { fail "icmp-forge did not start: $(cat "$out")"; return; }
	# Other sockets: one established and one closed (TIME-WAIT) per family.
	bg_in "$c" /dev/null bash -c 'exec 3<>/dev/tcp/fd00:1::1/80 4<>/dev/tcp/10.0.1.1/80 \
		5<>/dev/tcp/fd00:1::1/80 6<>/dev/tcp/10.0.1.1/80; exec 5>&- 6>&-; exec sleep 3600'
	held=$BG_PID
	bg_in "$c" "$conn" python3 -I -S "$HELPER" connect a6,fd00:9::1,2001 b6,fd00:9::1,2002 \
		a4,10.0.9.1,2001 b4,10.0.9.1,2002
	conn_pid=$BG_PID
	echo "# $mode $policy: started at +$((SECONDS - t0)) s"
	wait_for 1200 grep -q '^flooded' "$out" ||
		{ fail "icmp-forge: $(tail -n 3 "$out")"; kill "$conn_pid" "$held"; return; }
	SENT=$(( $(sum_of sent "$out") ))
	RATE=$(sed -n 's/^rate //p' "$out")
	n=$(syn_sent)
	[ "$n" = 4 ] || fail "$n of 4 attempts in SYN-SENT after the errors"
	n=$(established_80)
	[ "$n" = 2 ] || fail "$n of 2 established connections left"
	echo "# $mode $policy: flooded at +$((SECONDS - t0)) s"
	check_counters "$out"
	PREDICTED=$(sum_of expect "$out")
	local before_final=$COUNTED

	touch "$go"
	wait "$forge_pid" || fail "icmp-forge failed: $(tail -n 2 "$out")"
	if [ "$final_action" = suppressed ]; then
		wait_for 20 stats_lines_has "inet6:1:0:$final_action=2" "inet:3:0:$final_action=2" ||
			fail "no suppressed count for the correct errors"
		n=$(syn_sent)
		[ "$n" = 4 ] || fail "$n of 4 attempts in SYN-SENT under $policy after a correct error"
		kill "$conn_pid"
	else
		wait_for 30 test "$(wc -l <"$conn")" -ge 4
		n=$(grep -c ' ENETUNREACH ' "$conn")
		[ "$n" = 4 ] || fail "the correct errors: $(echo $(cat "$conn")), want 4 x ENETUNREACH"
	fi
	check_counters "$out" "inet6:1:0:$final_action=2" "inet:3:0:$final_action=2"
	kill "$held" "$conn_pid" 2>/dev/null
	wait "$held" "$conn_pid" 2>/dev/null
	ROUND_INFO="sent $SENT, $before_final counted ($PREDICTED predicted + random), $((SECONDS - t0)) s, ${RATE} pkt/s"
	echo "# $mode $policy: $ROUND_INFO; $(echo $(grep -v '^expect\|^learnt\|^other' "$out"))"
}

stats_lines_has() {
	local got k
	got=$(stats_lines "$c")
	for k in "$@"; do grep -qx "$k" <<<"$got" || return 1; done
}

# --- 1. malformed, every policy ------------------------------------------------------
for policy in pass hard rfc1122 bsd; do
	forge_round malformed "$MALFORMED_N" "$policy"
	log_test "$MALFORMED_N malformed ICMPv6/ICMP errors under $policy: no abort, counted as predicted"
	echo "      $ROUND_INFO"
done

# --- 2. spoofed ------------------------------------------------------------------------
forge_round spoof "$SPOOF_N" hard
log_test "$SPOOF_N spoofed errors (wrong sequence number or ports) under hard: 0 aborts"
echo "      $ROUND_INFO"

# --- 3. permissions --------------------------------------------------------------------
# Every request that is not a read, by number (kmod/uapi/v6fix.h): each form
# of SET_CONFIG (every attribute, all, none, bad values, read-only and
# unknown attributes), RESET_STATS with and without attributes, and the scope
# commands SET_SCOPE, DEL_SCOPE, FLUSH_SCOPES (the permission is checked before
# the attributes: empty requests suffice).
CHANGES='2 3:u32:0
2 4:u32:0
2 5:u32:0
2 3:u32:0 4:u32:0 5:u32:0
2
2 3:u32:9
2 5:u32:200
2 99:u32:1
2 1:str:x
2 2:u32:1
2 5:u8:1
4
4 3:u32:0
6
7
8'
# Not requests at all: EVENT (notification only), UNSPEC, past the last
# (V6FIX_CMD_MAX is GET_SCOPE, 9).
NONCMDS='5
0
10
255'
READS='1
3'
nsx "$c" sysctl -qw net.v6fix.softerr_policy=bsd net.v6fix.softerr_policy_v4=rfc1122 \
	net.v6fix.softerr_bsd_retries=9
state() {
	"$V6FIX" -n "$c" -j softerr show
	"$V6FIX" -n "$c" -j softerr stats
	nsx "$c" sysctl -n net.v6fix.softerr_policy net.v6fix.softerr_policy_v4 net.v6fix.softerr_bsd_retries
}
before=$(state)
nchanges=$(wc -l <<<"$CHANGES")
unpriv=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# probe NAME PREFIX...: the requests, sysctl writes and an events
# subscription as PREFIX... inside $c.
probe() {
	local name=$1 out n
	shift
	out=$(printf '%s\n' "$CHANGES" "$NONCMDS" "$READS" |
	      nsx "$c" "$@" python3 -I -S "$GENL" - 2>&1)
	n=$(grep -c -- '-> error EPERM$' <<<"$(head -n "$nchanges" <<<"$out")")
	[ "$n" = "$nchanges" ] ||
		fail "$name: $n of $nchanges change requests refused with EPERM: $(echo $(head -n "$nchanges" <<<"$out"))"
	n=$(sed -n "$((nchanges + 1)),$((nchanges + 4))p" <<<"$out" | grep -c -- '-> error E')
	[ "$n" = 4 ] || fail "$name: non-commands: $(echo $(sed -n "$((nchanges + 1)),$((nchanges + 4))p" <<<"$out"))"
	n=$(tail -n 2 <<<"$out" | grep -c -- '-> ok$')
	[ "$n" = 2 ] || fail "$name: reads: $(echo $(tail -n 2 <<<"$out"))"
	# Root's own user namespace (uid 0 mapped to 0) passes the kernel's
	# test for every net.* sysctl (net_ctl_permissions: the euid is the
	# netns owner's root); v6fix's handlers refuse it (no CAP_NET_ADMIN
	# over the netns).
	out=$(nsx "$c" "$@" sh -c 'cd /proc/sys/net/v6fix &&
		for f in softerr_policy softerr_policy_v4 softerr_bsd_retries; do
			cat $f >/dev/null || echo "cannot read $f"
			{ echo 0 >$f; } 2>/dev/null && echo "wrote $f"
			{ echo pass >$f; } 2>/dev/null && echo "wrote $f"
		done; true')
	[ -z "$out" ] || fail "$name: sysctls: $(echo $out)"
	out=$(nsx "$c" "$@" timeout 10 "$V6FIX" -j softerr monitor 2>&1)
	n=$?
	[ "$n" = 1 ] && [[ $out == *CAP_NET_ADMIN* ]] || fail "$name: events group joined (exit $n: $out)"
	out=$(nsx "$c" "$@" "$V6FIX" -j softerr stats 2>&1)
	check_err $? "$name: v6fix softerr stats: $out"
	log_test "permissions, $name: $nchanges change requests EPERM; sysctls, events refused; reads work"
}
probe "uid 65534" "${unpriv[@]}"
probe "root's user namespace, not owning the netns" unshare -U -r
probe "uid 65534's user namespace" "${unpriv[@]}" unshare -U -r
# Root can do what the others could not (the requests are real), and the
# non-commands are refused for root too (EOPNOTSUPP: no such operation).
out=$(printf '%s\n' "$NONCMDS" | nsx "$c" python3 -I -S "$GENL" - 2>&1)
[ "$(grep -c -E -- '-> error (EOPNOTSUPP|ENOTSUP)$' <<<"$out")" = 4 ] || fail "root, non-commands: $(echo $out)"
after=$(state)
[ "$before" = "$after" ] || fail "state changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
log_test "permissions: configuration, counters and sysctls unchanged; non-commands refused for root"

# --- 4. load and lifecycle -------------------------------------------------------------
stats_reset "$c"
out=$T/flood.out stop=$T/flood.stop
rm -f "$stop"
t0=$SECONDS
bg_in "$r" "$out" "$FORGE" --iface c --other-port 80 --stop "$stop" flood 3600
forge_pid=$BG_PID
loops=4
per=$((CONNECTS / loops))
pids=()
for i in $(seq $loops); do
	bg_in "$c" "$T/connects.$i" bash -c 'ok=0 bad=0
		for ((i = 0; i < '"$per"'; i++)); do
			if exec 3<>/dev/tcp/fd00:1::1/80; then ok=$((ok + 1)); exec 3>&-
			else bad=$((bad + 1)); fi
		done 2>/dev/null
		echo "ok $ok failed $bad"'
	pids+=("$BG_PID")
done
wait_for 60 grep -q '^flooding' "$out"
check_err $? "the flood did not start: $(cat "$out")"
sleep 1
rmmod v6fix
rc_rmmod=$?
sleep 0.5
insmod "$KO"
rc_insmod=$?
wait "${pids[@]}"
touch "$stop"
wait "$forge_pid"
check_err $? "icmp-forge flood failed: $(tail -n 2 "$out")"
ok=$(cat "$T"/connects.* | awk '{ s += $2 } END { print s + 0 }')
flood=$(sum_of sent "$out")
[ "$rc_rmmod" = 0 ] || fail "rmmod during the flood: exit $rc_rmmod"
[ "$rc_insmod" = 0 ] || fail "insmod during the flood: exit $rc_insmod"
[ "$ok" = "$((per * loops))" ] || fail "$ok of $((per * loops)) connects succeeded: $(cat "$T"/connects.*)"
got=$(stats_lines "$c")
bad=$(grep -v ':ignored-' <<<"$got")
[ -z "$bad" ] || fail "the flood was acted on: $(echo $bad)"
counted=$(awk -F= '{ s += $2 } END { print s + 0 }' <<<"$got")
log_test "$((per * loops)) connects under $flood ICMPv6 errors, rmmod+insmod mid-flood: all connect"
echo "      $((SECONDS - t0)) s, $(sed -n 's/^rate //p' "$out") pkt/s; after insmod $counted counted, all ignored-*: $(echo $got)"

t0=$SECONDS
names=$(for i in $(seq "$NETNS_N"); do echo "v6fix-churn-$$-$i"; done)
defer sh -c "for i in \$(seq $NETNS_N); do echo netns del v6fix-churn-$$-\$i; done |
	ip -force -batch - 2>/dev/null"
sed 's/^/netns add /' <<<"$names" | ip -batch -
check_err $? "creating $NETNS_N namespaces"
n=$(ip netns list | grep -c "^v6fix-churn-$$-")
[ "$n" = "$NETNS_N" ] || fail "$n of $NETNS_N namespaces created"
n=$(nsenter --net="/run/netns/v6fix-churn-$$-$NETNS_N" sysctl -n net.v6fix.softerr_policy)
[ "$n" = hard ] || fail "the last namespace's policy is '$n'"
sed 's/^/netns del /' <<<"$names" | ip -batch -
check_err $? "deleting $NETNS_N namespaces"
[ "$(cat /sys/module/v6fix/refcnt)" = 0 ] || fail "module refcnt $(cat /sys/module/v6fix/refcnt)"
log_test "$NETNS_N namespaces created and destroyed with v6fix loaded ($((SECONDS - t0)) s)"

# Everything down: the test's own processes and namespaces, then the module.
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null
ip netns del "$c" && ip netns del "$r"
check_err $? "deleting the test's namespaces"
rmmod v6fix
check_err $? "final rmmod"
[ ! -e /sys/module/v6fix ] || fail "/sys/module/v6fix still there"
t0=$SECONDS
exact=exactly
wait_for 60 back_to_start || { exact="within slack (slabs +64)"
	wait_for 60 back_to_start SLACK; } ||
	fail "not back: before [$(echo $BASE)], now [$(echo $NOW)]"
echo "      after $((SECONDS - t0)) s, $exact (the net_namespace slab: reported only): $(echo $NOW)"
log_test "unloaded; sockets, namespaces and slabs back to where they started"

echo "# vm-reliability: $((SECONDS - START)) s"
exit $EXIT_STATUS
