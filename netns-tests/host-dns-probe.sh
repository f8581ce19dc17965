#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix dns probe against real responders: every mode of the scenario's
# authoritative server (scenario/dns.sh: NSD for ok, ldns-testns for the
# RFC 4074 misbehaviours), each in its own namespace, asked from a client
# namespace over IPv4 and IPv6. The class must be the mode's, the evidence
# (RCODE, AA) the same as dig sees; a silent address, a closed port and a
# server answering garbage are no-answer, never a crash; a truncated reply
# is asked again over TCP; -f with all of them
# mixed gives the results in file order and exact counts.
#
#            +-- veth --  s1: 10.53.1.2  fd53:1::2   mode ok (NSD)
#   client --+-- veth --  s2: 10.53.2.2  fd53:2::2   mode ignore
#            |    ...     s8: 10.53.8.2  fd53:8::2   mode lame
#            +-- veth --  sg: 10.53.9.2  fd53:9::2   garbage (python)
#            +-- veth --  st: 10.53.11.2 fd53:11::2  TC over UDP, the answer over TCP
#            +-- veth --  sk: 10.53.12.2 fd53:12::2  Knot DNS, the zone of mode ok
#   10.53.10.2 is routed to sg, which does not have it: silent.
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/dns.sh"

require_root
require_cmd jq dig ldns-testns nsd knotd setpriv nsenter python3 script
[ -x "$V6FIX" ] || { log_test "host-dns-probe: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }

T=300		# --timeout per try, ms
R=1		# --retries
PROBE=(--timeout "$T" --retries "$R")
NAMES=("$DNS_NAME" "ns.$DNS_ZONE")

# --- the topology ------------------------------------------------------------------
setup_ns cl
declare -A ADDR4 ADDR6
link() {	# link I NS: a veth from the client to NS, 10.53.I.0/24 and fd53:I::/64
	local i=$1 ns=$2
	ip link add "v6fd$i-$$" netns "$cl" type veth peer name eth0 netns "$ns"
	ip -n "$cl" link set "v6fd$i-$$" up
	ip -n "$ns" link set eth0 up
	ip -n "$cl" addr add "10.53.$i.1/24" dev "v6fd$i-$$"
	ip -n "$cl" addr add "fd53:$i::1/64" dev "v6fd$i-$$" nodad
	ip -n "$ns" addr add "10.53.$i.2/24" dev eth0
	ip -n "$ns" addr add "fd53:$i::2/64" dev eth0 nodad
}
i=0
for mode in "${DNS_MODES[@]}"; do
	i=$((i + 1))
	setup_ns srv
	link "$i" "$srv"
	ADDR4[$mode]=10.53.$i.2 ADDR6[$mode]=fd53:$i::2
	dns_auth_start "$srv" "$mode" "10.53.$i.2" "fd53:$i::2" ||
		{ log_test "dns_auth_start $mode" 1; exit $ksft_fail; }
done

# The garbage server: answers every query with the query's ID and random
# bytes (so the probe cannot take it for a stray datagram).
setup_ns sg
link 9 "$sg"
ip -n "$cl" route add 10.53.10.2/32 via 10.53.9.2
ip -n "$cl" route add fd53:10::2/128 via fd53:9::2
GARBAGE='
import os, socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 53))
while True:
    q, a = s.recvfrom(4096)
    s.sendto(q[:2] + os.urandom(40), a)
'
nsenter --net="/run/netns/$sg" setpriv --pdeathsig TERM python3 -c "$GARBAGE" </dev/null &
defer kill $!
wait_for 10 __dns_listening "$sg" :: 53 || { log_test "garbage server" 1; exit $ksft_fail; }

# The truncating server: AAAA over UDP gets TC and no answer, over TCP the
# record (ldns-testns matches on the transport).
setup_ns st
link 11 "$st"
tcdir=$(mktemp -d)
defer rm -rf "$tcdir"
cat >"$tcdir/tc.testns" <<EOF
\$ORIGIN $DNS_ZONE.
ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR AA NOERROR
SECTION QUESTION
$DNS_NAME. IN A
SECTION ANSWER
$DNS_NAME. IN A 192.0.2.130
ENTRY_END
ENTRY_BEGIN
MATCH opcode qtype qname UDP
ADJUST copy_id
REPLY QR AA TC NOERROR
SECTION QUESTION
$DNS_NAME. IN AAAA
ENTRY_END
ENTRY_BEGIN
MATCH opcode qtype qname TCP
ADJUST copy_id
REPLY QR AA NOERROR
SECTION QUESTION
$DNS_NAME. IN AAAA
SECTION ANSWER
$DNS_NAME. IN AAAA 2001:db8:2::2
ENTRY_END
EOF
nsenter --net="/run/netns/$st" setpriv --pdeathsig TERM ldns-testns -6 -p 53 "$tcdir/tc.testns" \
	>"$tcdir/log" 2>&1 </dev/null &
