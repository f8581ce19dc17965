#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream patch series (kmod/upstream/), on the kernel that
# `scripts/build-kernel --patched` builds: net.ipv4.tcp_syn_sent_icmp_policy
# and tcp_syn_sent_icmp_retries, no module loaded. Every other kernel has no
# such sysctl: SKIP, unless V6FIX_PATCHED_VIA=module: then the same
# assertions hold for v6fix.ko's policies of the same names (the reference
# the patch must match; the sysctl checks are skipped). Topology and tools of
# the module's soft-error tests
# (scenario/softerr-topology.sh: linear timeouts off; tcp_syn_retries 1, so
# an attempt that keeps its soft error times out at 3 s, or 2 (7 s) where
# $r forges the errors: the forger, Python under TCG, may take a second or
# more on a loaded host; 10 ms each way).
#
# The policies and the module's names for them:
#   0 pass     abort, unless a system call owns the socket (stock)
#   1 hard     abort; if owned, when tcp_release_cb() runs
#   2 rfc1122  soft errors never abort
#   3 bsd      abort on a soft error after more than N SYN retransmissions
#              if one is still recorded (N = tcp_syn_sent_icmp_retries)
#   4 retries  abort on a soft error after more than N retransmissions
#
# What is asserted, per policy:
#   - the sysctls: defaults 0 and 3 in every new namespace, range, per netns
#   - errors from the router ($r rejects by port): soft and hard, both
#     families; every code of the kernel's soft set forged by $r (the
#     table of vm-softerr-codes.sh) under 1 and 2
#   - bsd against retries: one late error alone
#   - the lock-owned case, two ways: a reject rule in the client's own
#     output chain (the error finds connect() holding the lock), and a
#     socket whose lock userspace holds (tools/lock-holder.py) while $r's
#     error arrives: the time until the attempt ends after the release
#   - counters untouched: TcpExtLockDroppedIcmps still counts the error that
#     found the socket owned (the patch defers it instead of dropping it)
#   - the series' own selftest (patch 3, tcp_syn_sent_icmp.sh) passes
source "$(dirname "$0")/scenario/softerr-topology.sh"

require_root
in_vm || { log_test "vm-patched: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }
VIA=${V6FIX_PATCHED_VIA:-sysctl}
case $VIA in
sysctl)
	if [ ! -e /proc/sys/net/ipv4/tcp_syn_sent_icmp_policy ]; then
		log_test "vm-patched: $(uname -r) has no net.ipv4.tcp_syn_sent_icmp_policy (not the patched kernel)" $ksft_skip
		exit $ksft_skip
	fi ;;
module)
	softerr_load || { log_test "vm-patched: load v6fix.ko" 1; exit $ksft_fail; } ;;
*) echo "vm-patched: V6FIX_PATCHED_VIA is sysctl or module, not '$VIA'" >&2; exit 2 ;;
esac
require_cmd nft tc python3 nstat nsenter

softerr_topology || { log_test "vm-patched: topology" 1; exit $ksft_fail; }
HOLDER=$TOP/netns-tests/tools/lock-holder.py
# The figures of this run, for README and the cover letter.
REPORT=${V6FIX_PATCHED_REPORT:-}

NAMES=(pass hard rfc1122 bsd retries)

# policy NS P [RETRIES [SYN_RETRIES]]: P a number of the patch's sysctl;
# with the module, the policy of that name for both families.
policy() {
	local keys
	if [ "$VIA" = sysctl ]; then
		keys=(net.ipv4.tcp_syn_sent_icmp_policy="$2")
		[ -z "${3:-}" ] || keys+=(net.ipv4.tcp_syn_sent_icmp_retries="$3")
	else
		keys=(net.v6fix.softerr_policy="${NAMES[$2]}" net.v6fix.softerr_policy_v4="${NAMES[$2]}")
		[ -z "${3:-}" ] || keys+=(net.v6fix.softerr_bsd_retries="$3")
	fi
	[ -z "${4:-}" ] || keys+=(net.ipv4.tcp_syn_retries="$4")
	nsx "$1" sysctl -qw "${keys[@]}"
}

