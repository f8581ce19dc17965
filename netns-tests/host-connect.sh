#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix connect against the fault catalog, on this host's kernel (no module):
# the topology of scenario/topology.sh with a 10 ms path delay each way, one fresh
# topology per check. Bounds are generous: they separate "at once", "one
# RTT", "an RTO" and "the SYN retries", not milliseconds.
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"
source "$TOP/netns-tests/scenario/faults.sh"

require_root
require_cmd jq nft iptables ip6tables tc nsenter
[ -x "$V6FIX" ] || { log_test "host-connect: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }

D=10	# ms each way: RTT 20 ms

OUT=
RC=0
# cj ARGS...: v6fix connect -j from the client; JSON in $OUT, status in $RC.
cj() {
	OUT=$(topo_connect -j "$@")
	RC=$?
}

# expect JQ_FILTER WHAT: the filter must be true for $OUT.
expect() {
	jq -e "$1" >/dev/null 2>&1 <<<"$OUT"
	check_err $? "$2: $OUT"
}

# fresh [FAULT ARGS...]: a new topology with the path delay and the fault.
fresh() {
	topo_teardown
	topo_setup "$D" 2>/dev/null || { fail "topology setup failed"; return 1; }
	[ $# -eq 0 ] || fault_apply "$@" || { fail "fault $* failed"; return 1; }
}

test_path_delay() {
	fresh healthy || { log_test "path delay"; return; }
	cj
	expect '.winner.family == "inet6"' "healthy: IPv6 wins"
	expect '.total_ms >= 19 and .total_ms < 1000' "healthy: one RTT (2 x $D ms), under 1 s"
	log_test "healthy: IPv6 connects in one RTT (< 1 s), delay via $TOPO_DELAY_MECH"
	check_err "$RC" "exit status $RC for a success"
	log_test "healthy: exit status 0"

	# The delay is the mechanism's doing: without it the same path is fast.
	topo_delay 0 2>/dev/null
	cj
	expect '.total_ms < 15' "no delay: well under one delayed RTT"
	log_test "path delay off: same path without the 20 ms RTT"
}

test_json_shape() {
	local text
	fresh icmp6_unreach 0 || { log_test "JSON shape"; return; }
	cj
	expect 'keys == ["attempts","elapsed_ms","resolve_ms","total_ms","winner"]' "root keys"
	expect '.elapsed_ms >= .total_ms and .resolve_ms >= 0' "lookup and elapsed"
	expect '[.attempts[] | keys == ["address","end_ms","family","result","start_ms"]] | all' \
		"attempt keys"
	expect '.winner | keys == ["address","family"]' "winner keys"
	expect '[.attempts[] | (.start_ms|type) == "number" and (.end_ms|type) == "number"] | all' \
		"numbers"
	# Exactly one decimal, no spaces: the documented compact form.
	[[ $OUT =~ ^\{\"attempts\":\[\{\"family\":\"inet6\",\"address\":\"2001:db8:2::2\",\"start_ms\":0\.0,\"end_ms\":[0-9]+\.[0-9],\"result\":\"ENETUNREACH\"\},\{\"family\":\"inet\",\"address\":\"192\.0\.2\.130\",\"start_ms\":[0-9]+\.[0-9],\"end_ms\":[0-9]+\.[0-9],\"result\":\"ok\"\}\],\"winner\":\{\"family\":\"inet\",\"address\":\"192\.0\.2\.130\"\},\"total_ms\":[0-9]+\.[0-9],\"resolve_ms\":[0-9]+\.[0-9],\"elapsed_ms\":[0-9]+\.[0-9]\}$ ]]
	check_err $? "not the documented form: $OUT"
	log_test "JSON: exactly the documented keys and form"

	# -j after the object is the same as before it.
	text=$("$V6FIX" -j -n "$CLIENT" connect "$TOPO_HOST" "$TOPO_PORT" | jq -c 'del(.. | numbers)')
	[ "$text" = "$(jq -c 'del(.. | numbers)' <<<"$OUT")" ]
	check_err $? "global -j differs: $text"
	log_test "JSON: global -j and connect -j agree"

	text=$(topo_connect)
	[ "$(grep -c '^attempt ' <<<"$text")" = 2 ] &&
		grep -q '^attempt inet6 2001:db8:2::2 start 0.0 ms end [0-9.]* ms ENETUNREACH$' <<<"$text" &&
		grep -q '^winner inet 192.0.2.130 total [0-9.]* ms$' <<<"$text"
	check_err $? "text output: $text"
	log_test "text: one line per attempt, then winner and total"

	# --count N: N runs in one process, one JSON object a line, each the
	# same shape as a single run.
	text=$(topo_connect -j --count 3)
	[ "$(wc -l <<<"$text")" = 3 ] &&
		[ "$(jq -s '[.[] | .winner.family == "inet" and (.attempts | length) == 2] | all' \
			<<<"$text")" = true ]
	check_err $? "--count 3: $text"
	log_test "--count 3: three runs, one JSON object a line"
}

test_rst() {
	fresh no_v6_listener || { log_test "RST"; return; }
	cj
	expect '.attempts[0].family == "inet6" and .attempts[0].result == "ECONNREFUSED"' "RST"
	expect '.winner.family == "inet" and .total_ms < 500' "IPv4 at once"
	log_test "no IPv6 listener: RST, IPv4 within 0.5 s"
}

test_icmp6_codes() {
	local code want
	local -A errno=([0]=ENETUNREACH [1]=EACCES [2]=EHOSTUNREACH [3]=EHOSTUNREACH
			[4]=ECONNREFUSED [5]=EACCES [6]=EACCES)
	for code in 0 1 2 3 4 5 6; do
		want=${errno[$code]}
		fresh icmp6_unreach "$code" || { log_test "ICMPv6 code $code"; continue; }
		cj
		expect ".attempts[0].result == \"$want\"" "code $code"
		# The error comes after the delay of one way, not at once.
		expect '.attempts[0].end_ms >= 9 and .attempts[0].end_ms < 500' "error after D"
		expect '.winner.family == "inet" and .total_ms < 600' "then IPv4"
		log_test "ICMPv6 dest-unreach code $code: $want after ~$D ms, then IPv4"
	done
}

test_time_exceeded() {
	fresh icmp6_time_exceeded || { log_test "time exceeded"; return; }
	cj
	expect '.attempts[0].result == "EHOSTUNREACH" and .attempts[0].end_ms < 500' "time exceeded"
	expect '.winner.family == "inet"' "then IPv4"
	log_test "ICMPv6 time exceeded: EHOSTUNREACH, then IPv4"
}

test_no_route() {
	fresh no_v6_route || { log_test "no route"; return; }
	cj
	# glibc sorts IPv4 first (RFC 6724 rule 1); an IPv6 attempt fails at once.
	expect '.winner.family == "inet" and .total_ms < 500' "IPv4 wins"
	expect '[.attempts[] | select(.family == "inet6") | .result == "ENETUNREACH" and
		.end_ms - .start_ms < 5] | all' "IPv6 fails at once"
	log_test "no IPv6 route: IPv4 at once"
}

test_onlink() {
	local solicit retrans want
	fresh onlink || { log_test "on-link"; return; }
	solicit=$(nsenter --net="/run/netns/$CLIENT" sysctl -n net.ipv6.neigh.eth0.mcast_solicit)
	retrans=$(nsenter --net="/run/netns/$CLIENT" sysctl -n net.ipv6.neigh.eth0.retrans_time_ms)
	want=$((solicit * retrans))
	cj
	expect ".attempts[0].result == \"EHOSTUNREACH\" and .attempts[0].end_ms >= $want - 50 and
		.attempts[0].end_ms < $want + 800" "ND failure after $solicit x $retrans ms"
	expect '.winner.family == "inet"' "then IPv4"
	log_test "on-link ND failure: EHOSTUNREACH after ${solicit} x ${retrans} ms, then IPv4"

	# Shorter ND timers shorten it: the wait is the timers', not TCP's.
	fresh onlink 1 500 || { log_test "on-link, short timers"; return; }
	cj
	expect '.attempts[0].result == "EHOSTUNREACH" and .attempts[0].end_ms >= 450 and
		.attempts[0].end_ms < 1000' "ND failure after 1 x 500 ms"
	log_test "on-link ND failure with mcast_solicit=1 retrans=500 ms: ~0.5 s"
}

test_blackhole() {
	fresh v6_blackhole || { log_test "blackhole"; return; }
	topo_sysctl "$CLIENT" net.ipv4.tcp_syn_retries=1
	cj
	# 3 s whatever tcp_syn_linear_timeouts says (timing.h).
	expect '.attempts[0].result == "ETIMEDOUT" and .attempts[0].end_ms >= 2900 and
		.attempts[0].end_ms < 3800' "SYN timeout"
	expect '.winner.family == "inet"' "then IPv4"
	log_test "IPv6 blackhole, tcp_syn_retries=1: ETIMEDOUT after ~3 s"

	cj --algo he
	expect '.attempts[0].result == "ECANCELED" and .attempts[1].start_ms >= 249 and
		.attempts[1].start_ms < 300' "IPv4 starts after the delay"
	expect ".winner.family == \"inet\" and .total_ms >= 250 + 2 * $D - 1 and
		.total_ms < 250 + 2 * $D + 200" "delay + RTT"
	log_test "he, IPv6 blackhole: IPv4 after 250 ms + RTT, IPv6 cancelled"

	cj --algo he --delay 100
	expect ".winner.family == \"inet\" and .total_ms >= 100 + 2 * $D - 1 and
		.total_ms < 100 + 2 * $D + 200" "delay 100 + RTT"
	log_test "he --delay 100: IPv4 after 100 ms + RTT"

	cj --timeout 0.5
	expect '.attempts[0].result == "ETIME" and .winner == null and .attempts[0].end_ms >= 499 and
		.attempts[0].end_ms < 700 and (.attempts | length) == 1' "--timeout"
	[ "$RC" = 1 ]
	check_err $? "exit status $RC without a winner"
	log_test "--timeout 0.5 s: attempt ends with ETIME, no winner, exit 1"
}

test_filtered() {
	fresh icmp6_filtered 0 || { log_test "filtered"; return; }
	topo_sysctl "$CLIENT" net.ipv4.tcp_syn_retries=1
	cj
	expect '.attempts[0].result == "ETIMEDOUT" and .attempts[0].end_ms >= 2900' "like a blackhole"
	log_test "ICMPv6 errors dropped by the client: ETIMEDOUT like a blackhole"
}

test_client_reject() {
	fresh client_reject 0 || { log_test "client reject"; return; }
	cj
	# Linux keeps the first error as a soft one (socket owned by connect())
	# and aborts on the second, after the 1 s RTO (field notes).
	expect '.attempts[0].result == "ENETUNREACH" and .attempts[0].end_ms >= 950 and
		.attempts[0].end_ms < 1600' "after the RTO"
	expect '.winner.family == "inet"' "then IPv4"
	log_test "client-local reject: ENETUNREACH after the 1 s RTO (lock-owned case)"
}

test_v4_unreach() {
	fresh v4_unreach 1 || { log_test "v4 unreach"; return; }
	cj -4
	expect '.attempts[0].family == "inet" and .attempts[0].result == "EHOSTUNREACH" and
		.winner == null' "IPv4 host unreachable"
	[ "$RC" = 1 ]
	check_err $? "exit status $RC without a winner"
	log_test "IPv4 ICMP host unreachable (-4): EHOSTUNREACH, no winner, exit 1"
}

# gone PID...: none of the processes runs any more.
gone() {
	local p
	for p in "$@"; do
		! kill -0 "$p" 2>/dev/null || return 1
	done
}

nsgone() {
	local n
	for n in "$@"; do
		[ ! -e "/run/netns/$n" ] && [ ! -e "/etc/netns/$n" ] || return 1
	done
}

# A test killed by SIGINT leaves no namespace and no helper behind, and
# helpers die with their test even on SIGKILL (--exit-with).
test_cleanup() {
	local out pid sig c r s spid dpid
	for sig in INT KILL; do
		out=$(mktemp)
		# A background job of a script ignores SIGINT (and then cannot
		# trap it): give the child the default disposition back.
		env --default-signal=INT bash -c '
			source "$1/netns-tests/scenario/lib.sh"; source "$1/netns-tests/scenario/topology.sh"
			topo_setup 5 2>/dev/null || exit 1
			echo "$CLIENT $ROUTER $SERVER $TOPO_SERVER_PID $TOPO_DELAY_PID" >"$2"
			while :; do sleep 0.05; done' _ "$TOP" "$out" 2>/dev/null &
		pid=$!
		# Generous: under QEMU's TCG a setup can take seconds.
		if ! wait_for 30 test -s "$out"; then
			fail "child did not set up within 30 s"
			log_test "cleanup after SIG$sig"
			kill -KILL "$pid"
			wait "$pid" 2>/dev/null
			rm -f "$out"
			continue
		fi
		read -r c r s spid dpid <"$out"
		rm -f "$out"
		kill -s "$sig" "$pid"
		wait "$pid" 2>/dev/null
		if [ "$sig" = INT ]; then
			wait_for 5 nsgone "$c" "$r" "$s" || fail "namespaces left after SIGINT: $c $r $s"
		else
			# No trap runs on SIGKILL: remove the namespaces here.
			__topo_remove "$c" "$r" "$s"
		fi
		wait_for 5 gone "$spid" ${dpid:+"$dpid"} ||
			fail "helpers still run after SIG$sig: $spid $dpid"
		log_test "cleanup after SIG$sig: no namespace, server or delay line left"
	done
}

test_path_delay
test_json_shape
test_rst
test_icmp6_codes
test_time_exceeded
test_no_route
test_onlink
test_blackhole
test_filtered
test_client_reject
test_v4_unreach
test_cleanup
topo_teardown
exit $EXIT_STATUS
