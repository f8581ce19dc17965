#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix clientprobe against real clients whose answers their documentation
# and source give (host-clientprobe.sh has v6fix connect and curl):
#
#   python3 asyncio  open_connection(happy_eyeballs_delay=0.15): a staggered
#                    race, interleave 1 (Lib/asyncio/base_events.py): CAD
#                    150 ms, families interleaved, getaddrinfo (waits)
#   node             net.connect({autoSelectFamily: true}): CAD = the
#                    default autoSelectFamilyAttemptTimeout, 250 ms
#                    (doc/api/net.md of the installed nodejs), families
#                    interleaved (lib/net.js), dns.lookup (getaddrinfo)
#   wget             no Happy Eyeballs: cad null
#   go-dial          Go's net.Dial (the clients branch's tool, built by make
#                    into build/netns-tests/go-dial; skipped without it):
#                    FallbackDelay 300 ms, hosts file order, no gai.conf
#
# The bounds are generous (CLIENTPROBE_KNOWN_TOL, default 25 ms): an
# interpreter's timer on a loaded 2-core host fires late; what is checked
# is which delay a client keeps, not the host's scheduling.
source "$(dirname "$0")/scenario/lib.sh"

require_root
require_cmd jq iptables ip6tables nft tcpdump nsd ldns-testns python3
[ -x "$V6FIX" ] || { log_test "host-clientprobe-known: build $V6FIX first (make cli)" $ksft_skip; exit $ksft_skip; }

TOL=${CLIENTPROBE_KNOWN_TOL:-25}
OUT=

probe() {
	OUT=$("$V6FIX" -j clientprobe "$@")
	check_err $? "clientprobe $*: exit status"
}
expect() {
	jq -e "$1" >/dev/null 2>&1 <<<"$OUT"
	check_err $? "$2: $OUT"
}
near() {
	expect "$1 != null and (($1 - $2) | fabs) <= $TOL" "$3 ($2 +-$TOL ms)"
}

probe --only cad,order,rd -- python3 "$TOP/netns-tests/tools/python-client.py" asyncio {host} {port} 1 3 0.15
expect '.happy_eyeballs == true and .family_order == "inet6"' "python asyncio: Happy Eyeballs, IPv6 first"
near .cad_ms 150 "python asyncio: happy_eyeballs_delay 0.15"
expect '.interleaves == true' "python asyncio: interleave 1"
expect '.resolves_async == false' "python asyncio: getaddrinfo in an executor waits for both"
log_test "clientprobe, python3 asyncio (happy_eyeballs_delay=0.15): cad $(jq .cad_ms <<<"$OUT") ms, interleaves"

if command -v node >/dev/null; then
	probe --only cad,order,gai -- node -e "const s = require('net').connect({ host: process.argv[1],
		port: +process.argv[2], autoSelectFamily: true }, () => { s.end(); process.exit(0); });
		s.on('error', () => process.exit(1));" {host} {port}
	expect '.happy_eyeballs == true and .family_order == "inet6"' "node: Happy Eyeballs, IPv6 first"
	near .cad_ms 250 "node $(node --version): autoSelectFamilyAttemptTimeout's default"
	expect '.interleaves == true and .honours_gai_conf == true' "node: interleaves, dns.lookup honours gai.conf"
	log_test "clientprobe, node $(node --version) autoSelectFamily: cad $(jq .cad_ms <<<"$OUT") ms"
else
	log_test "clientprobe, node: not installed" $ksft_skip
fi

if command -v wget >/dev/null; then
	probe --only cad,order -- wget -q -O /dev/null -t 1 "http://{host}:{port}/"
	expect '.happy_eyeballs == false and .cad_ms == null and .family_order == "inet6"' "wget: no Happy Eyeballs"
	expect '[.attempts[].family] == ["inet6","inet6","inet","inet"]' "wget: every address, in getaddrinfo's order"
	log_test "clientprobe, wget: no Happy Eyeballs, every address in turn"
else
	log_test "clientprobe, wget: not installed" $ksft_skip
fi

GO_DIAL=$TOP/build/netns-tests/go-dial
if [ -x "$GO_DIAL" ]; then
	probe --only cad,gai -- "$GO_DIAL" {host} {port}
	expect '.happy_eyeballs == true and .family_order == "inet6"' "go: Happy Eyeballs, IPv6 first"
	near .cad_ms 300 "go: net.Dialer's FallbackDelay default"
	expect '.honours_gai_conf == false' "go: its own resolver, no gai.conf"
	log_test "clientprobe, go net.Dial: cad $(jq .cad_ms <<<"$OUT") ms, gai.conf not honoured"
else
	log_test "clientprobe, go: $GO_DIAL not built (make, with the clients branch)" $ksft_skip
fi
exit "$EXIT_STATUS"
