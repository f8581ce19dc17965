#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole lookup a client sees, on this host (no module): the topology
# with its DNS side (scenario/dns.sh: root, test., v6fix.test in each mode,
# unbound), glibc's options, both resolver paths. Each check compares
# `getent ahosts` (the addresses) and `v6fix connect -j`'s resolve_ms (the
# time) with `v6fix predict` within generous bounds; short glibc timeouts
# (timeout:1) where only the mechanism matters. A capture at the router
# answers whether glibc asks for AAAA without global IPv6.
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"
source "$TOP/netns-tests/scenario/faults.sh"

require_root
require_cmd jq nsd unbound unbound-control ldns-testns getent tcpdump setpriv
[ -x "$V6FIX" ] || { log_test "host-dns: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }

D=10

# fresh FAULT [ARGS]: a new topology with the DNS fault (DNS_RESOLVER and
# DNS_RESOLV_OPTIONS from the environment).
CUR_FAULT=
fresh() {
	dns_teardown
	topo_teardown
	CUR_FAULT=
	topo_setup "$D" 2>/dev/null || { fail "topology setup failed"; return 1; }
	fault_apply "$@" || { fail "fault $* failed"; return 1; }
	CUR_FAULT="$*"
}

# resolver R OPTIONS: point the client at R with OPTIONS (no restart needed:
# every lookup below is a new process, which reads resolv.conf afresh).
resolver() {
	DNS_RESOLVER=$1 DNS_RESOLV_OPTIONS=$2
	dns_client_conf
}

# families: what getent ahosts returns for the server, "AAAA+A", "A", "-".
families() {
	local out f=
	dns_flush
	out=$(ip netns exec "$CLIENT" getent ahosts "$TOPO_HOST")
	[[ $out != *"$TOPO_SRV6 "* ]] || f=AAAA
	[[ $out != *"$TOPO_SRV4 "* ]] || f=${f:+$f+}A
	echo "${f:--}"
}

# lookup_ms [CONNECT-ARGS]: a cold lookup's resolve_ms; LOOKUP_ERR its error.
lookup_ms() {
	local out
	dns_flush
	out=$("$V6FIX" -n "$CLIENT" -j connect --timeout 5 "$@" "$TOPO_HOST" "$TOPO_PORT" 2>/dev/null)
	LOOKUP_ERR=$(jq -r '.resolve_error // ""' <<<"$out")
	jq -r '.resolve_ms' <<<"$out"
}

# predicted FAULT [CODE] [predict ARGS]: the model's resolve_ms.
predicted() {
	local f=$1 args=()
	shift
	[ -n "${1:-}" ] && [ "$1" != - ] && args+=(code "$1")
	shift || true
	[ -z "$DNS_RESOLV_OPTIONS" ] || args+=(resolv-options "$DNS_RESOLV_OPTIONS")
	"$V6FIX" -j predict fault "$f" resolver "$DNS_RESOLVER" delay "$D" "${args[@]}" "$@" |
		jq -r '.resolve_ms'
}

# near MEASURED PREDICTED WHAT: within 0.5x - 300 ms and 2x + 1 s of the
# model (a loaded machine slows the cold cache's dozen daemon round trips;
# what the checks separate are round trips, unbound's retries and glibc's
# timeouts, seconds apart).
near() {
	local m=$1 p=$2
	awk -v m="$m" -v p="$p" 'BEGIN { exit !(m >= 0.5 * p - 300 && m <= 2 * p + 1000) }' ||
		fail "$3: measured $m ms, model $p ms"
}

# check_mode LABEL FAULT CODE WANT-FAMILIES: both resolver paths.
check_path() {
	local label=$1 fault=$2 code=$3 want=$4 fam m p
	fam=$(families)
	[ "$fam" = "$want" ] || fail "$label: getent ahosts gave $fam, not $want"
	m=$(lookup_ms)
	p=$(predicted "$fault" "$code")
	near "$m" "$p" "$label"
	log_test "$label: $want in $(printf '%.0f' "$m") ms (model $(printf '%.0f' "$p"))"
}

# --- every mode through the cache and straight at the server ---------------------
# One topology: dns_auth_switch puts each mode in place (and flushes the cache).
test_modes() {
	local spec fault code want mode r opts
	DNS_RESOLVER=cache DNS_RESOLV_OPTIONS=
	fresh dns_ok || { log_test "modes: setup"; return; }
	for spec in "dns_ok - AAAA+A ok" "dns_nxdomain_aaaa - A nxdomain" "dns_rcode_aaaa 2 A rcode-2" \
		    "dns_rcode_aaaa 1 A rcode-1" "dns_rcode_aaaa 4 A rcode-4" "dns_broken_aaaa - A broken" \
		    "dns_lame_aaaa - A lame" "dns_ignore_aaaa - A ignore"; do
		read -r fault code want mode <<<"$spec"
		# The silent AAAA costs timeouts: here one of one second
		# (test_options counts them); NOTIMP's SERVFAIL comes to a retry.
		opts=
		[ "$mode" != ignore ] || opts="timeout:1 single-request-reopen"
		[ "$mode" != rcode-4 ] || opts="timeout:1"
		dns_auth_switch "$mode" || { fail "cannot switch to $mode"; log_test "$fault: switch"; continue; }
		CUR_FAULT=$fault
		for r in cache direct; do
			resolver "$r" "$opts"
			check_path "$fault${code/#-/} via $r${opts:+ ($opts)}" "$fault" "$code" "$want"
		done
	done
}

# --- glibc's options against a silent AAAA ------------------------------------------
test_options() {
	local o m p
	DNS_RESOLVER=direct DNS_RESOLV_OPTIONS=
	# test_modes ends with this fault's topology: reuse it.
	[ "$CUR_FAULT" = dns_ignore_aaaa ] || fresh dns_ignore_aaaa || { log_test "options: setup"; return; }
	for o in "timeout:1" "timeout:1 single-request" "timeout:1 single-request-reopen" \
		 "timeout:1 attempts:1" "no-aaaa"; do
		resolver direct "$o"
		m=$(lookup_ms)
		p=$(predicted dns_ignore_aaaa -)
		near "$m" "$p" "ignore, $o"
		# The model's counts, apart: 3, 2, 1 timeouts; none without AAAA.
		case "$o" in
		"timeout:1"|"timeout:1 attempts:1")
			awk -v m="$m" 'BEGIN { exit !(m >= 2900 && m < 4500) }' || fail "$o: $m ms, not 3 timeouts" ;;
		*single-request) awk -v m="$m" 'BEGIN { exit !(m >= 1900 && m < 3000) }' || fail "$o: $m ms, not 2" ;;
		*reopen) awk -v m="$m" 'BEGIN { exit !(m >= 900 && m < 1900) }' || fail "$o: $m ms, not 1" ;;
		no-aaaa) awk -v m="$m" 'BEGIN { exit !(m < 900) }' || fail "$o: $m ms, not at once" ;;
		esac
		log_test "ignore direct, $o: $(printf '%.0f' "$m") ms (model $(printf '%.0f' "$p"))"
	done
}

