#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Last of make check-debug's tests, in the debug kernel's guest after the
# module's suites: load v6fix.ko once more, give it namespaces and settings,
# unload it, and have kmemleak scan: nothing v6fix allocated may be left
# unreferenced (netns-tests/tools/kmemleak-scan says how an object is known
# to be v6fix's). Skips on a kernel without kmemleak (Debian's).
source "$(dirname "$0")/scenario/lib.sh"

require_root
in_vm || { log_test "debug-kmemleak: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }
[ -e /sys/kernel/debug/kmemleak ] ||
	{ log_test "debug-kmemleak: no kmemleak in $(uname -r)" $ksft_skip; exit $ksft_skip; }

KO=$TOP/build/$(uname -r)/v6fix.ko
[ -r "$KO" ] || { log_test "debug-kmemleak: $KO built" 1; exit $ksft_fail; }

! grep -q '^v6fix ' /proc/modules || rmmod v6fix
insmod "$KO" default_policy=bsd
check_err $? "insmod"
setup_ns ns_a ns_b
ip netns exec "$ns_a" sysctl -qw net.v6fix.softerr_policy=pass net.v6fix.softerr_policy_v4=rfc1122
check_err $? "sysctl in $ns_a"
"$V6FIX" -n "$ns_b" softerr set policy retries retries 5 errqueue recverr &&
	"$V6FIX" -n "$ns_b" -j softerr show >/dev/null &&
	"$V6FIX" -n "$ns_b" softerr stats reset >/dev/null
check_err $? "v6fix softerr set/show/stats in $ns_b"
ip netns del "$ns_b"
rmmod v6fix
check_err $? "rmmod"
log_test "debug-kmemleak: v6fix loaded, used in two namespaces, unloaded"

out=$("$TOP"/netns-tests/tools/kmemleak-scan v6fix 2>&1)
rc=$?
[ $rc != 4 ] || { log_test "debug-kmemleak: kmemleak scan ($out)" 1; exit $ksft_fail; }
[ $rc = 0 ] || { fail "unreferenced objects allocated by v6fix"; echo "$out" | head -n 60; }
log_test "debug-kmemleak: no object v6fix allocated is left unreferenced"

exit $EXIT_STATUS
