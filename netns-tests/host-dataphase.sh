#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The data phase, timed to the last byte: `v6fix connect --transfer` and
# serve's GET /BYTES (exact byte counts, curl on the same URL, the plain
# answer for other requests), the PMTU black hole of faults-data.sh under
# tcp_mtu_probing 0, 1 and 2 (stalls with probing off, completes with it
# on), and the slow tunnel (Happy Eyeballs and curl pick IPv6, which is
# slower to the last byte than IPv4). Bounds are generous: they tell a
# stall from a completion, and RTOs from RTTs.
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"
source "$TOP/netns-tests/scenario/faults.sh"

require_root
require_cmd jq nft iptables ip6tables curl
[ -x "$V6FIX" ] || { log_test "host-dataphase: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }

WORK=$(mktemp -d)
defer rm -rf "$WORK"
D=10		# ms each way in the fault topologies
BYTES=262144
LIMIT=9		# s: the stall's bound (probing 1 completes after ~3.3 s, at worst ~6.8 s)

# curl_get FAMILY_OPT URL_BYTES: "size_download time_total remote_ip"
curl_get() {
	ip netns exec "$CLIENT" curl -s -o /dev/null $1 --max-time "$LIMIT" \
		-w '%{size_download} %{time_total} %{remote_ip} %{http_code}\n' \
		"http://$TOPO_HOST:$TOPO_PORT/$2"
}

# The fault topologies, each in its own process at once (they mostly wait).
measure_pmtu() {
	local p=$1 o=$WORK/pmtu$1
	topo_setup "$D" 2>/dev/null && fault_apply pmtu_blackhole "$p" || { echo setup >"$o.err"; topo_teardown; return; }
	topo_connect -j -6 --transfer $BYTES --timeout $LIMIT >"$o.json"
	echo $? >"$o.rc"
	topo_connect -j -4 --transfer $BYTES --timeout $LIMIT >"$o.v4.json"
	[ "$p" != 0 ] || curl_get -6 $BYTES >"$o.curl"
	topo_teardown
}
measure_tunnel() {
	local o=$WORK/tunnel
	topo_setup "$D" 2>/dev/null && fault_apply slow_tunnel 6 || { echo setup >"$o.err"; topo_teardown; return; }
	echo "$DATA_TUNNEL_MECH" >"$o.mech"
	topo_connect -j --algo he --transfer 1000000 --timeout 20 >"$o.he.json"
	topo_connect -j -4 --transfer 1000000 --timeout 20 >"$o.v4.json"
	curl_get "" 1000000 >"$o.curl"
	curl_get -4 1000000 >"$o.curl4"
	topo_teardown
}
# own_cleanup: in a subshell, run only its own deferred commands at exit
# (its topology), also when interrupted; subshells inherit no EXIT trap.
own_cleanup() {
	__DEFER=()
	trap __on_exit EXIT
	trap __on_signal INT TERM
}
for p in 0 1 2; do ( own_cleanup; measure_pmtu $p ) & done
( own_cleanup; measure_tunnel ) &

# --- meanwhile: byte counts on a plain topology -------------------------------------
topo_setup 0 2>/dev/null || { log_test "transfer: topology setup" 1; exit 1; }
bad=
for n in 0 1 1219 1220 65536 1000000 4194304; do
	for fam in -6 -4; do
		out=$(topo_connect -j $fam --transfer $n --timeout 10)
		rc=$?
		jq -e --argjson n $n '.transfer.body_bytes == $n and .transfer.complete and
			.transfer.status == 200 and .transfer.first_byte_ms <= .transfer.last_byte_ms and
			.transfer.first_byte_ms >= .total_ms' <<<"$out" >/dev/null && [ $rc = 0 ] ||
			bad+=" $n$fam(rc $rc: $out)"
	done
	read -r size _ ip code <<<"$(curl_get "" $n)"
	[ "$size" = $n ] && [ "$code" = 200 ] || bad+=" curl $n: got $size bytes, code $code"
done
[ -z "$bad" ] || fail "byte counts:$bad"
log_test "transfer: body bytes exact for 0 B to 4 MiB, both families, and for curl"

out=$(topo_connect -j --transfer 1000 --count 3)
[ "$(jq -s '[.[] | .transfer.body_bytes] == [1000, 1000, 1000]' <<<"$out")" = true ]
check_err $? "--count 3: $out"
jq -s -e '[.[] | .winner.family == "inet6" and (.transfer | keys ==
	["body_bytes","bytes","complete","first_byte_ms","last_byte_ms","result","status"])] | all' \
	<<<"$out" >/dev/null
check_err $? "JSON shape: $out"
text=$(topo_connect --transfer 1000)
[[ $text == *"transfer 1000 bytes received 1000 status 200 first byte "*" complete true ok"* ]]
check_err $? "text: $text"
log_test "transfer: --count, JSON keys, the text line; the family is the winner's"