# --- the cache's broken IPv6 transport, and do-ip6 no ---------------------------------
test_v6_transport() {
	local m m_no
	DNS_RESOLVER=cache DNS_RESOLV_OPTIONS=
	fresh dns_v6_transport blackhole || { log_test "v6 transport: setup"; return; }
	m=$(lookup_ms)
	# Measured 1.5-5.3 s (bench-dns); a second at least, and an answer.
	awk -v m="$m" 'BEGIN { exit !(m >= 800) }' || fail "blackholed IPv6 transport: only $m ms"
	[ -z "$LOOKUP_ERR" ] || fail "lookup failed with glibc's default timeout: $LOOKUP_ERR"
	log_test "cache, IPv6 transport blackholed: $(printf '%.0f' "$m") ms"

	# The same chain, unbound restarted with do-ip6: no.
	DNS_DO_IP6=no
	dns_cache_restart || { fail "cannot restart unbound"; DNS_DO_IP6=yes; log_test "do-ip6 no"; return; }
	DNS_DO_IP6=yes
	m_no=$(lookup_ms)
	near "$m_no" "$(predicted dns_v6_transport blackhole do-ip6 no)" "do-ip6 no"
	[ "$(families)" = AAAA+A ] || fail "do-ip6 no: not both families"
	log_test "cache, IPv6 transport blackholed, do-ip6 no: $(printf '%.0f' "$m_no") ms"
}