defer kill $!
wait_for 10 __dns_listening "$st" :: 53 || { log_test "truncating server" 1; exit $ksft_fail; }

# A second healthy implementation: Knot DNS serving the same zone file.
setup_ns sk
link 12 "$sk"
mkdir -p "$tcdir/knot"
cp "$DNS_DATA/v6fix.test.zone" "$tcdir/knot/"
cat >"$tcdir/knot/knot.conf" <<EOF
server:
    listen: [ 10.53.12.2@53, fd53:12::2@53 ]
    rundir: $tcdir/knot
database:
    storage: $tcdir/knot
template:
  - id: default
    storage: $tcdir/knot
zone:
  - domain: $DNS_ZONE
    file: v6fix.test.zone
log:
  - target: stderr
    any: warning
EOF
nsenter --net="/run/netns/$sk" setpriv --pdeathsig TERM knotd -c "$tcdir/knot/knot.conf" \
	>"$tcdir/knot/log" 2>&1 </dev/null &
defer kill $!
wait_for 10 __dns_listening "$sk" fd53:12::2 53 ||
	{ log_test "knotd: $(tail -n 2 "$tcdir/knot/log")" 1; exit $ksft_fail; }

# probe ARGS...: v6fix -j dns probe in the client; JSON in $OUT, status in $RC.
OUT= RC=0
probe() {
	OUT=$("$V6FIX" -n "$cl" -j dns probe "${PROBE[@]}" "$@" 2>"$ERRF")
	RC=$?
}
ERRF=$(mktemp)
defer rm -f "$ERRF"

# The class each mode must get, and the RCODE (ldns's names) of its AAAA.
declare -A CLASS=([ok]=ok [ignore]=ignore [nxdomain]=nxdomain [rcode-1]=rcode [rcode-2]=rcode
	[rcode-4]=rcode [broken]=broken [lame]=lame)
declare -A RCODE=([ok]=NOERROR [nxdomain]=NXDOMAIN [rcode-1]=FORMERR [rcode-2]=SERVFAIL
	[rcode-4]=NOTIMPL [broken]=NOERROR [lame]=NOERROR)

# Checks on $OUT, batched into one jq run (jq and dig start slowly on a
# loaded machine): want FILTER MSG adds one, verdict runs them all and fails
# with the messages of those that do not hold (or when $OUT is no JSON).
CHECKS=()
want() { CHECKS+=("c(($1); \"$2\")"); }
verdict() {
	local bad list
	list=$(IFS=,; echo "${CHECKS[*]}")
	CHECKS=()
	bad=$(jq -rn "def c(f; m): if (try f catch false) then empty else m end; input | $list" \
		<<<"$OUT" 2>&1 | paste -sd, -)
	[ -z "$bad" ] || fail "$bad: $OUT $(head -c 300 "$ERRF")"
}

# dig_evidence SERVER: "STATUS FLAGS" of A, then of AAAA, as dig sees them
# (one dig for both; "timeout" when no reply). dig says NOTIMP where ldns says
# NOTIMPL (RFC 6895's name is NotImp).
dig_evidence() {
	local out st fl i
	out=$(ip netns exec "$cl" dig +norec +tries=1 +time=1 "@$1" "$DNS_NAME" A "$DNS_NAME" AAAA 2>&1)
	mapfile -t st < <(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out")
	mapfile -t fl < <(sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' <<<"$out")
	for i in 0 1; do
		if [ -z "${st[i]:-}" ]; then echo timeout; continue; fi
		[ "${st[i]}" != NOTIMP ] || st[i]=NOTIMPL
		if [[ " ${fl[i]} " == *" aa "* ]]; then echo "${st[i]} aa"; else echo "${st[i]} noaa"; fi
	done
}

# --- each mode, each family ------------------------------------------------------------
for mode in "${DNS_MODES[@]}"; do
	for fam in 4 6; do
		if [ $fam = 4 ]; then srv=${ADDR4[$mode]}; else srv=${ADDR6[$mode]}; fi
		probe "$srv" "$DNS_NAME"
		cls=${CLASS[$mode]}
		want ".class == \"$cls\"" "class"
		want '.a.result == "reply" and .a.rcode == "NOERROR" and .a.aa == true' "A answered with AA"
		want '.a.answers == [{"type":"A","rdlen":4}]' "one A record"
		if [ "$mode" = ignore ]; then
			want ".aaaa.result == \"timeout\" and .aaaa.tries == $((R + 1))" "AAAA unanswered"
			want ".aaaa.ms >= $((T * (R + 1) - 5))" "AAAA waited every try"
		else
			want ".aaaa.rcode == \"${RCODE[$mode]}\"" "AAAA RCODE"
		fi
		case $mode in
		ok) want '.aaaa.answers == [{"type":"AAAA","rdlen":16}] and .aaaa.aa' "AAAA record" ;;
		broken) want '.aaaa.result == "malformed" and .aaaa.answers[0].type == "AAAA"' "evidence" ;;
		lame) want '.aaaa.aa == false and .aaaa.referral == true' "lame evidence" ;;
		esac
		# The same evidence seen by dig, independently.
		mapfile -t ev < <(dig_evidence "$srv")
		[ "${ev[0]}" = "NOERROR aa" ] || fail "dig: A from $mode: ${ev[0]}"
		if [ "$mode" = ignore ]; then
			[ "${ev[1]}" = timeout ] || fail "dig: AAAA from ignore answered: ${ev[1]}"
		else
			want "\"\\(.aaaa.rcode) \\(if .aaaa.aa then \"aa\" else \"noaa\" end)\" == \"${ev[1]}\"" \
				"dig sees ${ev[1]} for AAAA"
		fi
		verdict
		[ "$RC" = "$([ "$cls" = ok ] && echo 0 || echo 1)" ] || fail "exit status $RC for $cls"
		log_test "mode $mode over IPv$fam: class $cls, evidence as dig sees it"
	done
