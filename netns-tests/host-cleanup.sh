#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cleanup (issue #6, item 7): after a scenario passes, fails, or is
# interrupted (SIGINT, SIGTERM) nothing of it remains: no namespaces, no
# /etc/netns entries, no helper processes, and no nft table or qdisc outside
# the namespaces it removed; after SIGKILL the helpers (--exit-with) still
# exit. The same for a matrix cell and for scripts/fallback-matrix
# interrupted mid-run. And v6fix removes no route or address label it did
# not create unless told to with --force.
#
# Each scenario runs in a child bash, in its own process group, with a
# unique V6FIX_CLEANUP_TAG in its environment: every process it starts
# (also the daemonized helpers, which leave its session) carries the tag, so
# its processes are told apart from those of tests running at the same time,
# and the namespace names they name on their command lines are the
# scenario's. This script's own traps remove whatever a failed check leaves.
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"

require_root
require_cmd ip nft tc iptables jq
[ -x "$V6FIX" ] || { log_test "host-cleanup: $V6FIX built" 1; exit $ksft_fail; }

tmp=$(mktemp -d)
defer rm -rf "$tmp"
SEEN=$tmp/seen		# every namespace name a tagged process named, one per line
: >"$SEEN"

# The host's own firewall and qdiscs, read only: no scenario may change them.
host_state() {
	nft list tables 2>&1
	tc qdisc show 2>&1
}
host_before=$(host_state)

# tagged TAG: pids of the live processes whose environment holds the tag.
tagged() {
	grep -lsz "^V6FIX_CLEANUP_TAG=$1\$" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
}

# names_of PID...: the topology/setup_ns namespace names on their command lines.
names_of() {
	local p
	for p in "$@"; do
		tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline"
		echo
	done | grep -o 'v6fix-[a-z]\+-[0-9a-f]\{6\}' | sort -u
}

# sampler TAG: record, every 50 ms, the namespace names the tagged processes
# use (a topology's three names share one suffix: all three are recorded),
# and the matrix's scratch directories (MX_TMP in their environment).
sampler() {
	local n pids
	while :; do
		pids=$(tagged "$1")
		for n in $(names_of $pids); do
			printf '%s\n' "v6fix-client-${n##*-}" "v6fix-router-${n##*-}" \
				"v6fix-server-${n##*-}" "v6fix-dnscache-${n##*-}" \
				"v6fix-dnstree-${n##*-}" "v6fix-dnsauth-${n##*-}" "$n"
		done >>"$SEEN"
		for n in $pids; do
			tr '\0' '\n' 2>/dev/null <"/proc/$n/environ" | sed -n 's/^MX_TMP=//p'
		done | sort -u >>"$SEEN.tmpdirs"
		sleep 0.05
	done
}

# Safety net, newest first at exit: kill what is left of a tag (by pid, just
# found), then delete every namespace a scenario was seen to use.
reap() {
	local p
	for p in $(tagged "$1"); do kill -KILL "$p" 2>/dev/null; done
}
remove_seen() {
	local n
	for n in $(sort -u "$SEEN"); do
		[ ! -e "/run/netns/$n" ] || ip netns del "$n"
		rm -rf "/etc/netns/$n"
	done
}
defer remove_seen

# A scenario of the namespace libraries, as a test or a runner would write
# one: a topology with the delay line (a second helper and iptables rules in
# the router), a fault with nft tables in the router and the client, then
# per MODE: pass (falls back to IPv4, exit 0), fail (a step fails: exit 1),
# hang (an IPv6 connect that waits for a signal). It writes the names of its
# namespaces to $ST/names and waits at each "step N" until the test has
# looked ($ST/go.N).
cat >"$tmp/scenario.sh" <<'EOF'
source "$TOP/netns-tests/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"
source "$TOP/netns-tests/scenario/faults.sh"
mode=$1 ST=$2
step() { : >"$ST/ready.$1"; wait_for 30 test -e "$ST/go.$1" || exit 3; }
topo_setup 0 || exit 3
echo "$CLIENT $ROUTER $SERVER" >"$ST/names"
topo_delay 5 nfqueue 2>/dev/null || exit 3
case $mode in
pass)
	fault_apply icmp6_unreach 0 || exit 3
	topo_sysctl "$CLIENT" net.ipv6.neigh.eth0.mcast_solicit=3
	step 1
	topo_delay 0	# the delay undone in a live topology
	step 2
	topo_connect --algo seq --timeout 10 >"$ST/connect" || exit 3
	;;