# --- without global IPv6, does glibc still ask for AAAA? (a capture) -------------------
# asks CMD...: 1 when the router saw an AAAA query from the client for CMD.
asks_aaaa() {
	local cap pid
	cap=$(mktemp)
	nsenter --net="/run/netns/$ROUTER" tcpdump -lni eth-c -Q in 'udp dst port 53' >"$cap" 2>/dev/null &
	pid=$!
	sleep 0.5	# tcpdump needs its socket bound before the query leaves
	ip netns exec "$CLIENT" "$@" >/dev/null 2>&1
	sleep 0.2
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if grep -q 'AAAA?' "$cap"; then echo 1; else echo 0; fi
	grep -q ' A? ' "$cap" || echo "no A query seen" >&2
	rm -f "$cap"
}

test_no_global_v6() {
	local how gai conn
	DNS_RESOLVER=direct DNS_RESOLV_OPTIONS=
	# linklocal first: disable_ipv6 on top of it removes the rest.
	fresh "dns_ok+client_no_v6:linklocal" || { log_test "no global IPv6: setup"; return; }
	for how in linklocal disable; do
		[ $how = linklocal ] || fault_apply client_no_v6 disable ||
			{ fail "client_no_v6 disable"; log_test "no global IPv6 ($how)"; continue; }
		gai=$(asks_aaaa getent ahosts "$TOPO_HOST")
		conn=$(asks_aaaa "$V6FIX" connect "$TOPO_HOST" "$TOPO_PORT")
		# Measured: AI_ADDRCONFIG skips AAAA only with IPv6 disabled;
		# glibc counts a link-local address. Without the flag, always.
		case "$how" in
		disable) [ "$gai" = 0 ] || fail "getent ahosts asked AAAA with IPv6 disabled" ;;
		linklocal) [ "$gai" = 1 ] || fail "getent ahosts skipped AAAA with a link-local address" ;;
		esac
		[ "$conn" = 1 ] || fail "v6fix connect (no AI_ADDRCONFIG) did not ask AAAA"
		log_test "no global IPv6 ($how): AI_ADDRCONFIG asks AAAA: $gai, without: $conn"
	done
}

# --- a DNS cell of the matrix end to end -----------------------------------------------
test_matrix() {
	local out args err rc
	out=$(mktemp -d)
	defer rm -rf "$out"
	"$TOP/scripts/fallback-matrix" --no-vm --runs 3 --faults "dns_nxdomain_aaaa@direct" \
		--resolv-options "timeout:2" --out "$out" >"$out/log" 2>&1 ||
		fail "fallback-matrix failed: $(tail -n 3 "$out/log")"
	jq -e '[.cells[] | select(.fault == "dns_nxdomain_aaaa")] | length == 2 and
	       all(.resolver == "direct" and .resolv_options == "timeout:2" and .winner == "inet" and
		   .resolve_ms > 0 and .elapsed_ms >= .resolve_ms and .predicted_resolve_ms == 20 and
		   .runs == 3)' "$out/matrix.json" >/dev/null ||
		fail "the DNS cells: $(jq -c '.cells' "$out/matrix.json" 2>&1 | head -c 600)"
	grep -q '^| dns_nxdomain_aaaa \[direct, timeout:2\] | curl |' "$out/matrix.md" ||
		fail "matrix.md lacks the DNS table row"
	for args in "--resolvers bogus" "--resolv-options rotate" "--resolv-options timeout:0"; do
		# shellcheck disable=SC2086 # one word per argument
		err=$("$TOP/scripts/fallback-matrix" $args 2>&1 >/dev/null)
		rc=$?
		[ "$rc" = 2 ] && [ "$(wc -l <<<"$err")" = 1 ] || fail "fallback-matrix $args: exit $rc, '$err'"
	done
	"$TOP/scripts/fallback-matrix" --help | grep -q '^  dns_lame_aaaa$' || fail "--help lacks the DNS faults"
	log_test "matrix: DNS cells (direct, timeout:2): lookup, total, prediction; bad usage"
}

test_modes
test_options
test_v6_transport
test_no_global_v6
test_matrix
exit $EXIT_STATUS
