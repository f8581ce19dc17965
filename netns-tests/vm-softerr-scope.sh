#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-application scope (seed 4.3): processes of one namespace, $c1, get
# different soft-error policies at the same time, by cgroup v2 and by socket
# mark, against the real kernel (topology: scenario/softerr-topology.sh; $r
# answers port 1000 with ICMPv6 no-route / ICMP net-unreachable, soft codes):
#
#   $c1: namespace hard (or pass)     ---- 10 ms ---- $r ---- $s
#     `v6fix run --softerr rfc1122 -- helper`   waits for the SYN timeout (15 s)
#     helper                                     aborts at once
#     cgroup X (rfc1122), X/sub, mark 0x10 (hard): precedence mark > cgroup >
#     namespace, descendants match, each setting from the highest scope that
#     sets it; counters per scope
# Then cleanup: `v6fix run` stopped by SIGTERM, flush, and the cgroup
# reference a scope holds let go when its namespace goes and when the module
# goes (cgroup.stat's nr_dying_descendants back to 0).
source "$(dirname "$0")/scenario/softerr-topology.sh"

require_root
in_vm || { log_test "vm-softerr-scope: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }
require_cmd nft tc python3 jq nsenter setpriv

CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$CG" ] || { log_test "vm-softerr-scope: needs a cgroup2 mount" $ksft_skip; exit $ksft_skip; }
softerr_load || { log_test "vm-softerr-scope: load v6fix.ko" 1; exit $ksft_fail; }
softerr_topology || { log_test "vm-softerr-scope: topology" 1; exit $ksft_fail; }
T=$TMPDIR_SOFTERR
# A waiting attempt lasts 15 s (SYN + 3 retransmissions, 1+2+4+8 s; the
# topology turns linear timeouts off): room for the other processes to start
# under TCG while it waits, and 4 errors suppressed per socket.
syn_retries "$c1" 3
SLOW_MIN=12000 SLOW_MAX=25000

# scopes NS: the namespace's scopes, one compact JSON object per line.
scopes() {
	"$V6FIX" -n "$1" -j softerr show | jq -c '.scopes[]'
}

# in_cgroup DIR CMD...: CMD in $c1's network namespace, moved into cgroup DIR first.
in_cgroup() {
	local dir=$1
	shift
	nsx "$c1" bash -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ "$dir" "$@"
}

helper_cmd=(python3 -I -S "$HELPER" connect)

# syn_sent N: at least N of $c1's connects to port 1000 (0x03E8) are in
# SYN-SENT (state 02 in /proc/net/tcp*, which need no diag module).
__syn_sent() {
	[ "$(nsx "$c1" cat /proc/net/tcp /proc/net/tcp6 |
	     awk '$4 == "02" && $3 ~ /:03E8$/' | wc -l)" -ge "$1" ]
}
syn_sent() {
	wait_for 60 __syn_sent "$1"
}

# field OUT LABEL N: the Nth field of LABEL's line of a connects output.
field() {
	awk -v l="$2" -v n="$3" '$1 == l { print $n }' <<<"$1"
}

# overlap OUT A B: the connect() calls of labels A and B overlapped in time.
overlap() {
	local a0 a1 b0 b1
	a0=$(field "$1" "$2" 4) a1=$(field "$1" "$2" 5)
	b0=$(field "$1" "$3" 4) b1=$(field "$1" "$3" 5)
	[ -n "$a0" ] && [ -n "$b0" ] &&
		[ "$(( a0 > b0 ? a0 : b0 ))" -lt "$(( a1 < b1 ? a1 : b1 ))" ]
}

# scope_stats JSON: a scope's counters as sorted FAMILY:ACTION=COUNT words.
scope_stats() {
	jq -r '.stats[] | "\(.family):\(.action)=\(.count)"' <<<"$1" | sort | tr '\n' ' ' | sed 's/ $//'
}

# --- 1. v6fix run: one program rfc1122, another hard, at the same time ---------------
softerr_policy "$c1" hard && stats_reset "$c1"
check_err $? "set namespace policy hard"
# The other program is started first and connects, on a signal, while the
# first one's connects wait: a process start can outlast the 15 s wait in
# a starved guest (72 s once on rt), a signal cannot.
connects "$c1" --ready "$T/b.ready" --go "$T/go1" b6,$V6_S,1000 b4,$V4_S,1000 >"$T/b.out" &
b_pid=$!
wait_for 120 test -e "$T/b.ready"
check_err $? "the other program did not start"
"$V6FIX" -n "$c1" run --softerr rfc1122 -- "${helper_cmd[@]}" \
	a6,$V6_S,1000 a4,$V4_S,1000 >"$T/run.out" 2>"$T/run.err" &
run_pid=$!
# The program starts once its scope is set.
syn_sent 2
check_err $? "v6fix run's program did not connect"
touch "$T/go1"
# Look at the scope while the program waits.
run_scope=$(scopes "$c1")
jq -e 'select(.kind == "cgroup")' <<<"$run_scope" >/dev/null
check_err $? "no cgroup scope while v6fix run runs: $run_scope"
wait "$b_pid"
OUT=$(cat "$T/b.out")
wait "$run_pid"
rc=$?
OUT+=$'\n'$(cat "$T/run.out")
check_err $rc "v6fix run exited $rc: $(cat "$T/run.err")"
expect_connect "$OUT" a6 ENETUNREACH "$SLOW_MIN" "$SLOW_MAX"
expect_connect "$OUT" a4 ENETUNREACH "$SLOW_MIN" "$SLOW_MAX"
expect_connect "$OUT" b6 ENETUNREACH 0 700
expect_connect "$OUT" b4 ENETUNREACH 0 700
overlap "$OUT" a6 b6 && overlap "$OUT" a4 b4
check_err $? "the two programs' connects did not overlap in time"
jq -e 'select(.cgroup | test("/v6fix-run\\.[0-9]+$")) | select(.inet6 == "rfc1122" and .inet == "rfc1122")' \
	<<<"$run_scope" >/dev/null
check_err $? "run's scope: $run_scope"
stats_expect "$c1" "inet6:1:0:aborted=1 inet:3:0:aborted=1 inet6:1:0:suppressed=4 inet:3:0:suppressed=4"
[ -z "$(scopes "$c1")" ] || fail "scopes left after v6fix run: $(scopes "$c1")"
left=$(find "$CG" -maxdepth 1 -name 'v6fix-run.*')
[ -z "$left" ] || fail "cgroups left after v6fix run: $left"
[ "$RET" -eq 0 ] || sed 's/^/      /' <<<"$OUT" >&2
log_test "run --softerr rfc1122: that program waits, the other aborts, at once; cleaned up"

# --- 2. precedence: mark > cgroup > namespace; descendants; per-scope counters ---------
X=$CG/v6fix-scope-$$
mkdir -p "$X/sub"
defer rmdir "$X"
defer rmdir "$X/sub"
softerr_policy "$c1" pass && stats_reset "$c1" &&
	"$V6FIX" -n "$c1" softerr set family all policy rfc1122 cgroup "$X" &&
	"$V6FIX" -n "$c1" softerr set family all policy hard mark 0x10
check_err $? "set the scopes"
# P1 in X, P2 in X with mark 0x10, P3 in X/sub, P4 outside: all at once.
# All four are started first (in a starved guest one process start can
# outlast another's 15 s wait); P1 and P3 connect on one signal, P2 and P4
# on a second one, while P1's and P3's connects wait.
in_cgroup "$X" "${helper_cmd[@]}" --ready "$T/p1.ready" --go "$T/go13" \
	p1v6,$V6_S,1000 p1v4,$V4_S,1000 >"$T/p1" &
pids=($!)
in_cgroup "$X/sub" "${helper_cmd[@]}" --ready "$T/p3.ready" --go "$T/go13" \
	p3v6,$V6_S,1000 p3v4,$V4_S,1000 >"$T/p3" &
pids+=($!)
in_cgroup "$X" "${helper_cmd[@]}" --ready "$T/p2.ready" --go "$T/go2" --mark 0x10 \
	p2v6,$V6_S,1000 p2v4,$V4_S,1000 >"$T/p2" &
pids+=($!)
connects "$c1" --ready "$T/p4.ready" --go "$T/go2" p4v6,$V6_S,1000 p4v4,$V4_S,1000 >"$T/p4" &
pids+=($!)
wait_for 120 test -e "$T/p1.ready" -a -e "$T/p2.ready" -a -e "$T/p3.ready" -a -e "$T/p4.ready"
check_err $? "P1-P4 did not start"
touch "$T/go13"
syn_sent 4
check_err $? "P1 and P3 did not connect"
touch "$T/go2"
wait "${pids[@]}"
OUT=$(cat "$T"/p[1-4])
for f in v6 v4; do
	expect_connect "$OUT" p1$f ENETUNREACH "$SLOW_MIN" "$SLOW_MAX"
	expect_connect "$OUT" p2$f ENETUNREACH 0 700
	expect_connect "$OUT" p3$f ENETUNREACH "$SLOW_MIN" "$SLOW_MAX"
	expect_connect "$OUT" p4$f ENETUNREACH 0 700
done
overlap "$OUT" p1v6 p2v6 && overlap "$OUT" p1v6 p4v6
check_err $? "the processes' connects did not overlap in time"
# The namespace counts every error; each scope those it gave the policy for.
stats_expect "$c1" "inet6:1:0:suppressed=8 inet6:1:0:aborted=1 inet6:1:0:passed=1
		    inet:3:0:suppressed=8 inet:3:0:aborted=1 inet:3:0:passed=1"
sc=$(scopes "$c1")
cg_scope=$(jq -c 'select(.kind == "cgroup")' <<<"$sc")
mark_scope=$(jq -c 'select(.kind == "mark")' <<<"$sc")
[ "$(jq -r .cgroup <<<"$cg_scope")" = "/${X#"$CG"/}" ] || fail "cgroup scope: $cg_scope"
[ "$(jq -r '"\(.mark)/\(.mask)"' <<<"$mark_scope")" = 16/4294967295 ] || fail "mark scope: $mark_scope"
[ "$(scope_stats "$cg_scope")" = "inet6:suppressed=8 inet:suppressed=8" ] ||
	fail "cgroup scope's counters: $(scope_stats "$cg_scope")"
[ "$(scope_stats "$mark_scope")" = "inet6:aborted=1 inet:aborted=1" ] ||
	fail "mark scope's counters: $(scope_stats "$mark_scope")"
[ "$RET" -eq 0 ] || sed 's/^/      /' <<<"$OUT" >&2
log_test "mark > cgroup > namespace at once; X/sub matches X's scope; counters per scope"

# A deeper scope that sets only inet6: IPv4 falls through to X's rfc1122.
"$V6FIX" -n "$c1" softerr set family inet6 policy hard cgroup "$X/sub" && stats_reset "$c1"
check_err $? "set the X/sub scope"
OUT=$(in_cgroup "$X/sub" "${helper_cmd[@]}" s6,$V6_S,1000 s4,$V4_S,1000)
expect_connect "$OUT" s6 ENETUNREACH 0 700
expect_connect "$OUT" s4 ENETUNREACH "$SLOW_MIN" "$SLOW_MAX"
sc=$(scopes "$c1")
sub_scope=$(jq -c 'select(.kind == "cgroup" and (.cgroup | endswith("/sub")))' <<<"$sc")
cg_scope=$(jq -c 'select(.kind == "cgroup" and (.cgroup | endswith("/sub") | not))' <<<"$sc")
mark_scope=$(jq -c 'select(.kind == "mark")' <<<"$sc")
[ "$(scope_stats "$sub_scope")" = "inet6:aborted=1" ] ||
	fail "X/sub scope's counters: $(scope_stats "$sub_scope")"
[ "$(scope_stats "$cg_scope")" = "inet:suppressed=4" ] ||
	fail "X scope's counters: $(scope_stats "$cg_scope")"
[ -z "$(scope_stats "$mark_scope")" ] ||
	fail "the mark scope counted errors it did not decide: $(scope_stats "$mark_scope")"
log_test "each setting from the deepest scope that sets it (inet6 X/sub, inet X)"

# Changes need CAP_NET_ADMIN over the namespace; reading does not.
out=$(nsx "$c1" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$V6FIX" softerr set policy hard mark 0x20 2>&1)
[ $? -ne 0 ] && [[ $out == *"Operation not permitted"* ]] || fail "unprivileged set: $out"
out=$(nsx "$c1" setpriv --reuid 65534 --regid 65534 --clear-groups "$V6FIX" softerr del mark 0x10 2>&1)
[[ $out == *"Operation not permitted"* ]] || fail "unprivileged del: $out"
out=$(nsx "$c1" setpriv --reuid 65534 --regid 65534 --clear-groups "$V6FIX" softerr flush 2>&1)
[[ $out == *"Operation not permitted"* ]] || fail "unprivileged flush: $out"
[ "$(nsx "$c1" setpriv --reuid 65534 --regid 65534 --clear-groups "$V6FIX" -j softerr show |
     jq '.scopes | length')" = 3 ] || fail "unprivileged show does not list the 3 scopes"
log_test "scope changes need CAP_NET_ADMIN (set, del, flush: EPERM); show does not"

# Reset zeroes the scopes' counters too; del by id and by key; flush.
stats_reset "$c1"
[ -z "$(scopes "$c1" | jq -c 'select(.stats != [])')" ] || fail "counters left after reset"
id=$(scopes "$c1" | jq -r 'select(.kind == "mark") | .id')
"$V6FIX" -n "$c1" softerr del id "$id" && "$V6FIX" -n "$c1" softerr del cgroup "$X/sub"
check_err $? "del"
out=$("$V6FIX" -n "$c1" softerr del id "$id" 2>&1)
[[ $out == *"no such scope"* ]] || fail "del of a deleted scope: $out"
[ "$(scopes "$c1" | wc -l)" = 1 ] || fail "after two dels: $(scopes "$c1")"
"$V6FIX" -n "$c1" softerr flush
[ -z "$(scopes "$c1")" ] || fail "after flush: $(scopes "$c1")"
log_test "stats reset, del by id and by cgroup (ENOENT with the kernel's words), flush"

# --- 3. cleanup ----------------------------------------------------------------------
softerr_policy "$c1" hard
"$V6FIX" -n "$c1" run --softerr rfc1122 -- sleep 60 &
run_pid=$!
wait_for 120 bash -c "'$V6FIX' -n '$c1' -j softerr show | jq -e '.scopes | length == 1' >/dev/null"
check_err $? "no scope while v6fix run sleeps"
kill -TERM "$run_pid"
wait "$run_pid"
rc=$?
[ "$rc" = 143 ] || fail "v6fix run stopped by SIGTERM exited $rc, want 143 (128 + SIGTERM, the program's)"
[ -z "$(scopes "$c1")" ] || fail "scope left after SIGTERM: $(scopes "$c1")"
left=$(find "$CG" -maxdepth 1 -name 'v6fix-run.*')
[ -z "$left" ] || fail "cgroup left after SIGTERM: $left"
log_test "run stopped by SIGTERM: the program gets it, status 143, scope and cgroup gone"

# A scope holds a reference on its cgroup: a removed cgroup stays dying
# until the scope goes, with its namespace or with the module.
dying() {
	awk '$1 == "nr_dying_descendants" { print $2 }' "$CG/cgroup.stat"
}
dying_is() {
	[ "$(dying)" = "$1" ]
}
wait_for 30 dying_is 0
check_err $? "nr_dying_descendants is $(dying) before, not 0"
setup_ns gone
D=$CG/v6fix-scope-gone-$$
mkdir "$D" && "$V6FIX" -n "$gone" softerr set policy rfc1122 cgroup "$D" && rmdir "$D"
check_err $? "scope on $D in $gone"
sleep 1
dying_is 1 || fail "a removed cgroup with a scope: nr_dying_descendants $(dying), want 1"
ip netns del "$gone"
wait_for 30 dying_is 0
check_err $? "after the namespace went: nr_dying_descendants $(dying), want 0"
log_test "a namespace's exit drops its scopes' cgroup references"

E=$CG/v6fix-scope-unload-$$
mkdir "$E" && "$V6FIX" -n "$c1" softerr set policy rfc1122 cgroup "$E" && rmdir "$E"
check_err $? "scope on $E in $c1"
sleep 1
dying_is 1 || fail "before unload: nr_dying_descendants $(dying), want 1"
rmmod v6fix
check_err $? "rmmod v6fix with a scope set"
wait_for 30 dying_is 0
check_err $? "after rmmod: nr_dying_descendants $(dying), want 0"
softerr_load
check_err $? "insmod again"
log_test "module unload drops every scope's cgroup reference"

exit $EXIT_STATUS
