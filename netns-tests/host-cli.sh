#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The CLI's contract on the host (no module here): bad input is one line on
# stderr and exit 2; a missing module is a clear runtime error (exit 1);
# JSON output parses.
source "$(dirname "$0")/lib.sh"

[ -x "$V6FIX" ] || { log_test "host-cli: $V6FIX built" 1; exit $ksft_fail; }

# expect_usage ARGS...: exit 2, exactly one line on stderr, nothing on stdout.
expect_usage() {
	local out err rc
	err=$(mktemp)
	out=$("$V6FIX" "$@" 2>"$err")
	rc=$?
	[ $rc = 2 ] || fail "'v6fix $*' exited $rc, want 2"
	[ -z "$out" ] || fail "'v6fix $*' printed to stdout: $out"
	[ "$(wc -l <"$err")" = 1 ] || fail "'v6fix $*' printed $(wc -l <"$err") lines on stderr: $(cat "$err")"
	grep -q '^v6fix: ' "$err" || fail "'v6fix $*' message lacks the 'v6fix: ' prefix: $(cat "$err")"
	rm -f "$err"
}

expect_usage nosuchobject
expect_usage --nosuchoption softerr show
expect_usage -n
expect_usage -n "v6fix-none-$$" softerr show
expect_usage -n ../etc softerr show
expect_usage softerr nosuchcommand
expect_usage softerr show extra
expect_usage softerr set
expect_usage softerr set policy
expect_usage softerr set policy strict
expect_usage softerr set policy hard retries 128
expect_usage softerr set policy hard retries -1
expect_usage softerr set family inet6
expect_usage softerr set family ipx policy hard
expect_usage softerr set policy hard bogus 1
expect_usage version extra
log_test "bad input: one line, exit 2 (16 cases)"

"$V6FIX" >/dev/null 2>&1
[ $? = 2 ] || fail "no object: exit not 2"
"$V6FIX" help | grep -q '^Usage: v6fix'
check_err $? "v6fix help prints the usage"
"$V6FIX" softerr help | grep -q 'softerr show'
check_err $? "v6fix softerr help"
[ "$("$V6FIX" -V)" = "v6fix 0.1.0" ] || fail "-V"
log_test "help and version"

if [ -d /proc/sys/net/v6fix ]; then
	log_test "softerr without the module" $ksft_skip
else
	out=$("$V6FIX" softerr show 2>&1)
	rc=$?
	[ $rc = 1 ] || fail "exit $rc without the module, want 1"
	[[ $out == *"is v6fix.ko loaded"* ]] || fail "unclear message: $out"
	log_test "softerr without the module: exit 1 and says why"
fi

out=$("$V6FIX" -j version)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["version"]=="0.1.0" and "module_version" in d' "$out"
check_err $? "-j version is not the expected JSON: $out"
log_test "-j version is valid JSON"

require_root
setup_ns ns
"$V6FIX" -n "$ns" -j version >/dev/null
check_err $? "-n NETNS with an existing namespace"
log_test "-n enters an existing namespace"

exit $EXIT_STATUS