# Other requests get the server's own answer (curl in the matrix): what it
# saw, not a body of some size.
ans=$(ip netns exec "$CLIENT" curl -s -D - "http://$TOPO_HOST:$TOPO_PORT/index.html")
[[ $ans == "HTTP/1.0 200 OK"* && $ans == *"design builtin socket inet6 family inet"* ]]
check_err $? "GET /index.html: $ans"
log_test "serve: a request that is not GET /BYTES gets the server's HTTP/1.0 200"

# A request that comes 300 ms after the connection (the server wakes every
# 50 ms meanwhile, and for other connections) is still GET /BYTES: a wake
# without data adds nothing to it.
# shellcheck disable=SC2016 # expanded by the inner bash
got=$(ip netns exec "$CLIENT" bash -c 'exec 3<>/dev/tcp/$0/$1; sleep 0.3
	printf "GET /1000 HTTP/1.0\r\n\r\n" >&3; cat <&3 | wc -c' "$TOPO_SRV6" "$TOPO_PORT")
[ "$got" -gt 1000 ] && [ "$got" -lt 1200 ]
check_err $? "a late GET /1000 got $got bytes (the server's own answer is ~170)"
log_test "serve: a request line that comes late is read as it was sent"
topo_teardown

wait

# --- the PMTU black hole -------------------------------------------------------------
for p in 0 1 2; do
	o=$WORK/pmtu$p
	[ ! -e "$o.err" ] || { fail "pmtu_blackhole $p: setup failed"; log_test "pmtu_blackhole $p"; continue; }
	jq -e '.transfer.first_byte_ms < 1000' "$o.json" >/dev/null
	check_err $? "no first byte within 1 s: $(cat "$o.json")"
	jq -e --argjson n $BYTES '.winner.family == "inet" and .transfer.complete and
		.transfer.last_byte_ms < 3000 and .transfer.body_bytes == $n' "$o.v4.json" >/dev/null
	check_err $? "IPv4 on the same topology is not fast: $(cat "$o.v4.json")"
	if [ $p = 0 ]; then
		jq -e --argjson n $BYTES '.transfer.complete == false and .transfer.body_bytes < $n and
			.transfer.result == "ETIME"' "$o.json" >/dev/null
		check_err $? "probing 0 completed: $(cat "$o.json")"
		[ "$(cat "$o.rc")" = 1 ]
		check_err $? "probing 0: exit status $(cat "$o.rc"), want 1"
		read -r size _ _ _ <"$o.curl"
		[ "$size" -lt $BYTES ]
		check_err $? "curl completed through the black hole: $(cat "$o.curl")"
		log_test "pmtu_blackhole 0: stalls (first byte, then nothing in $LIMIT s; curl too); exit 1"
	else
		jq -e --argjson n $BYTES '.transfer.complete and .transfer.body_bytes == $n and
			.transfer.last_byte_ms > 2000' \
			"$o.json" >/dev/null
		check_err $? "probing $p: $(cat "$o.json")"
		log_test "pmtu_blackhole $p: completes after black-hole detection ($(jq -r '.transfer.last_byte_ms' "$o.json") ms)"
	fi
done

# --- the slow tunnel ----------------------------------------------------------------
o=$WORK/tunnel
if [ -e "$o.err" ]; then
	fail "slow_tunnel: setup failed"
else
	he=$(jq -r 'select(.winner.family == "inet6" and .transfer.complete) | .transfer.last_byte_ms' "$o.he.json")
	v4=$(jq -r 'select(.winner.family == "inet" and .transfer.complete) | .transfer.last_byte_ms' "$o.v4.json")
	read -r _ cu6 ip6 _ <"$o.curl"
	read -r _ cu4 ip4 _ <"$o.curl4"
	[ -n "$he" ] && [ -n "$v4" ] || fail "he over IPv6 / IPv4 did not complete: $(cat "$o.he.json" "$o.v4.json")"
	[ -z "$he" ] || [ -z "$v4" ] || awk -v a="$he" -v b="$v4" 'BEGIN { exit !(a > 1.5 * b) }' ||
		fail "IPv6 through the tunnel ($he ms) not slower than IPv4 ($v4 ms)"
	[[ $ip6 == *:* ]] && [[ $ip4 != *:* ]] || fail "curl used $ip6 (want IPv6) and $ip4 (-4)"
	awk -v a="$cu6" -v b="$cu4" 'BEGIN { exit !(a > 1.5 * b) }' ||
		fail "curl: IPv6 ${cu6}s not slower than IPv4 ${cu4}s"
	mech=$(cat "$o.mech")
fi
log_test "slow_tunnel (${mech:-?}): he and curl pick IPv6, slower to the last byte (he $he ms, -4 $v4 ms)"

exit $EXIT_STATUS
