#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix fwcheck against the firewalls of scenario/firewalls.sh on the
# router: each kind of ICMP error dropped alone, all together, none, and an
# RFC 4890-style ruleset; the router's routes toward the server have MTU
# 1400 (so a 1500-byte packet is too big there), the server runs NSD with a
# generated zone whose big.v6fix.test TXT answer is 2,599 bytes. Every
# verdict of both families must be the one the firewall makes, and peer
# tools from Debian must agree where they cover the same test: tracepath
# (time exceeded, Packet Too Big, port unreachable once the MTU is known),
# ping (address unreachable), dig +bufsize=4096 (EDNS0). One topology per
# firewall, all at once (they mostly wait).
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/topology.sh"
source "$TOP/netns-tests/scenario/firewalls.sh"

require_root
require_cmd jq nft nsd dig tracepath ping setpriv
[ -x "$V6FIX" ] || { log_test "host-fwcheck: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }

TESTS=(port-unreach addr-unreach packet-too-big time-exceeded edns0)
# The verdicts each firewall must give, in the order of TESTS, both families.
declare -A WANT=(
	[none]="passes passes passes passes passes"
	[port]="filtered passes passes passes passes"
	[addr]="passes filtered passes passes passes"
	[ptb]="passes passes filtered passes passes"
	[te]="passes passes passes filtered passes"
	[edns]="passes passes passes passes filtered"
	[all]="filtered filtered n/a filtered filtered"
	[rfc4890]="passes passes passes passes passes"
)
UNUSED6=2001:db8:2::99
# Not the addresses fwcheck picks (192.0.2.190 for /26, .158 for /27): a
# neighbour entry already failing would answer at once, not after ND.
UNUSED4=192.0.2.189

WORK=$(mktemp -d)
defer rm -rf "$WORK"

# nsd_start DIR: NSD in the server's namespace on both of its addresses,
# serving v6fix.test with a large TXT answer (12 distinct 200-byte strings).
nsd_start() {
	local d=$1 i
	{
		printf '$ORIGIN v6fix.test.\n$TTL 300\n'
		printf '@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n'
		printf 'ns AAAA %s\nns A %s\n' "$TOPO_SRV6" "$TOPO_SRV4"
		for i in $(seq 1 12); do printf 'big TXT "%02d%0198d"\n' "$i" 0; done
	} >"$d/v6fix.test.zone"
	# NSD answers at most 1232 bytes over UDP unless told otherwise.
	cat >"$d/nsd.conf" <<-EOF
		server:
			ip-address: $TOPO_SRV6
			ip-address: $TOPO_SRV4
			port: 53
			username: ""
			chroot: ""
			zonesdir: "$d"
			database: ""
			pidfile: "$d/nsd.pid"
			xfrdfile: "$d/xfrd.state"
			zonelistfile: "$d/zone.list"
			logfile: "$d/nsd.log"
			server-count: 1
			ipv4-edns-size: 4096
			ipv6-edns-size: 4096
		remote-control:
			control-enable: no
		zone:
			name: v6fix.test
			zonefile: v6fix.test.zone
	EOF
	ip netns exec "$SERVER" nsd -c "$d/nsd.conf" || return 1
	defer kill_pidfile "$d/nsd.pid"
	wait_for 5 test -s "$d/nsd.pid"
	wait_for 5 dig_ok "$TOPO_SRV4"
}

dig_ok() {
	ip netns exec "$CLIENT" dig @"$1" +tries=1 +time=1 +short ns.v6fix.test A | grep -q .
}

# run_config NAME: one topology with firewall NAME; results in $WORK/NAME.*
run_config() {
	local name=$1 o=$WORK/$1 d
	d=$(mktemp -d "$WORK/nsd.XXXXXX")
	topo_setup 0 2>/dev/null || { echo "topology" >"$o.err"; return; }
	# The server's own error rate limit would slow the MTU search.
	topo_sysctl "$SERVER" net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_ratelimit=0
	fw_narrow 1400 || { echo "route MTU" >"$o.err"; topo_teardown; return; }
	if ! nsd_start "$d"; then
		echo "nsd did not start: $(cat "$d/nsd.log" 2>/dev/null)" >"$o.err"
		[ ! -s "$d/nsd.pid" ] || kill "$(cat "$d/nsd.pid")"
		topo_teardown
		return
	fi
	fw_apply "$name" || echo "firewall" >"$o.err"

	# fwcheck and the peers at the same time: each probe has its own
	# socket, so nobody sees another's errors, and they mostly wait.
	{
		"$V6FIX" -n "$CLIENT" -j fwcheck "$TOPO_HOST" --prefix-len4 26 --wait 1000 \
			--dns "$TOPO_SRV6" --dns "$TOPO_SRV4" >"$o.json" 2>"$o.stderr"
		echo $? >"$o.rc"
	} &
	if [ "$name" = none ]; then
		# The same, unprivileged: no probe needs CAP_NET_RAW.
		ip netns exec "$CLIENT" setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$V6FIX" -j fwcheck "$TOPO_HOST" --prefix-len4 27 --wait 1000 \
			--dns "$TOPO_SRV6" >"$o.nobody.json" 2>"$o.nobody.stderr" &
	fi
	ip netns exec "$CLIENT" tracepath -6 -n -l 1500 -m 2 "$TOPO_SRV6" >"$o.tp6" 2>&1 &
	ip netns exec "$CLIENT" tracepath -4 -n -l 1500 -m 2 "$TOPO_SRV4" >"$o.tp4" 2>&1 &
	ip netns exec "$CLIENT" ping -6 -n -c 1 -W 5 "$UNUSED6" >"$o.ping6" 2>&1 &
	ip netns exec "$CLIENT" ping -4 -n -c 1 -W 5 "$UNUSED4" >"$o.ping4" 2>&1 &
	ip netns exec "$CLIENT" dig @"$TOPO_SRV6" +bufsize=4096 +notcp +ignore +tries=1 +time=2 \
		big.v6fix.test TXT >"$o.dig6" 2>&1 &
	ip netns exec "$CLIENT" dig @"$TOPO_SRV4" +bufsize=4096 +notcp +ignore +tries=1 +time=2 \
		big.v6fix.test TXT >"$o.dig4" 2>&1 &
	wait
	kill "$(cat "$d/nsd.pid")" 2>/dev/null
	topo_teardown
}

# own_cleanup: in a subshell, run only its own deferred commands at exit
# (its topology, NSD), also when interrupted; subshells inherit no EXIT trap.
own_cleanup() {
	__DEFER=()
	trap __on_exit EXIT
	trap __on_signal INT TERM
}
kill_pidfile() {
	[ ! -s "$1" ] || kill "$(cat "$1")"
}

for name in "${FW_NAMES[@]}"; do
	( own_cleanup; run_config "$name" ) &
done
wait

# verdict NAME FAMILY TEST
verdict() {
	jq -r --arg f "$2" --arg t "$3" \
		'.tests[] | select(.family == $f and .test == $t) | .verdict' "$WORK/$1.json" 2>/dev/null
}

# peer NAME FAMILY TEST: the peer tool's verdict, or "-" where none covers it.
peer() {
	local o=$WORK/$1 f=${2#inet} n
	n=${f:-4}
	case "$3" in
	time-exceeded)
		if grep -Eq '^ 1:  [0-9a-f:.]+ ' "$o.tp$n"; then echo passes; else echo filtered; fi ;;
	packet-too-big)
		if grep -q 'pmtu 1400' "$o.tp$n"; then echo passes; else echo -; fi ;;
	port-unreach)
		# Only once tracepath knows the MTU can its probes reach TARGET.
		if ! grep -q 'pmtu 1400' "$o.tp$n"; then echo -
		elif grep -q reached "$o.tp$n"; then echo passes; else echo filtered; fi ;;
	addr-unreach)
		if grep -Eqi 'address unreachable|host unreachable' "$o.ping$n"; then echo passes
		else echo filtered; fi ;;
	edns0)
		if grep -Eq 'MSG SIZE +rcvd: (1[3-9][0-9][0-9]|[2-9][0-9][0-9][0-9])' "$o.dig$n"; then
			echo passes
		elif grep -q 'timed out' "$o.dig$n"; then echo filtered; else echo -; fi ;;
	esac
}

