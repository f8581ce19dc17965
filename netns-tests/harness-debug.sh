#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel's checkers, and scripts/vm-run's handling of their
# reports, on the host: one boot per sin of the fixture module
# (netns-tests/fixtures/debug/sins.c). Each sin must fail the run with the
# checker's own report; a leak must be what kmemleak-scan finds after the
# module is unloaded. Usage: harness-debug.sh KVER (a kernel of
# scripts/build-kernel, with build/KVER/fixtures/v6fix_debug_fixture.ko).
source "$(dirname "$0")/scenario/lib.sh"

require_root
VMRUN=$TOP/scripts/vm-run
k=${1:-$("$TOP"/scripts/build-kernel --print-release)}
fixture=$TOP/build/$k/fixtures/v6fix_debug_fixture.ko
[ -r "$fixture" ] || { log_test "harness-debug: $fixture built (make check-debug)" 1; exit $ksft_fail; }

# sin, checker, what its report says (the first line vm-run shows)
sins=(
	"uaf       KASAN                 BUG: KASAN: slab-use-after-free"
	"oob       KFENCE                BUG: KFENCE: out-of-bounds read"
	"lockorder PROVE_LOCKING         WARNING: possible circular locking dependency detected"
	"sleep     DEBUG_ATOMIC_SLEEP    BUG: sleeping function called from invalid context"
	"rcu       PROVE_RCU             WARNING: suspicious RCU usage"
	"work      DEBUG_OBJECTS_WORK    ODEBUG: object"
	"timer     DEBUG_OBJECTS_TIMERS  ODEBUG: free active (active state 0) object: "
	"list      DEBUG_LIST            list_add double add"
)
for row in "${sins[@]}"; do
	read -r sin checker want <<<"$row"
	[ -z "${V6FIX_DEBUG_SINS:-}" ] || [[ " $V6FIX_DEBUG_SINS " == *" $sin "* ]] || continue
	start=$(now_ms)
	out=$("$VMRUN" -k "$k" -t 600 -m 2G -- insmod "$fixture" sin="$sin" 2>&1)
	rc=$?
	took=$((($(now_ms) - start) / 1000))
	[ $rc != 0 ] || fail "vm-run exited 0 after the sin"
	[[ $out == *"$want"* ]] || fail "no '$want' in the output"
	[[ $out == *"vm-run: kernel trouble"* ]] || fail "no kernel-trouble report"
	[[ $out != *"booting again"* ]] || fail "the sin's trace was taken for a boot failure"
	[ "$RET" = 0 ] || echo "$out" | grep -E 'BUG|WARNING|ODEBUG|KASAN|KFENCE|list_|v6fix|vm-run' | head -n 20
	log_test "debug kernel: $sin caught by $checker, the run fails (exit $rc, ${took} s)"
done

# The leak: no splat, kmemleak-scan finds it once the module is gone.
if [ -z "${V6FIX_DEBUG_SINS:-}" ] || [[ " $V6FIX_DEBUG_SINS " == *" leak "* ]]; then
	out=$("$VMRUN" -k "$k" -t 600 -m 2G -- sh -c "insmod '$fixture' sin=leak || exit 10
		rmmod v6fix_debug_fixture || exit 11
		netns-tests/tools/kmemleak-scan; echo kmemleak-scan exit \$?" 2>&1)
	rc=$?
	[ $rc = 0 ] || fail "vm-run exit $rc"
	[[ $out == *"kmemleak-scan exit 1"* ]] || fail "kmemleak-scan did not report the leak"
	[[ $out == *"unreferenced object"*"(size 128)"* ]] || fail "no 128-byte object in the report"
	[ "$RET" = 0 ] || echo "$out" | tail -n 20
	log_test "debug kernel: a leak of an unloaded module is found by kmemleak-scan"
fi

exit $EXIT_STATUS
