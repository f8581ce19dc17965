#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The resolution strategies of `v6fix connect --resolve` against misbehaving
# authoritative servers (scenario/dns.sh), on this host's kernel: the
# topology of scenario/topology.sh (10 ms each way), the client's names from
# DNS only (its hosts file emptied), resolv.conf "timeout:1 attempts:1" so a
# resolver timeout costs seconds, not tens of them. The servers run on the
# client's loopback: DNS answers take no path delay, the Resolution Delay
# and the AAAA's own sleep are what is measured.
#
#   ignore (RFC 4074 class A)  AAAA never answered
#   slow                       AAAA answered after SLOW ms (ldns-testns
#                              ADJUST sleep=), A at once
#
# Also --algo first (no fallback), and the seed's 3.4.1 switch against
# glibc's AI_ADDRCONFIG on a client whose only IPv6 address is link-local.
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"
source "$TOP/netns-tests/scenario/faults.sh"
source "$TOP/netns-tests/scenario/dns.sh"

require_root
require_cmd jq ldns-testns setpriv nsenter python3
[ -x "$V6FIX" ] || { log_test "host-resolve: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }

D=10		# ms each way
SLOW=300	# ms, the slow AAAA
RD=50		# ms, RFC 8305's Resolution Delay
NS_ADDR=$DNS_AUTH4

OUT=
RC=0
cj() {
	OUT=$(topo_connect -j "$@")
	RC=$?
}
expect() {
	jq -e "$1" >/dev/null 2>&1 <<<"$OUT"
	check_err $? "$2: $OUT"
}

# server ignore|MS: the client's DNS server on $NS_ADDR: ldns-testns with
# the ignore mode's data (scenario/dns), plus, unless "ignore", an AAAA
# entry whose answers a delay line holds for MS ms. (ldns-testns's own
# "ADJUST sleep=" counts whole seconds and blocks the server meanwhile, A
# queries too.) One server at a time (it binds [::]:53).
# aaaa_delay ignore|on: DNS answers of type AAAA for server.v6fix.test
# (its 19-byte QNAME puts QTYPE 31 bytes into the UDP payload) leaving the
# client's server get mark 7 (nft), and raw OUTPUT sends marked packets to
# the delay line's NFQUEUE 7 (the host kernel has xt NFQUEUE, not
# nft_queue). The delay line (started once, SLOW ms) holds them.
DELAY_PID=
aaaa_delay() {
	local me=$BASHPID	# this shell, not the $(...) below
	ip netns exec "$CLIENT" nft delete table inet v6fix_resolve 2>/dev/null
	[ "$1" != ignore ] || return 0
	if [ -z "$DELAY_PID" ]; then
		DELAY_PID=$("$V6FIX" -n "$CLIENT" delayline --daemon --exit-with "$me" \
			--queue 7 "$SLOW") || { fail "cannot start the delay line"; return 1; }
		ip netns exec "$CLIENT" iptables -w -t raw -A OUTPUT -m mark --mark 7 \
			-j NFQUEUE --queue-num 7 || return 1
	fi
	ip netns exec "$CLIENT" nft -f - <<-EOF
		table inet v6fix_resolve {
			chain out {
				type filter hook output priority -400;
				udp sport 53 @th,312,16 28 meta mark set 7
			}
		}
	EOF
}

SERVER_PID=
server() {
	local ms=$1 dir
	[ -z "$SERVER_PID" ] || __dns_stop "$SERVER_PID" ldns-testns
	aaaa_delay "$([ "$ms" = ignore ] && echo ignore || echo on)" || return 1
	dir=$(mktemp -d "$DNS_DIR/resolve.XXXXXX") || return 1
	{
		cat "$DNS_DATA/auth-ignore.testns"
		[ "$ms" = ignore ] || {
			printf 'ENTRY_BEGIN\nMATCH opcode qtype qname\nADJUST copy_id\n'
			printf 'REPLY QR AA NOERROR\nSECTION QUESTION\nserver.v6fix.test. IN AAAA\n'
			printf 'SECTION ANSWER\nserver.v6fix.test. IN AAAA %s\nENTRY_END\n' "$TOPO_SRV6"
		}
	} >"$dir/zone.testns"
	__dns_run "$CLIENT" "$dir/zone.testns" "$dir/log" ldns-testns -6 -p 53 "$dir/zone.testns"
	SERVER_PID=$DNS_LAST_PID
	__dns_wait "$SERVER_PID" "$CLIENT" "$NS_ADDR" ||
		{ fail "ldns-testns did not start: $(tail -n 3 "$dir/log")"; return 1; }
}

setup() {
	topo_setup "$D" 2>/dev/null || { fail "topology setup failed"; return 1; }
	echo "127.0.0.1 localhost" >"/etc/netns/$CLIENT/hosts"
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$NS_ADDR" >"/etc/netns/$CLIENT/resolv.conf"
	__dns_scratch && __dns_addr "$CLIENT" "$NS_ADDR"
}

# model STRATEGY FAULT [ARGS...]: the measured resolve_ms in $OUT is the
# model's (v6fix predict ... resolve STRATEGY: DNS on the client itself, so
# no path delay for it; the same resolv.conf), within -5 / +250 ms (the
# load of a shared 2-core host delays the local DNS server too).
model() {
	local st=$1 f=$2 pred
	shift 2
	pred=$("$V6FIX" -j predict fault "$f" resolve "$st" resolver direct delay 0 \
		resolv-options timeout:1,attempts:1 "$@" | jq .resolve_ms)
	jq -e --argjson p "$pred" '.resolve_ms >= $p - 5 and .resolve_ms < $p + 250' \
		>/dev/null <<<"$OUT"
	check_err $? "model: predicted resolve_ms $pred, measured: $OUT"
	log_test "model: $st under $f${*:+ ($*)}: resolve_ms as predicted ($pred ms)"
}

test_ignored_aaaa() {
	server ignore || return
	cj --resolve getaddrinfo
	# glibc: A and AAAA in parallel; the AAAA's timeout (1 s) and its
	# single-request retry: measured 3 s with timeout:1 attempts:1.
	expect '.winner.family == "inet" and .resolve_ms >= 950' "getaddrinfo waits the timeout"
	log_test "dns ignore AAAA, getaddrinfo: waits the resolver timeout (>= 1 s), then IPv4"
	model getaddrinfo dns_ignore_aaaa

	cj --resolve rfc8305 --algo he
	expect '.winner.family == "inet" and (.queries | length) == 2' "rfc8305 connects"
	expect '.queries[1].type == "AAAA" and .queries[1].answered_ms == null and
		.queries[0].rcode == "NOERROR" and .queries[0].answers == 1' "queries"
	expect ".resolve_ms - .queries[0].answered_ms >= $RD - 1 and
		.resolve_ms - .queries[0].answered_ms < $RD + 150" "Resolution Delay after A"
	expect '.elapsed_ms < 600' "returns without waiting for the AAAA"
	log_test "dns ignore AAAA, rfc8305: IPv4 the Resolution Delay (50 ms) after A, AAAA not waited for"
	model rfc8305 dns_ignore_aaaa

	cj --resolve rfc8305 --resolution-delay 200
	expect ".resolve_ms - .queries[0].answered_ms >= 199 and
		.resolve_ms - .queries[0].answered_ms < 350" "Resolution Delay 200"
	log_test "dns ignore AAAA, rfc8305 --resolution-delay 200: IPv4 200 ms after A"

	cj --resolve kame
	expect '.winner.family == "inet" and .queries[0].type == "A" and
		.queries[1].sent_ms >= .queries[0].answered_ms' "AAAA after A"
	expect '.resolve_ms - .queries[1].sent_ms >= ([1000, 2 * .queries[0].answered_ms] | max) - 1 and
		.resolve_ms - .queries[1].sent_ms < ([1000, 2 * .queries[0].answered_ms] | max) + 200' \
		"max(1 s, 2T)"
	log_test "dns ignore AAAA, kame: A, then AAAA, waits max(1 s, 2T), then IPv4"
	model kame dns_ignore_aaaa
}

test_slow_aaaa() {
	server "$SLOW" || return
	cj --resolve getaddrinfo
	expect ".winner.family == \"inet6\" and .resolve_ms >= $SLOW - 5 and .resolve_ms < 900" \
		"getaddrinfo waits for the AAAA"
	log_test "slow AAAA ($SLOW ms), getaddrinfo: waits for it, then IPv6"
	model getaddrinfo healthy aaaa-delay "$SLOW"

	cj --resolve rfc8305 --algo he
	expect ".winner.family == \"inet\" and .queries[0].answered_ms < 100 and
		.resolve_ms - .queries[0].answered_ms >= $RD - 1 and
		.resolve_ms - .queries[0].answered_ms < $RD + 150" "IPv4 after the delay"
	expect ".elapsed_ms < $SLOW" "connected before the AAAA arrived"
	log_test "slow AAAA ($SLOW ms), rfc8305: IPv4 connected ~50 ms after A, before the AAAA"

	cj --resolve kame
	expect ".winner.family == \"inet6\" and .queries[1].answered_ms - .queries[1].sent_ms >= $SLOW - 5 and
		.resolve_ms - .queries[1].answered_ms < 50" "kame waits for it"
	log_test "slow AAAA ($SLOW ms), kame: within max(1 s, 2T): waits for it, IPv6 first"
	model kame healthy aaaa-delay "$SLOW"

	# The late AAAA joins the race: IPv4 blackholed, so only it can win.
	ip netns exec "$ROUTER" iptables -I FORWARD -p tcp -d "$TOPO_SRV4" -j DROP
	cj --resolve rfc8305 --algo he --timeout 3
	expect '.winner.family == "inet6" and .attempts[0].family == "inet" and
		.attempts[1].family == "inet6"' "IPv6 joined"
	expect ".attempts[1].start_ms + .resolve_ms >= $SLOW - 5 and
		.attempts[1].start_ms + .resolve_ms < $SLOW + 250" "when the AAAA came"
	log_test "slow AAAA, IPv4 blackholed, rfc8305: the late IPv6 address joins the race and wins"
	# The race's loop hands its winner to --transfer, the late one too.
	cj --resolve rfc8305 --algo he --timeout 3 --transfer 100000
	expect '.winner.family == "inet6" and .transfer.complete and .transfer.body_bytes == 100000 and
		.transfer.first_byte_ms > .total_ms and .transfer.last_byte_ms >= .transfer.first_byte_ms' \
		"the late winner's download"
	cj --resolve kame --transfer 1000
	expect '.winner.family == "inet6" and .transfer.complete and .transfer.body_bytes == 1000' \
		"kame's download"
	log_test "--resolve rfc8305|kame --transfer: the download runs on the race's winner (the late IPv6 one)"
	ip netns exec "$ROUTER" iptables -D FORWARD -p tcp -d "$TOPO_SRV4" -j DROP
}

test_first() {
	server "$SLOW" || return
	fault_apply v6_blackhole >/dev/null 2>&1
	topo_sysctl "$CLIENT" net.ipv4.tcp_syn_retries=1
	cj --algo first
	expect '(.attempts | length) == 1 and .attempts[0].family == "inet6" and
		.attempts[0].result == "ETIMEDOUT" and .winner == null' "no fallback"
	expect '.total_ms >= 2900 and .total_ms < 3800' "the SYN timeout"
	[ "$RC" = 1 ]
	check_err $? "exit status $RC without a winner"
	log_test "--algo first, IPv6 blackhole: ETIMEDOUT after ~3 s, IPv4 never tried, exit 1"
}

# The seed's 3.4.1 vs AI_ADDRCONFIG: the client keeps only its link-local
# IPv6 address (the kernel's fe80:: on eth0) and no IPv6 route.
test_linklocal_only() {
	local ll out
	server "$SLOW" || return
	ip -n "$CLIENT" addr del "$TOPO_CLI6/64" dev eth0
	ip -n "$CLIENT" addr add fe80::76:36:2/64 dev eth0 nodad 2>/dev/null
	ll=$(ip -n "$CLIENT" -6 -o addr show scope global | wc -l)
	[ "$ll" = 0 ]
	check_err $? "the client still has a global IPv6 address"
	cj --resolve rfc8305 --aaaa-only-with-global
	expect '(.queries | length) == 1 and .queries[0].type == "A" and .winner.family == "inet"' \
		"only A asked"
	expect '.resolve_ms - .queries[0].answered_ms < 30' "attempts right after A"
	log_test "link-local IPv6 only, --aaaa-only-with-global: no AAAA query, IPv4 at once"
	cj --resolve rfc8305
	expect '(.queries | length) == 2' "without the switch AAAA is asked"
	log_test "link-local IPv6 only, without the switch: AAAA asked too"
	cj --resolve getaddrinfo --aaaa-only-with-global
	expect ".winner.family == \"inet\" and .resolve_ms < $SLOW - 50" "getaddrinfo, A only"
	log_test "link-local IPv6 only, getaddrinfo --aaaa-only-with-global: A only, no $SLOW ms AAAA wait"

	# glibc's AI_ADDRCONFIG (check_pf.c) counts every IPv6 address but
	# loopback: link-local too, so it still asks for AAAA and waits.
	out=$(ip netns exec "$CLIENT" python3 -c '
import socket, time
t = time.monotonic()
r = socket.getaddrinfo("server.v6fix.test", 80, 0, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)
print(int((time.monotonic() - t) * 1000), " ".join(sorted({a[4][0] for a in r})))')
	[[ $out == *"$TOPO_SRV6"* ]] && [ "${out%% *}" -ge $((SLOW - 5)) ]
	check_err $? "AI_ADDRCONFIG: $out"
	log_test "link-local IPv6 only, glibc AI_ADDRCONFIG: still asks AAAA (waits ${out%% *} ms) and returns it"
}

setup || { log_test "setup"; exit "$EXIT_STATUS"; }
test_ignored_aaaa
test_slow_aaaa
test_first
test_linklocal_only
exit "$EXIT_STATUS"