done

# Knot, and what a healthy server says when there is no AAAA or no name.
for srv in 10.53.12.2 fd53:12::2; do
	probe "$srv" "$DNS_NAME"
	want '.class == "ok" and .aaaa.answers == [{"type":"AAAA","rdlen":16}] and .aaaa.aa' "Knot $srv"
	verdict
done
log_test "Knot DNS over IPv4 and IPv6: ok"
for srv in "${ADDR4[ok]}" 10.53.12.2; do
	probe "$srv" "$DNS_ZONE"
	want '.class == "ok" and .aaaa.rcode == "NOERROR" and .aaaa.aa and .aaaa.ancount == 0' "NODATA"
	want '.aaaa.referral == false' "an SOA is no referral"
	verdict
	probe "$srv" "nothere.$DNS_ZONE"
	want '.class == "rcode" and .a.rcode == "NXDOMAIN" and .aaaa.rcode == "NXDOMAIN"' "no name"
	verdict
	ev=$(ip netns exec "$cl" dig +norec +tries=1 +time=1 "@$srv" "$DNS_ZONE" AAAA 2>&1)
	grep -q 'status: NOERROR' <<<"$ev" && grep -q 'ANSWER: 0,' <<<"$ev" || fail "dig: $ev"
done
log_test "NSD and Knot: no AAAA at the apex is ok (NODATA, as dig sees it); no name is rcode"

# --- servers that give nothing usable ---------------------------------------------------------
probe 10.53.10.2 "$DNS_NAME"
want '.class == "no-answer" and .a.result == "timeout"' "silent"
want ".a.tries == $((R + 1)) and .a.ms >= $((T * (R + 1) - 5))" "every try waited"
want '.aaaa.result == "not-sent" and .aaaa.ms == null' "AAAA not asked"
verdict
[ "$RC" = 1 ] || fail "exit status $RC"
ev=$(ip netns exec "$cl" dig +norec +tries=1 +time=1 @10.53.10.2 "$DNS_NAME" A 2>&1)
grep -q 'timed out' <<<"$ev" && ! grep -q 'status:' <<<"$ev" ||
	fail "dig got an answer from the silent address: $ev"
log_test "silent address: no-answer after $((R + 1)) tries of $T ms (dig: timeout)"

probe "[fd53:1::2]:5399" "$DNS_NAME"
want '.class == "no-answer" and .a.result == "error" and .a.error == "ECONNREFUSED"' "closed port"
want '.a.tries == 1 and .a.ms < 1000' "refused at once"
verdict
log_test "closed port: no-answer, ECONNREFUSED at once"

for srv in 10.53.9.2 fd53:9::2; do
	probe "$srv" "$DNS_NAME"
	want '.class == "no-answer" and .a.result == "malformed" and (.a.error | length > 0)' \
		"garbage over $srv"
	verdict
done
log_test "garbage answers (ID right, the rest random): no-answer, malformed, no crash"

probe 10.53.11.2 "$DNS_NAME"
want '.class == "ok" and .aaaa.tc == false and .aaaa.tcp == true' "truncated: asked again over TCP"
want '.aaaa.answers == [{"type":"AAAA","rdlen":16}] and .a.tcp == false' "the TCP answer"
verdict
ip netns exec "$cl" dig +norec +tries=1 +time=1 @10.53.11.2 "$DNS_NAME" AAAA +ignore 2>&1 |
	grep -q '^;; flags: qr aa tc;' || fail "dig +ignore does not see TC over UDP"
log_test "truncated UDP reply (TC, dig sees it too): the answer comes over TCP"

