#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test runner itself (netns-tests/run): it counts TEST lines, counts a
# script that fails without a [FAIL] line as one failure, and repeats every
# failure with its diagnostics just above its last line, which is all that
# CI shows of a long log.
source "$(dirname "$0")/scenario/lib.sh"

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

"$TOP/netns-tests/run" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "no mode: exit $rc, want 2"
log_test "run: no arguments is a usage error (exit 2)"

exit $EXIT_STATUS