for name in "${FW_NAMES[@]}"; do
	if [ -e "$WORK/$name.err" ]; then
		fail "$name: setup failed: $(cat "$WORK/$name.err")"
		log_test "fwcheck: firewall $name"
		continue
	fi
	read -ra want <<<"${WANT[$name]}"
	nfilt=0
	for fam in inet6 inet; do
		got=() peers=() bad=0
		for i in "${!TESTS[@]}"; do
			t=${TESTS[$i]}
			v=$(verdict "$name" "$fam" "$t")
			got+=("$t=$v")
			[ "$v" = "${want[$i]}" ] || bad=1
			[ "$v" != filtered ] || nfilt=$((nfilt + 1))
			p=$(peer "$name" "$fam" "$t")
			if [ "$p" != - ] && [ "${want[$i]}" != n/a ]; then
				peers+=("$t=$p")
				[ "$p" = "$v" ] || bad=2
			fi
		done
		[ $bad != 1 ] || fail "$name $fam: got ${got[*]}, want ${WANT[$name]}: $(cat "$WORK/$name.stderr")"
		[ $bad != 2 ] || fail "$name $fam: a peer disagrees: fwcheck ${got[*]}, peers ${peers[*]}"
		log_test "fwcheck: firewall $name, $fam: ${WANT[$name]// /, } (peers agree: ${#peers[@]})"
	done
	rc=$(cat "$WORK/$name.rc")
	want_rc=0
	[ $nfilt = 0 ] || want_rc=1
	[ "$rc" = $want_rc ] || fail "$name: exit status $rc, want $want_rc ($nfilt filtered)"
	log_test "fwcheck: firewall $name: exit status $want_rc"