# Text: the evidence a person reads.
txt=$("$V6FIX" -n "$cl" dns probe "${PROBE[@]}" "${ADDR4[rcode-2]}" "$DNS_NAME" 2>&1)
grep -q "^${ADDR4[rcode-2]} $DNS_NAME\.: rcode" <<<"$txt" &&
	grep -qE '^ +AAAA +reply SERVFAIL aa answers none, 1 try, [0-9.]+ ms$' <<<"$txt" &&
	grep -qE '^ +A +reply NOERROR aa answers A/4, 1 try' <<<"$txt" ||
	fail "text: $txt"
log_test "text output: class, RCODE, AA, answers, tries and time per query"

# --- a file: every server, both names, bounded concurrency ---------------------------------------
list=$(mktemp)
defer rm -f "$list"
{
	echo "# mode servers, both families, both names"
	for mode in "${DNS_MODES[@]}"; do
		for name in "${NAMES[@]}"; do
			echo "${ADDR4[$mode]} $name"
			echo "[${ADDR6[$mode]}]:53	$name   # comment"
		done
	done
	echo
	echo "10.53.10.2 $DNS_NAME"
	echo "10.53.10.2 ns.$DNS_ZONE"
	echo "[fd53:1::2]:5399 $DNS_NAME"
	echo "fd53:9::2 $DNS_NAME"
} >"$list"
start=$(now_ms)
OUT=$("$V6FIX" -n "$cl" -j dns probe "${PROBE[@]}" --parallel 8 -f "$list" 2>"$ERRF")
RC=$?
took=$(($(now_ms) - start))
lines=$(grep -cv '^\(#.*\)\?$' "$list")
[ "$(jq -s 'length' <<<"$OUT")" = $((lines + 1)) ] || fail "want $lines results and a summary: $OUT"
# File order, servers normalised ([v6]:53 is the bare address).
order=$(grep -v '^\(#.*\)\?$' "$list" | awk '{print $1}' | sed 's/^\[\(.*\)\]:53$/\1/')
got=$(jq -rs '.[:-1][] | .server' <<<"$OUT")
[ "$order" = "$got" ] || fail "results not in file order: $got"
OUT=$(jq -s '.[-1].summary' <<<"$OUT")
want '.probes == 36 and .names == 2 and .servers == 19' "totals"
want '[.by_probe | to_entries[] | "\(.key)=\(.value.count)"] | join(" ") ==
	"no-answer=4 ignore=4 nxdomain=4 rcode=12 broken=4 lame=4 ok=4"' "per probe"
want '[.by_server | to_entries[] | "\(.key)=\(.value.count)"] | join(" ") ==
	"no-answer=3 ignore=2 nxdomain=2 rcode=6 broken=2 lame=2 ok=2"' "per server"
want '.by_name.ignore.count == 2 and .by_name.ok.count == 0' "per name: first bad class"
want '.by_server.rcode.percent == 31.6 and .misbehaving_servers == 14' "percentages"
verdict
[ "$RC" = 1 ] || fail "exit status $RC with misbehaving servers"
[ ! -s "$ERRF" ] || fail "stderr not a terminal, yet: $(head -c 200 "$ERRF")"
log_test "-f: $lines lines in file order, exact counts by probe, name and server"
# Serial, the waits alone: 8 ignore + 2 silent probes x $((R + 1)) x $T ms.
serial=$((10 * (R + 1) * T))
[ "$took" -lt $((serial * 3 / 4)) ] || fail "took $took ms, serial waits alone are $serial ms"
log_test "-f --parallel 8: $took ms, the timeouts overlap (serial waits: $serial ms)"

# Progress: on a terminal only (script(1) gives the run one), on stderr.
tty=$(script -qec "$V6FIX -n $cl dns probe ${PROBE[*]} --parallel 8 -f $list >/dev/null" /dev/null)
grep -q "v6fix: dns probe: $lines/$lines done" <<<"$tty" || fail "no progress on a terminal: $tty"
log_test "-f: progress on stderr when it is a terminal (and only then, above)"

# Text table and the all-ok exit status.
printf '%s %s\n' "${ADDR4[ok]}" "$DNS_NAME" "${ADDR6[ok]}" "ns.$DNS_ZONE" >"$list"
txt=$("$V6FIX" -n "$cl" dns probe "${PROBE[@]}" -f "$list" 2>&1)
RC=$?
[ "$RC" = 0 ] || fail "exit status $RC for all ok"
grep -qE '^ok +2 100\.00 % +2 100\.00 % +2 100\.00 %' <<<"$txt" &&
	grep -qE '^lame +0 +0\.00 %' <<<"$txt" && grep -qE '^total +2 +2 +2$' <<<"$txt" ||
	fail "table: $txt"
log_test "-f text: the seed's table; exit 0 when every probe is ok"

exit $EXIT_STATUS
