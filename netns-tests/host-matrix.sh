#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The matrix runner end to end on the host kernel (no VM, no module): a
# small fault set, every output file, and cells that agree with what the
# host kernel does and with the model's prediction.
source "$(dirname "$0")/scenario/lib.sh"

require_root
require_cmd jq python3 nft
[ -x "$V6FIX" ] || { log_test "host-matrix: build $V6FIX first" $ksft_skip; exit $ksft_skip; }

out=$(mktemp -d)
defer rm -rf "$out"
"$TOP/scripts/fallback-matrix" --no-vm --runs 3 --clients "seq he" \
	--faults "healthy icmp6_unreach:0 no_v6_listener v4_unreach:1" --out "$out" >"$out/log" 2>&1
check_err $? "fallback-matrix failed: $(tail -n 5 "$out/log")"
for f in matrix.md matrix.json matrix.csv matrix.svg matrix.png; do
	[ -s "$out/$f" ] || fail "$f missing or empty"
done
log_test "matrix: runs and writes md, json, csv, svg, png"

J=$out/matrix.json
# cell FAULT CODE CLIENT JQ: the filter holds for that cell.
cell() {
	jq -e --arg f "$1" --arg c "$2" --arg cl "$3" \
		"[.cells[] | select(.fault == \$f and .code == \$c and .client == \$cl)] |
		 length == 1 and (.[0] | $4)" "$J" >/dev/null
	check_err $? "$1 $2 $3: $4 ($(jq -c --arg f "$1" --arg c "$2" --arg cl "$3" \
		'.cells[] | select(.fault == $f and .code == $c and .client == $cl)' "$J"))"
}
[ "$(jq '.cells | length' "$J")" = 8 ] || fail "want 8 cells (4 faults x 2 clients)"
cell healthy - seq '.winner == "inet6" and .ok_runs == 3 and .median_ms < 1000'
cell icmp6_unreach 0 seq '.winner == "inet" and .v6_result == "ENETUNREACH"'
cell icmp6_unreach 0 he '.winner == "inet" and .v6_result == "ENETUNREACH"'
cell no_v6_listener - seq '.winner == "inet" and .v6_result == "ECONNREFUSED"'
cell v4_unreach 1 seq '.winner == null and .v6_result == "EHOSTUNREACH"'
log_test "matrix: winners and errnos match the host kernel"

# The prediction is the model's, and the measurement sits near it (20 ms
# RTT cells: within 500 ms whatever the machine's load).
jq -e '[.cells[] | .predicted_ms != null and (.deviation_ms | fabs) < 500] | all' "$J" >/dev/null
check_err $? "a cell is far from its prediction: $(jq -c '[.cells[] | [.fault, .client, .deviation_ms]]' "$J")"
jq -e '[.cells[] | .min_ms <= .median_ms and .median_ms <= .max_ms and .runs == 3] | all' "$J" >/dev/null
check_err $? "median outside min-max or runs != 3"
grep -q '^| icmp6_unreach 0 | stock | seq |' "$out/matrix.md"
check_err $? "matrix.md lacks the detail row"
log_test "matrix: predictions beside measurements, median within min-max"

# Bad usage: exit 2, one line on stderr, nothing run.
for args in "--bogus" "--runs" "--runs 2" "--jobs 0" "--out" "--kernels" "--clients xx" \
	    "--policies foo"; do
	# shellcheck disable=SC2086 # one word per argument
	err=$("$TOP/scripts/fallback-matrix" $args 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <<<"$err")" = 1 ] && [[ $err == fallback-matrix:* ]] ||
		fail "fallback-matrix $args: exit $rc, '$err'"
done
log_test "matrix: bad usage exits 2 with one line"

# matrix-compare (patched-vs-module): the host's cells as two kernels,
# identical, then with one median moved past the tolerance and one winner
# changed; each difference named, exit 1.
CMP=$TOP/scripts/matrix-compare
k=$(jq -r '.kernels[0]' "$out/matrix.json")
jq '.kernels += ["twin"] | .cells += [.cells[] | .kernel = "twin"]' "$out/matrix.json" >"$out/two.json"
"$CMP" --reference "$k" --candidate twin --out "$out/cmp" "$out/two.json" >"$out/cmp.log" 2>&1
check_err $? "identical cells do not agree: $(cat "$out/cmp.log")"
n=$(jq '.cells | length' "$out/matrix.json")
jq -e --argjson n "$n" '.agree == $n and .cells == $n' "$out/cmp.json" >/dev/null
check_err $? "not $n of $n cells agree: $(jq -c '[.agree, .cells]' "$out/cmp.json")"
jq '(.cells[-1].median_ms) += 600 | (.cells[-2].winner) = "nothing"' "$out/two.json" >"$out/moved.json"
"$CMP" --reference "$k" --candidate twin --out "$out/cmp" "$out/moved.json" >"$out/cmp.log" 2>&1
[ $? = 1 ] || fail "a moved median and a changed winner: exit not 1"
jq -e --argjson n "$n" '.agree == $n - 2 and ([.rows[].verdict] | index("differs: time") != null)
	and ([.rows[].verdict] | index("differs: winner") != null)' "$out/cmp.json" >/dev/null
check_err $? "the differences are not named: $(jq -c '[.rows[].verdict]' "$out/cmp.json")"
grep -q "of $n cells agree" "$out/cmp.md" || fail "cmp.md has no summary"
"$CMP" --reference "$k" --candidate nope --out "$out/cmp" "$out/two.json" 2>/dev/null
[ $? = 2 ] || fail "an unknown kernel: exit not 2"
log_test "matrix-compare: cell by cell, a moved median and a changed winner named"

exit $EXIT_STATUS