done

# Evidence and timing of the open path.
j=$WORK/none.json
jq -e '[.tests[] | select(.test == "addr-unreach") | .ms >= 2900] | all' "$j" >/dev/null
check_err $? "addr-unreach came before the ND time: $(cat "$j")"
jq -e '[.tests[] | select(.test == "packet-too-big") | .evidence | test("path MTU 1400")] | all' \
	"$j" >/dev/null
check_err $? "packet-too-big does not name MTU 1400: $(cat "$j")"
jq -e '[.tests[] | select(.test == "edns0") | .evidence | test("^2599-byte answer")] | length == 2' \
	"$j" >/dev/null
check_err $? "edns0 does not report the 2599-byte answer: $(cat "$j")"
log_test "fwcheck: evidence: address unreachable after ND (>= 3 s), path MTU 1400, 2599-byte answer"
jq -e '[.tests[] | select(.test == "packet-too-big") | .evidence | test("path MTU 1400 \\(the largest")] | all' \
	"$WORK/ptb.json" >/dev/null
check_err $? "filtered PTB: the path MTU was not found by answers: $(cat "$WORK/ptb.json")"
log_test "fwcheck: PTB filtered: the path MTU (1400) found from the sizes TARGET answers"

a=$(jq -c '[.tests[] | [.family, .test, .verdict]]' "$WORK/none.nobody.json" 2>/dev/null)
b=$(jq -c '[.tests[] | select(.family == "inet6" or .test != "edns0") | [.family, .test, .verdict]]' \
	"$j" 2>/dev/null)
[ -n "$a" ] && [ "$a" = "$b" ]
check_err $? "unprivileged (uid 65534): $a vs root: $b; $(cat "$WORK/none.nobody.stderr")"
log_test "fwcheck: unprivileged (uid 65534, no CAP_NET_RAW): the same verdicts"

exit $EXIT_STATUS