fail)
	fault_apply icmp6_filtered 0 || exit 3
	step 1
	false || exit 1
	;;
hang)
	fault_apply icmp6_filtered 0 || exit 3
	topo_sysctl "$CLIENT" net.ipv4.tcp_syn_retries=8
	: >"$ST/ready.1"
	topo_connect -6 --timeout 120
	;;
dns-*)
	# The DNS side (scenario/dns.sh): NSD twice, ldns-testns, unbound.
	DNS_RESOLVER=cache
	# One timeout of a second, but for the lookup interrupted mid-way.
	[ "$mode" = dns-hang ] || DNS_RESOLV_OPTIONS="timeout:1 single-request-reopen"
	fault_apply dns_ignore_aaaa || exit 3
	echo "$DNS_CACHE $DNS_TREE $DNS_AUTH" >"$ST/dnsnames"
	echo "$DNS_DIR" >"$ST/dnsdir"
	step 1
	case $mode in
	dns-pass) topo_connect --algo seq -j >"$ST/connect" || exit 3 ;;
	dns-fail) false || exit 1 ;;
	# A lookup that waits 15 s (the silent AAAA): interrupted in the middle.
	dns-hang) : >"$ST/ready.2"; topo_connect --algo seq ;;
	esac
	;;
inetd)
	srv_start inetd default || exit 3
	: >"$ST/ready.1"
	wait_for 120 false
	;;
esac
exit 0
EOF

# start NAME CMD...: run CMD in its own process group (job control makes
# the background job a group leader, and, unlike a plain `&`, leaves SIGINT
# to its default), with the tag; sets PID, TAG and ST.
start() {
	TAG=$1-$$-$RANDOM
	ST=$tmp/$1
	mkdir -p "$ST"
	shift
	defer reap "$TAG"
	set -m
	# Default dispositions: a shell started in the background without job
	# control ignores SIGINT and SIGQUIT, and an ignored signal stays
	# ignored in every child (bash cannot trap it again): the test would
	# measure how it was started, not the scenario's traps.
	V6FIX_CLEANUP_TAG=$TAG TOP=$TOP V6FIX=$V6FIX \
		env --default-signal=INT,QUIT,TERM,HUP "$@" >"$ST/out" 2>&1 &
	PID=$!
	set +m
	sampler "$TAG" &
	SAMPLER=$!
}

# finish: wait up to 60 s for the scenario; sets RC (124 on timeout).
finish() {
	local i rc
	RC=
	for ((i = 0; i < 600; i++)); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PID" 2>/dev/null; then
		RC=124
		kill -KILL -- "-$PID" 2>/dev/null
	fi
	wait "$PID" 2>/dev/null
	rc=$?
	[ "$RC" = 124 ] || RC=$rc
	kill "$SAMPLER" 2>/dev/null
	wait "$SAMPLER" 2>/dev/null
	[ ! -e "$ST/names" ] || tr ' ' '\n' <"$ST/names" >>"$SEEN"
}

# nothing_left [NAME...]: none of the scenario's processes (a short wait for
# helpers that follow it with --exit-with), namespaces or /etc/netns entries.
nothing_left() {
	local n left
	if ! wait_for 5 test -z "$(tagged "$TAG")"; then
		fail "processes left: $(cmdlines "$TAG")"
	fi
	for n in "$@" $(sort -u "$SEEN"); do
		[ -e "/run/netns/$n" ] && fail "namespace $n left"
		ip netns list | grep -q "^$n\( \|$\)" && fail "ip netns list still has $n"
		[ -e "/etc/netns/$n" ] && fail "/etc/netns/$n left"
	done
	return 0
}

# has_table NS: the fault's nft table exists in NS.
has_table() {
	ip netns exec "$1" nft list tables 2>/dev/null | grep -q '^table inet v6fix_fault$'
}
nfqueue_rule() {
	ip netns exec "$1" ip6tables -w -t raw -S PREROUTING 2>/dev/null | grep -q NFQUEUE
}
# cmdlines TAG: the command lines of the tagged processes, one per line.
cmdlines() {
	local p
	for p in $(tagged "$1"); do
		tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline"
		echo
	done
}
# running TAG WORD [N]: at least N (1) tagged processes have WORD as an argument.
running() {
	[ "$(cmdlines "$1" | grep -c -- " $2 ")" -ge "${3:-1}" ]
}
# dns_daemons: the kinds of DNS daemons the scenario runs ("ldns-testns nsd unbound ").
dns_daemons() {
	cmdlines "$TAG" | grep -o '^\(nsd\|unbound\|ldns-testns\) ' | sort -u | tr -d ' ' | tr '\n' ' '
}
# helpers: the scenario's test helpers, e.g. "delayline serve ".
helpers() {
	cmdlines "$TAG" | grep -o ' \(serve\|delayline\) ' | sort | tr -d ' ' | tr '\n' ' '
}

