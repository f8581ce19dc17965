#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real clients of the matrix against the model (lib/model_clients.c):
# wget, OpenSSH, Node's net.connect (autoSelectFamily, and the installed
# version's defaults) and Go's net.Dial, each over a few faults on the host
# kernel, through scripts/fallback-matrix as `make run` runs them. The model
# is checked against the measurement: in every cell the measured winner is
# the predicted one, the IPv6 errno too where the client's system calls
# show it (wget, ssh), and the median is within CLIENTS_TOL ms (default
# 250, the machine is shared) plus 5 % of the prediction. Then what makes
# each client itself: wget retries a retryable error after 1 s and not
# ENETUNREACH, ssh never retries, Go waits 300 ms and Node 250 ms on a silent
# IPv6 path, node-defaults follows the installed Node's version.
source "$(dirname "$0")/scenario/lib.sh"

require_root
require_cmd jq python3 nft strace wget ssh node
[ -x "$V6FIX" ] || { log_test "host-clients: build $V6FIX first" $ksft_skip; exit $ksft_skip; }
[ -x "$TOP/build/netns-tests/go-dial" ] ||
	{ log_test "host-clients: build build/netns-tests/go-dial first (make)" $ksft_skip; exit $ksft_skip; }
tol=${CLIENTS_TOL:-250}

out=$(mktemp -d)
defer rm -rf "$out"
"$TOP/scripts/fallback-matrix" --no-vm --runs 3 --clients "wget ssh node node-defaults go" \
	--faults "healthy icmp6_unreach:0 v6_blackhole no_v6_route v4_unreach:5 v4_unreach:0" \
	--out "$out" >"$out/log" 2>&1
check_err $? "fallback-matrix failed: $(tail -n 5 "$out/log")"
J=$out/matrix.json
[ "$(jq '.cells | length' "$J")" = 30 ] || fail "want 30 cells (6 faults x 5 clients): $(jq '.cells | length' "$J")"
log_test "clients: the matrix measures wget, ssh, node, node-defaults and go"

# Model against measurement, cell by cell.
bad=$(jq -c --argjson tol "$tol" '[.cells[] |
	select(.predicted_ms == null or .median_ms == null or .winner != .predicted_winner or
	       ((.deviation_ms | fabs) > $tol + 0.05 * .predicted_ms) or
	       (.v6_result != null and .v6_result != .predicted_v6_result)) |
	[.fault, .code, .client, .winner, .predicted_winner, .median_ms, .predicted_ms, .v6_result,
	 .predicted_v6_result]]' "$J")
[ "$bad" = "[]" ]
check_err $? "cells away from the model: $bad"
log_test "clients: every cell's winner, errno and median as predicted (±${tol} ms + 5 %)"

# cell FAULT CODE CLIENT JQ: the filter holds for that cell.
cell() {
	jq -e --arg f "$1" --arg c "$2" --arg cl "$3" \
		"[.cells[] | select(.fault == \$f and .code == \$c and .client == \$cl)] |
		 length == 1 and (.[0] | $4)" "$J" >/dev/null
	check_err $? "$1 $2 $3: $4 ($(jq -c --arg f "$1" --arg c "$2" --arg cl "$3" \
		'.cells[] | select(.fault == $f and .code == $c and .client == $cl) |
		 [.median_ms, .min_ms, .winner, .v6_result, .predicted_ms]' "$J"))"
}
# Sequential clients wait the whole SYN timeout (7 s), the racers their delay.
cell v6_blackhole - wget '.winner == "inet" and .v6_result == "ETIMEDOUT" and .min_ms > 6500'
cell v6_blackhole - ssh '.winner == "inet" and .v6_result == "ETIMEDOUT" and .min_ms > 6500'
cell v6_blackhole - go '.winner == "inet" and .min_ms >= 300 and .median_ms < 1000'
cell v6_blackhole - node '.winner == "inet" and .min_ms >= 250 and .median_ms < 1000'
log_test "clients: a silent IPv6 path costs wget and ssh the SYN timeout, go 300 ms, node 250 ms"

# wget: EOPNOTSUPP is retried after 1 s (--tries 2 in the matrix), ENETUNREACH
# is not; ssh (ConnectionAttempts 1) never retries.
cell v4_unreach 5 wget '.winner == null and .min_ms >= 1000'
cell v4_unreach 0 wget '.winner == null and .median_ms < 900'
cell v4_unreach 5 ssh '.winner == null and .median_ms < 900'
log_test "clients: wget tries again after a retryable error only, ssh never"

# node-defaults is what the installed Node does without options: Node 18
# (Debian 12's) tries the first address only, 20 and later fall back.
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -ge 20 ]; then
	cell v6_blackhole - node-defaults '.winner == "inet" and .median_ms < 1000'
else
	cell v6_blackhole - node-defaults '.winner == null and .min_ms > 6500'
fi
jq -e '[.cells[] | select(.client == "node-defaults" and .fault == "v6_blackhole")] |
	.[0].why | test("node-defaults")' "$J" >/dev/null
check_err $? "node-defaults' prediction does not name it"
log_test "clients: node-defaults follows Node $major's default (autoSelectFamily $([ "$major" -ge 20 ] && echo on || echo off))"

# Bad usage: one line, exit 2.
for args in "--clients lynx" "--clients" ; do
	# shellcheck disable=SC2086 # one word per argument
	err=$("$TOP/scripts/fallback-matrix" $args 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <<<"$err")" = 1 ] && [[ $err == fallback-matrix:* ]] ||
		fail "fallback-matrix $args: exit $rc, '$err'"
done
"$TOP/scripts/fallback-matrix" --help | grep -q 'node-defaults'
check_err $? "--help does not list the clients"
log_test "clients: --help lists them, an unknown client is refused"
exit "$EXIT_STATUS"
