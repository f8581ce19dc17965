#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel's checkers, and scripts/vm-run's handling of their
# reports, on the host: one boot per sin of the fixture module
# (netns-tests/fixtures/debug/sins.c). On a kernel built with the sin's
# checker (its config says) the sin must fail the run with the checker's own
# report; on one without it (Debian's) the run must pass in silence, which
# is the point of the debug kernel. A leak must be what kmemleak-scan finds
# after the module is unloaded. Usage: harness-debug.sh [KVER] (or
# V6FIX_DEBUG_KVER=KVER through netns-tests/run; default:
# scripts/build-kernel's debug kernel); needs build/KVER/fixtures/
# v6fix_debug_fixture.ko. V6FIX_DEBUG_SINS="uaf list ..." runs only those;
# V6FIX_DEBUG_TIMEOUT=S is each boot's timeout (default 1800).
source "$(dirname "$0")/scenario/lib.sh"

require_root
VMRUN=$TOP/scripts/vm-run
k=${1:-${V6FIX_DEBUG_KVER:-$("$TOP"/scripts/build-kernel --print-release)}}
fixture=$TOP/build/$k/fixtures/v6fix_debug_fixture.ko
[ -r "$fixture" ] || { log_test "harness-debug: $fixture built (make check-debug)" 1; exit $ksft_fail; }
config=$TOP/build/kernels/$k/config
[ -e /boot/vmlinuz-"$k" ] && config=/boot/config-$k
[ -r "$config" ] || { log_test "harness-debug: the config of $k" 1; exit $ksft_fail; }
has() { grep -qx "CONFIG_$1=y" "$config"; }
# KFENCE samples nothing when its interval is 0 (Debian's 6.12) unless the
# command line says otherwise.
kfence_on() { has KFENCE && ! grep -qx 'CONFIG_KFENCE_SAMPLE_INTERVAL=0' "$config"; }
# One boot of the debug kernel took 400-580 s under TCG with two other guests
# on the 2 cores, and one more than 600 s: a timeout for a stuck guest only.
tmo=${V6FIX_DEBUG_TIMEOUT:-1800}
wanted() { [ -z "${V6FIX_DEBUG_SINS:-}" ] || [[ " $V6FIX_DEBUG_SINS " == *" $1 "* ]]; }

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
	wanted "$sin" || continue
	if [ "$checker" = KFENCE ]; then kfence_on && on=1 || on=0
	else has "$checker" && on=1 || on=0
	fi
	start=$(now_ms)
	out=$("$VMRUN" -k "$k" -t "$tmo" -m 2G -- insmod "$fixture" sin="$sin" 2>&1)
	rc=$?
	took=$((($(now_ms) - start) / 1000))
	if [ $on = 1 ]; then
		[ $rc != 0 ] || fail "vm-run exited 0 after the sin"
		[[ $out == *"$want"* ]] || fail "no '$want' in the output"
		[[ $out == *"vm-run: kernel trouble"* ]] || fail "no kernel-trouble report"
		[[ $out != *"booting again"* ]] || fail "the sin's trace was taken for a boot failure"
		what="caught by $checker, the run fails (exit $rc, ${took} s)"
	else
		[[ $out != *"vm-run: kernel trouble"* ]] || fail "a report without $checker"
		[[ $out != *"$want"* ]] || fail "'$want' without $checker"
		what="passes in silence: $checker not active in $k (exit $rc, ${took} s)"
	fi
	[ "$RET" = 0 ] || echo "$out" | grep -E 'BUG|WARNING|ODEBUG|KASAN|KFENCE|list_|v6fix|vm-run' | head -n 20
	log_test "debug fixture: $sin $what"
done

# The leak: no splat; kmemleak-scan finds it once the module is gone.
if wanted leak; then
	out=$("$VMRUN" -k "$k" -t "$tmo" -m 2G -- sh -c "insmod '$fixture' sin=leak || exit 10
		rmmod v6fix_debug_fixture || exit 11
		netns-tests/tools/kmemleak-scan; echo kmemleak-scan exit \$?" 2>&1)
	rc=$?
	[ $rc = 0 ] || fail "vm-run exit $rc"
	if has DEBUG_KMEMLEAK; then
		[[ $out == *"kmemleak-scan exit 1"* ]] || fail "kmemleak-scan did not report the leak"
		[[ $out == *"unreferenced object"*"(size 128)"* ]] || fail "no 128-byte object in the report"
		what="found by kmemleak-scan after the unload"
	else
		[[ $out == *"kmemleak-scan exit 4"* ]] || fail "kmemleak-scan did not say there is no kmemleak"
		what="passes in silence: no DEBUG_KMEMLEAK in $k"
	fi
	[ "$RET" = 0 ] || echo "$out" | tail -n 20
	log_test "debug fixture: leak $what"
fi

exit $EXIT_STATUS
