#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of scripts/vm-run itself, run on the host; each boots a guest.
# Usage: harness.sh KVER...   (default: every kernel with a build/KVER/v6fix.ko)
source "$(dirname "$0")/scenario/lib.sh"

require_root
VMRUN=$TOP/scripts/vm-run
kvers=("$@")
if [ ${#kvers[@]} -eq 0 ]; then
	for d in "$TOP"/build/*/v6fix.ko; do [ -e "$d" ] && kvers+=("$(basename "$(dirname "$d")")"); done
fi
[ ${#kvers[@]} -gt 0 ] || { log_test "harness: no kernel given or built" $ksft_skip; exit $ksft_skip; }

# --- usage errors need no boot ----------------------------------------------------
"$VMRUN" >/dev/null 2>&1
[ $? = 2 ] || fail "no command: exit not 2"
"$VMRUN" -k no-such-kernel -- true >/dev/null 2>&1
[ $? = 2 ] || fail "unknown kernel: exit not 2"
"$VMRUN" -t abc -- true >/dev/null 2>&1
[ $? = 2 ] || fail "bad timeout: exit not 2"
log_test "vm-run: bad usage exits 2 without booting"

# --- build-kernel's key, no build: what rebuilds a kernel and what does not --------
# A copy of what the key hashes (the script, the fragments, the series).
# (dpkg must know linux-source-6.12: else build-kernel unpacks the tarball
# for its version.)
if [ -r /usr/src/linux-source-6.12.tar.xz ] && dpkg-query -W linux-source-6.12 >/dev/null 2>&1; then
	bk=$(mktemp -d)
	defer rm -rf "$bk"
	mkdir -p "$bk/scripts/kconfig" "$bk/kmod/upstream"
	cp "$TOP/scripts/build-kernel" "$bk/scripts/"
	cp "$TOP"/scripts/kconfig/*.config "$bk/scripts/kconfig/"
	cp "$TOP"/kmod/upstream/*.patch "$bk/kmod/upstream/"
	bk_key() { "$bk/scripts/build-kernel" --patched --print-key; }
	k0=$(bk_key)
	[[ $k0 =~ ^[0-9a-f]{16}$ ]] || fail "build-kernel --print-key printed '$k0'"
	[ "$k0" = "$("$TOP/scripts/build-kernel" --patched --print-key)" ] || fail "the copy's key is not the tree's"
	first=$(ls "$bk"/kmod/upstream/0001-*.patch)
	sed -i '0,/^Subject: /s/^Subject: /Subject: reworded /' "$first"
	[ "$(bk_key)" = "$k0" ] || fail "a commit message edit changed the key"
	for p in "$bk"/kmod/upstream/[0-9]*.patch; do
		grep -q '^diff --git a/tools/testing/' "$p" && ! grep '^diff --git ' "$p" | grep -vq ' a/tools/testing/' &&
			rm "$p"
	done
	[ "$(ls "$bk"/kmod/upstream/*.patch | wc -l)" -lt "$(ls "$TOP"/kmod/upstream/*.patch | wc -l)" ] ||
		fail "the series has no selftest-only patch to leave out"
	[ "$(bk_key)" = "$k0" ] || fail "leaving out the selftest patch changed the key"
	# The first added line that names the sysctl: ip-sysctl.rst's, a file
	# the kernel's build does not read either, but outside tools/testing/.
	sed -i '0,/^+.*tcp_syn_sent_icmp_policy/s//&_changed/' "$first"
	[ "$(bk_key)" != "$k0" ] || fail "a kernel hunk's edit left the key"
	log_test "build-kernel --print-key: a commit message or a selftest leaves the key, a kernel hunk changes it"
else
	log_test "build-kernel --print-key: linux-source-6.12 not installed (scripts/install-deps)" $ksft_skip
fi

# --- the kernel's own known reports (scripts/vm/known-reports) -----------------
# A console log with one report; how many reports vm-run counts as failing.
unknown_in() {
	printf '%s\n' "$@" | awk -v known="$TOP/scripts/vm/known-reports" \
		-f "$TOP/scripts/vm/known-reports.awk" 2>/dev/null | cut -d' ' -f1
}
rcu=("[  1.000] =============================" "[  1.001] WARNING: suspicious RCU usage"
     "[  1.002] 6.12.117-v6fix-debug #1 Not tainted" "[  1.003] -----------------------------"
     "[  1.004] net/netfilter/nf_tables_api.c:4470 RCU-list traversed in non-reader section!!"
     "[  1.005] Call Trace:" "[  1.006]  <TASK>" "[  1.007]  nft_set_lookup.part.0+0xcf/0xe0")
[ "$(unknown_in "${rcu[@]}" "[  1.008]  </TASK>")" = 0 ] ||
	fail "nf_tables' own RCU report counted as a failure"
[ "$(unknown_in "${rcu[@]}" "[  1.008]  v6fix_softerr_rcv+0x1/0x2 [v6fix]" "[  1.009]  </TASK>")" = 1 ] ||
	fail "a known report with a v6fix frame in its trace was let through"
[ "$(unknown_in "${rcu[@]/nf_tables_api/tcp_ipv4}" "[  1.008]  </TASK>")" = 1 ] ||
	fail "an RCU report elsewhere was let through"
[ "$(unknown_in "${rcu[@]}" "[  1.008]  </TASK>" "[  2.000] BUG: KASAN: slab-use-after-free in x+0x1/0x2")" = 1 ] ||
	fail "a report after a known one was let through"
log_test "vm-run: the kernel's own known reports pass, any other fails the run"

# The same end to end, in one boot of the first kernel: reports written to
# /dev/kmsg reach the console as the kernel's would.
known='echo "WARNING: suspicious RCU usage" >/dev/kmsg
	echo "net/netfilter/nf_tables_api.c:4470 RCU-list traversed in non-reader section!!" >/dev/kmsg
	echo " </TASK>" >/dev/kmsg'
out=$("$VMRUN" -k "${kvers[0]}" -- sh -c "$known; sleep 1" 2>&1)
rc=$?
[ $rc = 0 ] || fail "a known report alone: exit $rc"
[[ $out == *"a known kernel report, not v6fix's"* ]] || fail "the known report was not named"
out=$("$VMRUN" -k "${kvers[0]}" -- sh -c "$known; echo 'BUG: harness trouble' >/dev/kmsg; sleep 1" 2>&1)
rc=$?
[ $rc = 125 ] || fail "a known report and then another: exit $rc, not 125"
grep -A1 'kernel trouble in the guest' <<<"$out" | grep -q 'BUG: harness trouble' ||
	fail "the trace shown is not the report that failed the run"
log_test "vm-run -k ${kvers[0]}: a known report named, exit 0; another after it, exit 125, its trace shown"

for k in "${kvers[@]}"; do
	# --- status, working directory, writable /etc/netns, user namespaces --------
	marker=build/vm/harness-$$-$RANDOM
	defer rm -f "$TOP/$marker"
	start=$(now_ms)
	out=$("$VMRUN" -k "$k" -- sh -c "test \"\$PWD\" = '$TOP' || exit 10
		mkdir -p /etc/netns/probe || exit 11
		unshare -U -r true || exit 12
		ip netns add hp && ip -n hp link set lo up || exit 13
		uname -r > $marker || exit 14
		exit 3" 2>&1)
	rc=$?
	took=$(($(now_ms) - start))
	[ $rc = 3 ] || { fail "exit status $rc, want 3 (10: cwd, 11: /etc/netns, 12: userns, 13: netns, 14: write)"; echo "$out" | tail -n 15; }
	[ "$(cat "$TOP/$marker" 2>/dev/null)" = "$k" ] || fail "the guest did not run $k or could not write the project"
	log_test "vm-run -k $k: exit 3 passes through; cwd, /etc/netns, userns ok (${took} ms)"

	# A bound that catches a stuck boot, not a slow machine: the boot's
	# cost is scripts/bench-vm's to measure. 40 s failed all three kernels
	# (44-52 s) with three TCG guests and a kernel build on the 2 cores.
	[ "$took" -lt 180000 ] || fail "boot + command + poweroff took ${took} ms"
	log_test "vm-run -k $k: a whole run under 180 s under $(cat "$TOP"/build/vm/"$k"/accel.* 2>/dev/null || echo tcg)"

	# --- a WARN in the guest fails the run and shows the trace -------------------
	fixture=$TOP/build/$k/fixtures/v6fix_warn_fixture.ko
	if [ -r "$fixture" ]; then
		out=$("$VMRUN" -k "$k" -- insmod "$fixture" 2>&1)
		rc=$?
		[ $rc != 0 ] || fail "vm-run exited 0 after a WARN"
		[[ $out == *"deliberate WARN"* ]] || fail "trace not shown"
		[[ $out == *"vm-run: kernel trouble"* ]] || fail "no kernel-trouble report"
		[[ $out != *"booting again"* ]] || fail "a trace after the job started was retried"
		log_test "vm-run -k $k: a WARN in the guest fails the run (exit $rc) and shows it"
	else
		log_test "vm-run -k $k: WARN fixture not built (make fixtures)" $ksft_skip
	fi
done

# --- a kernel that dies while booting is booted again, at most 3 times -----------
# rdinit names no program: the kernel panics before the job can start, as
# it does in QEMU 7.2's rare TCG boot failure.
out=$(V6FIX_VM_APPEND=rdinit=/v6fix-no-such-init "$VMRUN" -k "${kvers[0]}" -t 120 -- true 2>&1)
rc=$?
[ $rc = 125 ] || fail "exit $rc after boots that all died, want 125"
n=$(grep -c 'vm-run: booting again' <<<"$out")
[ "$n" = 2 ] || fail "booted again $n times, want 2"
[[ $out == *"Kernel panic"* ]] || fail "the last boot's trace is not shown"
log_test "vm-run: a kernel that dies while booting is booted again, 3 boots in all"

# --- timeout kills the guest -------------------------------------------------------
start=$(now_ms)
"$VMRUN" -k "${kvers[0]}" -t 25 -- sleep 600 >/dev/null 2>&1
rc=$?
took=$(($(now_ms) - start))
[ $rc = 124 ] || fail "exit $rc after timeout, want 124"
[ "$took" -lt 60000 ] || fail "timeout of 25 s took ${took} ms"
log_test "vm-run -t 25: a hung command is killed ($took ms, exit $rc)"

exit $EXIT_STATUS
