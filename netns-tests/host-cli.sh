#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The CLI's contract on the host (no module here): help and version; a
# missing module is a clear runtime error (exit 1); JSON output parses.
source "$(dirname "$0")/scenario/lib.sh"

[ -x "$V6FIX" ] || { log_test "host-cli: $V6FIX built" 1; exit $ksft_fail; }

# Bad input (exit 2, one line, nothing changed) is host-badinput.sh's table.

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
