#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix serve's four dual-stack designs (the v6pc guide's), on this host's
# kernel: every row of scripts/server-table, design x net.ipv6.bindv6only x
# --v6only x client family, checked from outside (ss -ltn for what listens,
# a client of each family, ss -tn at both ends of the connection) against
# what the kernel's rules say:
#   - IPV6_V6ONLY starts as net.ipv6.bindv6only (inet6_create()); an
#     AF_INET6 socket on [::] without it also binds the IPv4 wildcard, so it
#     and an AF_INET socket on 0.0.0.0 conflict (inet_bind_conflict()):
#     whichever binds second gets EADDRINUSE;
#   - designs (2) and (3) bind in getaddrinfo(AI_PASSIVE)'s order, measured
#     here, not assumed; the server keeps the socket that did bind;
#   - (4) refuses IPv4 when IPV6_V6ONLY ends up 1, and prints IPv4 peers
#     unmapped; openbsd-inetd's tcp46 sets IPV6_V6ONLY 0 itself, tcp/tcp6
#     set it 1 (both rows measured under either bindv6only);
#   - (3) loses one family alone when that process dies (SIGKILL); the
#     others lose everything.
# The peer each server prints must be the client's own address and port.
# SERVE_DESIGNS="D..." limits the table's rows to those designs (default
# all four; for a slow guest: scripts/vm-run -- env SERVE_DESIGNS=inetd ...).
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"
source "$TOP/netns-tests/scenario/servers.sh"

require_root
require_cmd jq ss curl python3
[ -x "$V6FIX" ] || { log_test "host-serve: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }
[ -x /usr/sbin/inetd ] || { log_test "host-serve: needs openbsd-inetd" $ksft_skip; exit $ksft_skip; }

PROBE_DIR=$(mktemp -d)
defer rm -rf "$PROBE_DIR"
TOPO_SERVER_LOG=$PROBE_DIR/log
topo_setup 0 2>/dev/null || { log_test "topology setup" 1; exit $EXIT_STATUS; }

# glibc's order for the wildcard addresses in the server namespace.
ORDER=$(ip netns exec "$SERVER" python3 -c '
import socket
print(" ".join("inet" if r[0] == socket.AF_INET else "inet6" for r in
    socket.getaddrinfo(None, 80, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)))')
FIRST=${ORDER%% *} SECOND=${ORDER##* }
[ "$ORDER" = "inet inet6" ] || [ "$ORDER" = "inet6 inet" ]
log_test "getaddrinfo(AI_PASSIVE) in the server namespace: $ORDER"

# expect DESIGN B V: the row the kernel's rules give. Sets E_LISTEN, E_ERRORS
# and per family E_<fam> (accepts/refused), E_FORM_<fam> (plain: the
# client's address; mapped: ::ffff:a.b.c.d) and E_FAM_<fam> (printed family).
expect() {
	local d=$1 b=$2 v=$3 eff
	eff=$b; [ "$v" = default ] || eff=$v
	E_inet=accepts E_inet6=accepts E_ERRORS=
	E_FORM_inet=plain E_FORM_inet6=plain E_FAM_inet=inet E_FAM_inet6=inet6
	E_LISTEN="0.0.0.0:80,[::]:80"
	case "$d:$eff:$v" in
	sockets:1:*|processes:1:*) ;;
	sockets:0:*|processes:0:*)
		E_ERRORS="$SECOND bind EADDRINUSE"
		if [ "$FIRST" = inet ]; then
			E_LISTEN="0.0.0.0:80" E_inet6=refused
		else
			E_LISTEN="*:80" E_FORM_inet=mapped E_FAM_inet=inet6
		fi
		;;
	mapped:0:*) E_LISTEN="*:80" ;;
	mapped:1:*) E_LISTEN="[::]:80" E_inet=refused ;;
	inetd:*:0) E_LISTEN="*:80" E_FORM_inet=mapped E_FAM_inet=inet6 ;;
	inetd:*) ;;
	esac
}