# --- the sysctls --------------------------------------------------------------------
sysctls() {
got=$(nsx "$c1" sysctl -n net.ipv4.tcp_syn_sent_icmp_policy net.ipv4.tcp_syn_sent_icmp_retries | tr '\n' ' ')
[ "$got" = "0 3 " ] || fail "defaults in a new namespace: '$got', want '0 3'"
for v in 1 2 3 4 0; do
	policy "$c1" "$v" || fail "policy $v refused"
	[ "$(nsx "$c1" sysctl -n net.ipv4.tcp_syn_sent_icmp_policy)" = "$v" ] || fail "policy $v not read back"
done
nsx "$c1" sysctl -qw net.ipv4.tcp_syn_sent_icmp_policy=5 2>/dev/null && fail "policy 5 accepted"
nsx "$c1" sysctl -qw net.ipv4.tcp_syn_sent_icmp_retries=128 2>/dev/null && fail "retries 128 accepted"
nsx "$c1" sysctl -qw net.ipv4.tcp_syn_sent_icmp_retries=127 || fail "retries 127 refused"
policy "$c1" 2 3
[ "$(nsx "$r" sysctl -n net.ipv4.tcp_syn_sent_icmp_policy)" = 0 ] || fail "policy leaked into another namespace"
[ "$(sysctl -n net.ipv4.tcp_syn_sent_icmp_policy)" = 0 ] || fail "policy leaked into init_net"
policy "$c1" 0
}
if [ "$VIA" = sysctl ]; then
	sysctls
	log_test "sysctls: defaults 0 and 3 per new namespace, 0..4 and 0..127, per netns"
else
	log_test "sysctls: not the patched kernel (V6FIX_PATCHED_VIA=module)" $ksft_skip
fi

