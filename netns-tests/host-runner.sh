#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test runner itself (netns-tests/run): it counts TEST lines, counts a
# script that fails without a [FAIL] line as one failure, and repeats every
# failure with its diagnostics just above its last line, which is all that
# CI shows of a long log; with V6FIX_RETRY=1 a failed script's second run
# decides, and a first failure it overrules is still shown.
source "$(dirname "$0")/scenario/lib.sh"

# The runs below choose their own V6FIX_RETRY, not the one this runs under.
unset V6FIX_RETRY
tmp=$(mktemp -d)
defer rm -rf "$tmp"

cat >"$tmp/a.sh" <<'SH'
echo "TEST: passes                                    [ OK ]"
echo "before 1"; echo "before 2"; echo "before 3"; echo "before 4"
echo "TEST: fails                                     [FAIL]"
echo "      why it failed"
echo "TEST: skipped                                   [SKIP]"
exit 1
SH
cat >"$tmp/b.sh" <<'SH'
echo "b: could not start"
exit 3
SH
cat >"$tmp/c.sh" <<'SH'
echo "TEST: c passes                                  [ OK ]"
exit 0
SH

out=$("$TOP/netns-tests/run" "$tmp/a.sh" "$tmp/b.sh" "$tmp/c.sh")
rc=$?
last=$(tail -n 1 <<<"$out")
[ "$rc" -ne 0 ] || fail "run exited 0 with failures"
[[ $last == *": 2 passed, 2 failed, 1 skipped" ]] || fail "last line: '$last'"
log_test "run: counts OK, FAIL, SKIP; a script failing without [FAIL] is one failure"

want="failure: a.sh: TEST: fails [FAIL]
failure:   before 2
failure:   before 3
failure:   before 4
failure:         why it failed
failure: b.sh: TEST: b.sh exited 3 [FAIL]
failure:   b: could not start"
got=$(grep '^failure: ' <<<"$out")
[ "$got" = "$want" ] || fail "failure lines: $(printf '%q' "$got")"
# They come last, just above the summary line.
tail -n 8 <<<"$out" | head -n 7 | grep -qv '^failure: ' && fail "failure lines are not just above the last line"
log_test "run: each failure repeated above the last line, with its diagnostics"

out=$("$TOP/netns-tests/run" "$tmp/c.sh")
rc=$?
[ "$rc" -eq 0 ] || fail "run exited $rc with no failures"
grep -q '^failure: ' <<<"$out" && fail "failure lines without a failure"
log_test "run: all passing: exit 0, no failure lines"

# V6FIX_RETRY=1: once-failing d.sh passes on its second run and counts as
# passed, its first failure shown as flaky; a.sh fails twice and counts.
cat >"$tmp/d.sh" <<SH
if [ -e "$tmp/d.ran" ]; then
	echo "TEST: d, second run                             [ OK ]"
	exit 0
fi
touch "$tmp/d.ran"
echo "      missed a bound"
echo "TEST: d, first run                              [FAIL]"
exit 1
SH
out=$(V6FIX_RETRY=1 "$TOP/netns-tests/run" "$tmp/d.sh" "$tmp/a.sh")
rc=$?
last=$(tail -n 1 <<<"$out")
[ "$rc" -ne 0 ] || fail "run exited 0 though a.sh failed twice"
[[ $last == *": 2 passed, 1 failed, 1 skipped" ]] || fail "last line: '$last'"
want="flaky: d.sh: TEST: d, first run [FAIL]
flaky:         missed a bound"
got=$(grep '^flaky: ' <<<"$out")
[ "$got" = "$want" ] || fail "flaky lines: $(printf '%q' "$got")"
[ "$(grep -c '^failure: a.sh: TEST: fails' <<<"$out")" = 1 ] || fail "a.sh's failure not listed once"
[ "$(grep -c '^## a.sh, again' <<<"$out")" = 1 ] || fail "a.sh not run a second time"
log_test "run, V6FIX_RETRY=1: a second run decides; the first run's failure shown as flaky"

rm -f "$tmp/d.ran"
out=$("$TOP/netns-tests/run" "$tmp/d.sh")
[ $? -ne 0 ] || fail "without V6FIX_RETRY a failure was retried"
grep -q '^flaky: ' <<<"$out" && fail "flaky lines without V6FIX_RETRY"
log_test "run: without V6FIX_RETRY a failure is not run again"

"$TOP/netns-tests/run" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "no mode: exit $rc, want 2"
log_test "run: no arguments is a usage error (exit 2)"

exit $EXIT_STATUS