# check_family FAM: the probe of FAM against the expectation.
check_family() {
	local f=$1 r e form fam peer src seen addr port
	r=PROBE_$f e=E_$f
	[ "${!r}" = "${!e}" ] || { fail "$f client: ${!r}, expected ${!e}"; return; }
	[ "${!r}" = accepts ] || return 0
	form=E_FORM_$f fam=E_FAM_$f peer=PROBE_PEER_$f src=PROBE_SRC_$f seen=PROBE_SEEN_$f
	local p=PROBE_FAM_$f
	[ "${!p}" = "${!fam}" ] || fail "$f client: server printed family ${!p}, expected ${!fam}"
	if [ "${!form}" = mapped ]; then
		[ "${!peer}" = "::ffff:${!src}" ] || fail "$f: printed '${!peer}', client is '${!src}' (mapped)"
	else
		[ "${!peer}" = "${!src}" ] || fail "$f: printed '${!peer}', client is '${!src}'"
	fi
	[ "${!seen#::ffff:}" = "${!src}" ] || fail "$f: server's ss shows '${!seen}', client is '${!src}'"
	# The log has the same connection.
	addr=${!peer% *} port=${!peer#* }
	jq -se --arg a "$addr" --argjson p "$port" 'any(.[]; .address == $a and .port == $p)' \
		"$TOPO_SERVER_LOG" >/dev/null 2>&1 || fail "$f: no log line for $addr port $port"
}

test_row() {
	local d=$1 b=$2 v=$3
	expect "$d" "$b" "$v"
	srv_probe "$d" "$b" "$v"
	[ "$PROBE_START" = ok ] || fail "the server did not start: $(head -c 300 "$PROBE_DIR/err")"
	[ "$PROBE_LISTEN" = "$E_LISTEN" ] || fail "listening '$PROBE_LISTEN', expected '$E_LISTEN'"
	[ "$PROBE_ERRORS" = "$E_ERRORS" ] || fail "bind failures '$PROBE_ERRORS', expected '$E_ERRORS'"
	check_family inet
	check_family inet6
	log_test "$(printf '%-9s bindv6only %s --v6only %-7s: v4 %s, v6 %s%s' "$d" "$b" "$v" \
		"$E_inet" "$E_inet6" "${E_ERRORS:+ ($E_ERRORS)}")"
}

for d in ${SERVE_DESIGNS:-sockets processes mapped inetd}; do
	for b in 0 1; do
		for v in default 0 1; do
			test_row "$d" "$b" "$v"
		done
	done
done

# One process dies: (3) loses that family alone, the others everything.
test_kill() {
	local d=$1 fam=$2 v
	v=$(srv_dual_v6only "$d")
	srv_probe "$d" 0 "$v" "$fam"
	[ -n "$PROBE_KILLED" ] || fail "nothing listened for $fam"
	if [ "$d" = processes ]; then
		local other=inet
		[ "$fam" = inet ] && other=inet6
		E_inet=accepts E_inet6=accepts E_FORM_inet=plain E_FORM_inet6=plain
		E_FAM_inet=inet E_FAM_inet6=inet6
		printf -v "E_$fam" refused
		check_family inet
		check_family inet6
		grep -q "the $fam process (pid $PROBE_KILLED) was killed by signal 9" "$PROBE_DIR/err" ||
			fail "the supervisor did not report the $fam process"
		log_test "processes: the $fam process killed: $fam refused, $other still served"
	else
		E_inet=refused E_inet6=refused
		check_family inet
		check_family inet6
		[ -z "$PROBE_LISTEN" ] || fail "still listening: $PROBE_LISTEN"
		log_test "$d: the process listening for $fam killed: both families refused"
	fi
}
test_kill processes inet6
test_kill processes inet
test_kill sockets inet6
test_kill mapped inet6
test_kill inetd inet6

# The inetd design's daemon: its own config and pid file in a /run of its
# own (a tmpfs in its private mount namespace), gone with the server; and
# when the supervisor is SIGKILLed, inetd follows it.
test_inetd_cleanup() {
	local pid sup
	srv_stop
	srv_start inetd default || { fail "inetd did not start"; log_test "inetd: cleanup"; return; }
	pid=$(srv_listeners | awk 'NR == 1 { print $2 }')
	[ "$(cat /proc/"$pid"/comm 2>/dev/null)" = inetd ] || fail "the listener is not inetd"
	grep -q "^$TOPO_PORT stream tcp nowait root .* serve --inetd" "/proc/$pid/root/run/inetd.conf" ||
		fail "inetd's /run/inetd.conf is not ours"
	[ "$(cat "/proc/$pid/root/run/inetd.pid" 2>/dev/null)" = "$pid" ] ||
		fail "inetd's /run/inetd.pid is not its pid $pid"
	[ "$(stat -f -c %T "/proc/$pid/root/run")" = tmpfs ] && ! [ "/proc/$pid/root/run" -ef /run ] ||
		fail "inetd's /run is the host's"
	srv_stop || fail "inetd still listens after the server stopped"
	! __srv_alive "$pid" || fail "inetd $pid still runs after the server stopped"
	srv_start inetd default || fail "inetd did not start again"
	pid=$(srv_listeners | awk 'NR == 1 { print $2 }') sup=$TOPO_SERVER_PID
	kill -KILL "$sup"
	wait_for 5 eval '! __srv_alive "$pid"' || fail "inetd $pid outlived its SIGKILLed supervisor"
	TOPO_SERVER_PID=
	log_test "inetd: own config and pid in its own /run; gone with the server, also after SIGKILL"
}
test_inetd_cleanup

# The built-in listener (the matrix's server) still answers curl with HTTP
# 200, and names an IPv4 client unmapped.
test_builtin_curl() {
	local out
	srv_stop
	topo_serve || fail "built-in server did not start"
	out=$(ip netns exec "$CLIENT" curl -s -4 --max-time 3 -w '%{http_code} %{local_port}' \
		"http://$TOPO_HOST:$TOPO_PORT/x")
	[[ $out == "design builtin socket inet6 family inet peer $TOPO_CLI4 port "*" mapped true local $TOPO_SRV4"*"200 "* ]] ||
		fail "curl got '$out'"
	log_test "built-in listener: HTTP/1.0 200 to curl, the peer unmapped"
}
test_builtin_curl

# A matrix cell of the server axis: the server's record beside each run's
# winner, and the model asked about the client-side fault it amounts to.
test_matrix_cell() {
	local out n agree
	out=$(MX_KERNEL=$(uname -r) MX_RUNS=3 MX_CLIENTS="seq curl" MX_DELAY=0 MX_HE_DELAY=250 \
		MX_CURL_HE_DELAY=200 MX_ND_SOLICIT=3 MX_ND_RETRANS=1000 MX_SYN_RETRIES=2 \
		MX_BSD_RETRIES=0 MX_TIMEOUT=10 MX_TMP=$PROBE_DIR \
		"$TOP/scripts/matrix-cell" server_v6_killed processes stock 2>&1)
	n=$(jq -s 'length' <<<"$out" 2>/dev/null)
	agree=$(jq -s '[.[] | select(.model_fault == "no_v6_listener" and .measured.winner.family == "inet"
		and .server.family == "inet" and .server.design == "processes"
		and .server.address == "'"$TOPO_CLI4"'")] | length' <<<"$out" 2>/dev/null)
	[ "${n:-0}" = 6 ] && [ "${agree:-0}" = 6 ] ||
		fail "want 6 runs won over IPv4 with the server's record agreeing, got $agree of $n: $out"
	log_test "matrix-cell server_v6_killed processes: 6 of 6 runs, server saw inet, agrees"
}
test_matrix_cell

exit $EXIT_STATUS