# --- errors from the router, not owned -----------------------------------------------
# label addr port errno kind: ports as in softerr-topology.sh
ROUTER=(
	"n6 $V6_S 1000 ENETUNREACH soft" "n4 $V4_S 1000 ENETUNREACH soft"
	"h4 $V4_S 1001 EHOSTUNREACH soft" "a6 $V6_S 1001 EACCES hard"
	"p6 $V6_S 1004 ECONNREFUSED hard" "x4 $V4_S 1013 EHOSTUNREACH hard"
)
router() {
	local p=$1 targets=() c l addr port err kind out
	for c in "${ROUTER[@]}"; do
		read -r l addr port err kind <<<"$c"
		targets+=("$l,$addr,$port")
	done
	policy "$c1" "$p" 0 1
	out=$(connects "$c1" "${targets[@]}")
	for c in "${ROUTER[@]}"; do
		read -r l addr port err kind <<<"$c"
		case $kind/$p in
		hard/* | soft/[01]) expect_connect "$out" "$l" "$err" 0 800 ;;
		soft/2) expect_connect "$out" "$l" "$err" 2500 6000 ;;
		soft/[34]) expect_connect "$out" "$l" "$err" 900 2000 ;;
		esac
	done
	[ "$RET" -eq 0 ] || sed 's/^/      /' <<<"$out" >&2
}
router 0
log_test "policy 0 (pass): router errors abort at once, soft and hard"
router 1
log_test "policy 1 (hard): router errors abort at once, soft and hard"
router 2
log_test "policy 2 (rfc1122): soft errors kept until the SYN timeout (3 s), hard ones abort"
router 3
log_test "policy 3 (bsd) N=0: the second soft error, after the 1st retransmission, aborts (1 s)"
router 4
log_test "policy 4 (retries) N=0: the soft error after the 1st retransmission aborts (1 s)"

# --- the soft set: every code, forged by $r (vm-softerr-codes.sh's table) ---------------
CODES=(
	"a4 4 2000 3 0 ENETUNREACH soft" "b4 4 2001 3 1 EHOSTUNREACH soft"
	"c4 4 2002 3 5 EOPNOTSUPP soft" "d4 4 2003 3 11 ENETUNREACH soft"
	"e4 4 2004 3 12 EHOSTUNREACH soft" "f4 4 2005 11 0 EHOSTUNREACH soft"
	"g4 4 2006 11 1 ETIMEDOUT discarded" "h4 4 2007 12 0 EPROTO fatal"
	"a6 6 2000 1 0 ENETUNREACH soft" "b6 6 2001 1 2 EHOSTUNREACH soft"
	"c6 6 2002 1 3 EHOSTUNREACH soft" "d6 6 2003 3 0 EHOSTUNREACH soft"
	"e6 6 2004 3 1 EHOSTUNREACH soft" "f6 6 2005 4 0 EPROTO fatal"
)
codes() {
	local p=$1 jobs=() targets=() c l fam port type code err kind addr out
	for c in "${CODES[@]}"; do
		read -r l fam port type code err kind <<<"$c"
		jobs+=("fam=$fam,dport=$port,type=$type,code=$code,right=1")
		[ "$fam" = 6 ] && addr=$V6_S || addr=$V4_S
		targets+=("$l,$addr,$port")
	done
	policy "$c1" "$p" "" 2
	spoof "${jobs[@]}" || fail "the forger did not start"
	out=$(connects "$c1" "${targets[@]}")
	wait "$SPOOF_PID" || fail "the forger failed: $(cat "$TMPDIR_SOFTERR/spoof.out")"
	for c in "${CODES[@]}"; do
		read -r l fam port type code err kind <<<"$c"
		case $kind/$p in
		soft/1 | fatal/*) expect_connect "$out" "$l" "$err" 0 5000 ;;
		*) expect_connect "$out" "$l" "$err" 6000 12000 ;;
		esac
	done
	[ "$RET" -eq 0 ] || sed 's/^/      /' <<<"$out" >&2
}
codes 2
log_test "policy 2 (rfc1122): every code the kernel calls non-fatal is kept to the timeout (7 s)"
codes 1
log_test "policy 1 (hard): every soft code aborts at once; Parameter Problem too; v4 11/1 never reaches TCP"

# --- bsd against retries: one late error alone -----------------------------------------
late() {
	local p=$1 out
	policy "$c1" "$p" 0 2
	spoof fam=6,dport=2008,right=1,delay=1.5 fam=4,dport=2008,right=1,delay=1.5 ||
		fail "the forger did not start"
	out=$(connects "$c1" l6,$V6_S,2008 l4,$V4_S,2008)
	wait "$SPOOF_PID" || fail "the forger failed: $(cat "$TMPDIR_SOFTERR/spoof.out")"
	if [ "$p" = 3 ]; then
		expect_connect "$out" l6 ENETUNREACH 6000 12000
		expect_connect "$out" l4 ENETUNREACH 6000 12000
	else
		expect_connect "$out" l6 ENETUNREACH 1300 5500
		expect_connect "$out" l4 ENETUNREACH 1300 5500
	fi
	[ "$RET" -eq 0 ] || sed 's/^/      /' <<<"$out" >&2
}
late 3
log_test "policy 3 (bsd) N=0: one late error alone is remembered, reported at the timeout"
late 4
log_test "policy 4 (retries) N=0: one late error aborts"

# --- the lock-owned case: the client's own reject rule ----------------------------------
# The error is generated while connect() is inside tcp_v{4,6}_connect().
nsx "$c1" nft -f - <<-EOF || fail "the client's reject rule"
table inet v6fix_client {
	chain output {
		type filter hook output priority filter; policy accept;
		ip6 daddr $V6_S tcp dport 3000 reject with icmpv6 type no-route
		ip daddr $V4_S tcp dport 3000 reject with icmp type net-unreachable
	}
}
EOF
lockdropped() {
	nsx "$c1" nstat -asz TcpExtLockDroppedIcmps | awk '$1 == "TcpExtLockDroppedIcmps" { print $2 }'
}
# ms range per policy, N = 0 for 3 and 4
OWNED=("900 2000" "0 500" "2500 6000" "900 2000" "900 2000")
RUNS=${V6FIX_PATCHED_RUNS:-3}
for p in 0 1 2 3 4; do
	policy "$c1" "$p" 0 1
	d0=$(lockdropped)
	times6=() times4=()
	for ((i = 0; i < RUNS; i++)); do
		out=$(connects "$c1" l6,$V6_S,3000)
		read -r lo hi <<<"${OWNED[p]}"
		expect_connect "$out" l6 ENETUNREACH "$lo" "$hi"
		times6+=("$(awk '{ print $3 }' <<<"$out")")
		out=$(connects "$c1" l4,$V4_S,3000)
		expect_connect "$out" l4 ENETUNREACH "$lo" "$hi"
		times4+=("$(awk '{ print $3 }' <<<"$out")")
	done
	d1=$(lockdropped)
	# The first error of an attempt finds connect() owning the socket
	# (under TCG, not always: the softirq may run after the release), and
	# the counter still counts it: at least one for every two attempts.
	[ $((d1 - d0)) -ge "$RUNS" ] ||
		fail "TcpExtLockDroppedIcmps +$((d1 - d0)) for $((RUNS * 2)) attempts"
	log_test "lock owned by connect(), policy $p (${NAMES[p]}): IPv6 ${times6[*]} ms, IPv4 ${times4[*]} ms"
	[ -z "$REPORT" ] || echo "owned-connect $p ${NAMES[p]} v6 ${times6[*]} v4 ${times4[*]} lockdropped $((d1 - d0))" >>"$REPORT"
done

# --- the lock-owned case: a lock held from userspace -----------------------------------
# $r forges one error 1 s after the SYN while setsockopt() holds the lock;
# released 1.5 s after the SYN. Policy 1: the attempt ends at the release;
# policy 0: the error was only recorded, the attempt goes on until its
# timeout (3 s after the SYN), which reports it.
held() {
	local p=$1 out=$TMPDIR_SOFTERR/holder.out ready err ms
	policy "$c1" "$p" "" 1
	ready=$TMPDIR_SOFTERR/spoof.ready
	rm -f "$ready" "$TMPDIR_SOFTERR/go"
	bg_in "$r" "$TMPDIR_SOFTERR/spoof.out" python3 -I -S "$HELPER" spoof --iface c1 \
		--readyfile "$ready" fam=4,dport=2009,right=1,delay=1
	SPOOF_PID=$BG_PID
	wait_for 120 test -e "$ready" || fail "the forger did not start"
	bg_in "$c1" "$out" python3 -I -S "$HOLDER" hold "$V4_S" 2009 "$TMPDIR_SOFTERR/go" 60
	HOLDER_PID=$BG_PID
	wait_for 120 grep -q '^held' "$out" || fail "the lock holder did not start: $(cat "$out")"
	wait "$SPOOF_PID" || fail "the forger failed: $(cat "$TMPDIR_SOFTERR/spoof.out")"
	sleep 0.5
	touch "$TMPDIR_SOFTERR/go"
	wait "$HOLDER_PID" || fail "the lock holder failed: $(cat "$out")"
	read -r _ err ms < <(grep '^end ' "$out")
	case $p in
	1) [ "$err" = ENETUNREACH ] && __in_range "$ms" 0 500 ||
		fail "policy 1: '$(grep '^end ' "$out")' after the release, want ENETUNREACH within 500 ms" ;;
	0) [ "$err" = ENETUNREACH ] && __in_range "$ms" 900 6000 ||
		fail "policy 0: '$(grep '^end ' "$out")' after the release, want ENETUNREACH at the timeout" ;;
	esac
	[ "$RET" -eq 0 ] || sed 's/^/      /' "$out" >&2
	HELD_MS=$ms
	[ -z "$REPORT" ] || echo "held $p ${NAMES[p]} $err $ms" >>"$REPORT"
}
held 1
log_test "lock held from userspace, policy 1: the deferred abort acts at the release ($HELD_MS ms)"
held 0
log_test "lock held from userspace, policy 0: the error is only recorded, the timeout reports it ($HELD_MS ms)"

# --- the series' own selftest (patch 3) ------------------------------------------------
# tools/testing/selftests/net/tcp_syn_sent_icmp.sh from this kernel's patched
# tree (build/kernels/RELEASE/src), run as kselftest installs it: from one
# directory with lib.sh and its helper, tcp_syn_sent_icmp.c, built beside it
# (the tree is read-only here). Every one of its TEST lines must say OK.
kselftest() {
	local kst dir out rc
	kst=$TOP/build/kernels/$(uname -r)/src/tools/testing/selftests/net
	KST_OK=0
	[ -e "$kst/tcp_syn_sent_icmp.sh" ] ||
		{ fail "no $kst/tcp_syn_sent_icmp.sh (scripts/build-kernel with the options that built $(uname -r) re-patches the tree)"; return; }
	dir=$TMPDIR_SOFTERR/kselftest
	mkdir -p "$dir" && cp "$kst/lib.sh" "$kst/tcp_syn_sent_icmp.sh" "$dir/" &&
		gcc -O2 -Wall -Wextra -Werror -o "$dir/tcp_syn_sent_icmp" "$kst/tcp_syn_sent_icmp.c" ||
		{ fail "cannot build tcp_syn_sent_icmp.c in $dir"; return; }
	out=$(cd "$dir" && timeout 600 bash ./tcp_syn_sent_icmp.sh 2>&1)
	rc=$?
	KST_OK=$(grep -c '^TEST: .*\[ OK \]$' <<<"$out")
	[ "$rc" -eq 0 ] || fail "tcp_syn_sent_icmp.sh exited $rc"
	[ "$KST_OK" -ge 12 ] && ! grep -q '^TEST: .*\[FAIL\]$' <<<"$out" ||
		fail "tcp_syn_sent_icmp.sh: $KST_OK of 12 TEST lines OK"
	[ "$RET" -eq 0 ] || sed 's/^/      /' <<<"$out" >&2
}
if [ "$VIA" = sysctl ]; then
	kselftest
	log_test "the series' selftest, tcp_syn_sent_icmp.sh: $KST_OK TEST lines OK"
else
	log_test "the series' selftest: not the patched kernel (V6FIX_PATCHED_VIA=module)" $ksft_skip
fi

exit $EXIT_STATUS