# --- pass --------------------------------------------------------------------------
start pass bash "$tmp/scenario.sh" pass "$tmp/pass"
wait_for 20 test -e "$ST/ready.1" || fail "the scenario did not reach step 1: $(cat "$ST/out")"
read -r C R S <"$ST/names"
has_table "$R" || fail "no nft table in the router while the fault is on"
nfqueue_rule "$R" || fail "no NFQUEUE rule in the router while the delay is on"
[ "$(helpers)" = "delayline serve " ] || fail "want a server and a delay line, got: $(helpers)"
: >"$ST/go.1"
wait_for 20 test -e "$ST/ready.2" || fail "the scenario did not reach step 2"
nfqueue_rule "$R" && fail "topo_delay 0 left the NFQUEUE rule"
tc -n "$R" qdisc show | grep -q netem && fail "topo_delay 0 left a netem qdisc"
[ "$(helpers)" = "serve " ] || fail "topo_delay 0 left the delay line: $(helpers)"
log_test "cleanup: a live topology's delay undone: rules, qdisc, delay line gone"
: >"$ST/go.2"
finish
[ "$RC" = 0 ] || fail "the passing scenario exited $RC: $(cat "$ST/out")"
grep -q 'winner inet ' "$ST/connect" ||
	fail "it did not connect over IPv4: $(cat "$ST/connect")"
nothing_left "$C" "$R" "$S"
log_test "cleanup: a scenario that passes leaves nothing"

# --- fail ----------------------------------------------------------------------------
start fail bash "$tmp/scenario.sh" fail "$tmp/fail"
wait_for 20 test -e "$ST/ready.1" || fail "the scenario did not reach its fault: $(cat "$ST/out")"
read -r C R S <"$ST/names"
{ has_table "$R" && has_table "$C"; } || fail "the fault's nft tables are not there"
: >"$ST/go.1"
finish
[ "$RC" = 1 ] || fail "the failing scenario exited $RC, want 1"
nothing_left "$C" "$R" "$S"
log_test "cleanup: a scenario that fails after its fault leaves nothing"

# --- SIGINT, SIGTERM mid-connect ---------------------------------------------------------
for sig in INT TERM; do
	start "sig$sig" bash "$tmp/scenario.sh" hang "$tmp/sig$sig"
	wait_for 20 test -e "$ST/ready.1" || fail "the scenario did not start its connect"
	read -r C R S <"$ST/names"
	wait_for 5 running "$TAG" connect || fail "no connect running"
	sleep 0.5
	t0=$(now_ms)
	kill -"$sig" -- "-$PID"
	finish
	[ "$RC" = 130 ] || fail "after SIG$sig the scenario exited $RC, want 130: $(cat "$ST/out")"
	[ $(($(now_ms) - t0)) -lt 10000 ] || fail "SIG$sig took $(($(now_ms) - t0)) ms to act"
	nothing_left "$C" "$R" "$S"
	log_test "cleanup: SIG$sig mid-connect: namespaces, /etc/netns, helpers gone"
done

# --- SIGKILL: no trap runs, but the helpers follow their shell out -------------------------
start sigKILL bash "$tmp/scenario.sh" hang "$tmp/sigKILL"
wait_for 20 test -e "$ST/ready.1" || fail "the scenario did not start its connect"
read -r C R S <"$ST/names"
[ "$(helpers)" = "delayline serve " ] || fail "want a server and a delay line, got: $(helpers)"
kill -KILL -- "-$PID"
finish
# 30 s: each helper sees its shell go (a pidfd) and exits; under ASan (its leak
# check at exit) on a loaded machine that once took more than 5 s.
wait_for 30 test -z "$(tagged "$TAG")" || fail "helpers outlived their SIGKILLed shell: $(helpers)"
log_test "cleanup: SIGKILL: serve and delayline exit with their shell (--exit-with)"
# (Its namespaces are this script's to remove: nothing can trap SIGKILL.)
remove_seen

