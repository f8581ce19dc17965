#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every mode of the authoritative server (scenario/dns.sh dns_auth_start)
# behaves as named, asked directly (no recursion) with dig and with drill,
# over IPv4 and IPv6: A always answered with AA; AAAA as the mode says.
source "$(dirname "$0")/scenario/lib.sh"
source "$TOP/netns-tests/scenario/dns.sh"

require_root
require_cmd dig drill ldns-testns nsd setpriv nsenter

OUT=
# q NS SERVER TYPE [NAME]: dig +norec, one try, 1 s; output in $OUT.
q() {
	OUT=$(ip netns exec "$1" dig +norec +tries=1 +time=1 "@$2" "${4:-$DNS_NAME}" "$3" 2>&1)
}
# qd NS SERVER TYPE: the same with drill (-o rd: recursion desired off).
qd() {
	# drill has no timeout option (it waits 15 s): cut it at 2 s.
	OUT=$(ip netns exec "$1" timeout 2 drill -o rd -u "${4:-$DNS_NAME}" "$3" "@$2" 2>&1)
	DRILL_RC=$?
}
status() { sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$OUT" | head -n 1; }
flags() { sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' <<<"$OUT" | head -n 1; }
has() { grep -qE "$1" <<<"$OUT"; }

# expect_aaaa MODE SERVER: the AAAA answer (dig) is what MODE says.
expect_aaaa() {
	local mode=$1 srv=$2 st fl
	q "$NS" "$srv" AAAA
	st=$(status) fl=" $(flags) "
	case "$mode" in
	ok)
		[ "$st" = NOERROR ] && [[ $fl == *" aa "* ]] &&
			has "^$DNS_NAME\.[[:space:]].*AAAA[[:space:]]+2001:db8:2::2" ||
			fail "ok: AAAA not answered: $OUT" ;;
	ignore) has "timed out" && [ -z "$st" ] || fail "ignore: AAAA got a reply: $OUT" ;;
	nxdomain) [ "$st" = NXDOMAIN ] && [[ $fl == *" aa "* ]] || fail "nxdomain: $st [$fl]" ;;
	rcode-1) [ "$st" = FORMERR ] || fail "rcode-1: $st" ;;
	rcode-2) [ "$st" = SERVFAIL ] || fail "rcode-2: $st" ;;
	rcode-4) [ "$st" = NOTIMP ] || fail "rcode-4: $st" ;;
	broken)
		# dig reports the 4-byte AAAA: the record cannot be parsed.
		[ "$st" = NOERROR ] && has "ANSWER: 1" && has "malformed|extra bytes" ||
			fail "broken: $OUT" ;;
	lame)
		[ "$st" = NOERROR ] && [[ $fl != *" aa "* ]] && has "ANSWER: 0" &&
			has "^\.[[:space:]].*NS[[:space:]]+root\.test\." || fail "lame: $OUT" ;;
	esac
}

# expect_aaaa_drill MODE SERVER: the same seen by drill (ldns).
expect_aaaa_drill() {
	local mode=$1 srv=$2
	qd "$NS" "$srv" AAAA
	case "$mode" in
	ok) has "IN[[:space:]]+AAAA[[:space:]]+2001:db8:2::2" || fail "drill ok: $OUT" ;;
	ignore) [ "$DRILL_RC" = 124 ] && ! has "rcode:" || fail "drill ignore: $OUT" ;;
	nxdomain) has "rcode: NXDOMAIN" || fail "drill nxdomain: $OUT" ;;
	rcode-1) has "rcode: FORMERR" || fail "drill rcode-1: $OUT" ;;
	rcode-2) has "rcode: SERVFAIL" || fail "drill rcode-2: $OUT" ;;
	rcode-4) has "rcode: NOTIMP" || fail "drill rcode-4: $OUT" ;;
	# ldns refuses to parse the packet at all: an AAAA rdata must be 16 bytes.
	broken) has "^Error: .*answer section incomplete" || fail "drill broken: $OUT" ;;
	lame) has "rcode: NOERROR" && has "flags: qr ;|flags: qr  ;|flags: qr;" || fail "drill lame: $OUT" ;;
	esac
}

for mode in $(dns_auth_modes); do
	setup_ns NS
	t0=$(now_ms)
	if ! dns_auth_start "$NS" "$mode"; then
		fail "dns_auth_start $mode failed"
		log_test "auth $mode: starts"
		continue
	fi
	for srv in "$DNS_AUTH4" "$DNS_AUTH6"; do
		q "$NS" "$srv" A
		[ "$(status)" = NOERROR ] && [[ " $(flags) " == *" aa "* ]] &&
			has "^$DNS_NAME\.[[:space:]].*A[[:space:]]+192\.0\.2\.130" ||
			fail "A over $srv not answered with AA: $OUT"
		q "$NS" "$srv" SOA "$DNS_ZONE"
		[ "$(status)" = NOERROR ] && has "SOA[[:space:]]+ns\.v6fix\.test\." ||
			fail "SOA over $srv: $OUT"
		expect_aaaa "$mode" "$srv"
	done
	expect_aaaa_drill "$mode" "$DNS_AUTH6"
	log_test "auth $mode: A with AA, AAAA as named (dig v4+v6, drill; $(($(now_ms) - t0)) ms)"
done

# Bad mode: refused, nothing started.
setup_ns NS
dns_auth_start "$NS" bogus 2>/dev/null
[ $? -eq 2 ] || fail "an unknown mode was not refused with 2"
[ -z "$(nsenter --net="/run/netns/$NS" ss -Hlun 'sport = :53')" ] || fail "something listens after a bad mode"
log_test "auth: unknown mode refused"

exit $EXIT_STATUS