# --- the inetd design, SIGINT: inetd goes too ------------------------------------------------
# (serve --design inetd: a supervisor, openbsd-inetd in a private mount
# namespace with a /run of its own holding its config and pid file.)
start inetd bash "$tmp/scenario.sh" inetd "$tmp/inetd"
wait_for 20 test -e "$ST/ready.1" || fail "the scenario did not start inetd: $(cat "$ST/out")"
ipid=$(for p in $(tagged "$TAG"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = inetd ] && echo "$p"; done | head -n 1)
[ -n "$ipid" ] || fail "no inetd among the scenario's processes: $(cmdlines "$TAG")"
[ -n "$ipid" ] && [ "$(cat "/proc/$ipid/root/run/inetd.pid" 2>/dev/null)" = "$ipid" ] ||
	fail "inetd has no pid file of its own"
kill -INT -- "-$PID"
finish
[ "$RC" = 130 ] || fail "the interrupted scenario exited $RC, want 130"
nothing_left
[ -z "$ipid" ] || [ ! -e "/proc/$ipid" ] || fail "inetd $ipid still runs"
log_test "cleanup: serve --design inetd, SIGINT: the server and inetd gone"

# --- a matrix cell, SIGINT mid-connect ---------------------------------------------------
export MX_KERNEL=$(uname -r) MX_RUNS=3 MX_CLIENTS=seq MX_DELAY=10 MX_HE_DELAY=250
export MX_CURL_HE_DELAY=200 MX_ND_SOLICIT=3 MX_ND_RETRANS=1000 MX_SYN_RETRIES=2
export MX_BSD_RETRIES=0 MX_TIMEOUT=30
start cell "$TOP/scripts/matrix-cell" v6_blackhole - stock
wait_for 20 running "$TAG" connect || fail "the cell did not start a connect: $(cat "$ST/out")"
sleep 1
[ -s "$SEEN" ] || fail "no namespace of the cell seen"
cellns=$(sort -u "$SEEN" | while read -r n; do [ -e "/run/netns/$n" ] && echo "$n"; done)
[ -n "$cellns" ] || fail "the cell's namespaces are not there mid-connect"
kill -INT -- "-$PID"
finish
[ "$RC" = 130 ] || fail "the interrupted cell exited $RC, want 130"
nothing_left
log_test "cleanup: matrix-cell v6_blackhole, SIGINT mid-connect: nothing left"

# --- the fallback matrix, SIGINT after a few seconds -----------------------------------------
start matrix "$TOP/scripts/fallback-matrix" --no-vm --faults "v6_blackhole onlink" --runs 3 \
	--out "$tmp/mx"
wait_for 30 running "$TAG" connect 2 || fail "the matrix did not start two cells: $(cat "$ST/out")"
sleep 2
t0=$(now_ms)
kill -INT -- "-$PID"
finish
stop_ms=$(($(now_ms) - t0))
[ "$RC" != 124 ] || fail "fallback-matrix did not stop within 60 s of SIGINT"
[ "$RC" != 0 ] || fail "fallback-matrix exited 0 after SIGINT"
nothing_left
clean_ms=$(($(now_ms) - t0))
[ -s "$SEEN.tmpdirs" ] || fail "no scratch directory of the matrix seen"
for d in $(sort -u "$SEEN.tmpdirs"); do
	[[ $d == "${TMPDIR:-/tmp}"/tmp.* ]] || { fail "odd MX_TMP '$d'"; continue; }
	[ -e "$d" ] && { fail "its scratch directory $d is left"; rm -rf "$d"; }
done
log_test "cleanup: fallback-matrix, SIGINT mid-run: exit in $stop_ms ms, nothing left at $clean_ms ms"

# --- the DNS side: pass, fail, SIGINT mid-lookup -------------------------------------------
for m in pass fail hang; do
	start "dns$m" bash "$tmp/scenario.sh" "dns-$m" "$tmp/dns$m"
	wait_for 30 test -e "$ST/ready.1" || fail "the DNS scenario did not start: $(cat "$ST/out")"
	read -r C R S <"$ST/names"
	read -r DC DT DA <"$ST/dnsnames"
	dnsdir=$(cat "$ST/dnsdir")
	[ "$(dns_daemons)" = "ldns-testns nsd unbound " ] ||
		fail "want ldns-testns, nsd and unbound, got: $(dns_daemons)"
	[ -d "$dnsdir" ] || fail "no scratch directory $dnsdir while it runs"
	: >"$ST/go.1"
	if [ $m = hang ]; then
		wait_for 10 test -e "$ST/ready.2" || fail "the lookup did not start"
		wait_for 5 running "$TAG" connect || fail "no lookup running"
		sleep 1
		kill -INT -- "-$PID"
	fi
	finish
	case $m in
	pass) [ "$RC" = 0 ] && grep -q '"resolve_ms"' "$ST/connect" || fail "dns-pass exited $RC: $(cat "$ST/out")" ;;
	fail) [ "$RC" = 1 ] || fail "dns-fail exited $RC, want 1" ;;
	hang) [ "$RC" = 130 ] || fail "dns-hang exited $RC after SIGINT, want 130" ;;
	esac
	nothing_left "$C" "$R" "$S" "$DC" "$DT" "$DA"
	[ ! -e "$dnsdir" ] || fail "the DNS scratch directory $dnsdir is left"
	log_test "cleanup: DNS scenario ($m): daemons, namespaces, /etc/netns, scratch gone"
done

# --- --force: nothing v6fix did not make goes without it ------------------------------------
# Every command that removes routes or labels, in one namespace holding
# foreign ones made with plain ip: a default through a gateway, a
# gateway-less (on-link) default, an address label. (host-onlink.sh and
# host-label.sh check each command's own output.)
setup_ns F P || fail "namespaces"
ip -n "$F" link add veth0 type veth peer name p0 netns "$P"
ip -n "$F" link add veth1 type veth peer name p1 netns "$P"
ip -n "$F" link add veth2 type veth peer name p2 netns "$P"
for d in veth0 veth1 veth2; do ip -n "$F" link set "$d" up; done
ip -n "$F" addr add 2001:db8:1::1/64 dev veth0 nodad
ip -n "$F" -6 route add default via 2001:db8:1::2 dev veth0
ip -n "$F" -6 route add default dev veth1 metric 2048
ip -n "$F" addrlabel add prefix 2001:db8:f::/48 label 77
routes() { ip -n "$F" -6 route show table all | grep -v '^\(local\|multicast\|fe80\)'; }
labels() { ip -n "$F" addrlabel list; }
routes0=$(routes) labels0=$(labels)
for cmd in "onlink on" "onlink off" "onlink on dev veth2" "onlink off dev veth1 veth2" \
	   "label flush" "label reset" "policy reset"; do
	"$V6FIX" -n "$F" $cmd >/dev/null 2>&1 || fail "'$cmd' failed"
	routes | grep -q '^default via 2001:db8:1::2 dev veth0 ' || fail "'$cmd' removed the gateway default"
	routes | grep -q '^default dev veth1 .*metric 2048' || fail "'$cmd' removed the foreign on-link default"
	labels | grep -q '^prefix 2001:db8:f::/48 label 77' || fail "'$cmd' removed the foreign label"
done
[ "$routes0" = "$(routes)" ] || fail "routes changed: $(diff <(echo "$routes0") <(routes))"
[ "$labels0" = "$(labels)" ] || fail "labels changed: $(diff <(echo "$labels0") <(labels))"
log_test "--force audit: onlink on/off, label flush/reset, policy reset keep foreign state"
"$V6FIX" -n "$F" onlink off --force >/dev/null
"$V6FIX" -n "$F" label reset --force >/dev/null
routes | grep -q '^default dev veth1 ' && fail "onlink off --force kept the foreign on-link default"
routes | grep -q '^default via 2001:db8:1::2 dev veth0 ' || fail "--force removed the gateway default"
labels | grep -q 2001:db8:f:: && fail "label reset --force kept the foreign label"
[ "$(labels | wc -l)" = 10 ] || fail "label reset --force: not the 10 default entries: $(labels)"
log_test "--force audit: with --force the foreign on-link default and label go"

# --- the host's own state --------------------------------------------------------------------
[ "$host_before" = "$(host_state)" ] ||
	fail "the host's nft tables or qdiscs changed: $(diff <(echo "$host_before") <(host_state))"
log_test "cleanup: the host's nft tables and qdiscs are unchanged"

exit $EXIT_STATUS
