#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix.ko acts only on what deserves it (scripts/vm-run; topology:
# scenario/softerr-topology.sh). $r watches the link to $c1 for SYNs to the black-holed
# ports 2000-2009 and answers each with forged ICMP errors from a raw socket:
#
#   $c1 --- SYN to :200x ---> $r (AF_PACKET sees it, the SYN is dropped)
#       <-- forged errors ---'   (raw socket)
#
# Under the hard policy:
#   - errors quoting a wrong sequence number (ISN + 1, which the stack's own
#     window check accepts; ISN - 1; random) or a port nobody uses never
#     abort, and are counted (RFC 5927);
#   - one error quoting the ISN exactly aborts: the check is the sequence
#     number, not the source of the error;
#   - the same with a broken checksum is ignored;
#   - an error for an established connection leaves it alone;
#   - a flood of malformed errors (truncated, extension-header chains,
#     fragments, bit flips) changes nothing and crashes nothing.
source "$(dirname "$0")/scenario/softerr-topology.sh"

require_root
in_vm || { log_test "vm-softerr-spoof: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }
require_cmd nft tc python3 jq nsenter

softerr_load || { log_test "vm-softerr-spoof: load v6fix.ko" 1; exit $ksft_fail; }
softerr_topology || { log_test "vm-softerr-spoof: topology" 1; exit $ksft_fail; }
softerr_start_server || { log_test "vm-softerr-spoof: echo server" 1; exit $ksft_fail; }


softerr_policy "$c1" hard "" 1 && stats_reset "$c1"
check_err $? "set policy hard"

# --- forged errors, right and wrong, and an established connection ---------------
spoof fam=6,dport=2000,wrong=30,nosock=5 fam=4,dport=2000,wrong=30,nosock=5 \
	fam=6,dport=2001,right=1 fam=4,dport=2001,right=1 \
	fam=4,dport=2002,right=1,badsum=1 fam=6,dport=80,right=1,delay=0.5
check_err $? "the forger did not start"
# An established connection; the forger hits it 0.5 s after its SYN.
go=$TMPDIR_SOFTERR/go
bg_in "$c1" "$TMPDIR_SOFTERR/hold.out" python3 -I -S "$HELPER" hold "$V6_S,80" "$go"
hold=$BG_PID
OUT=$(connects "$c1" a6,$V6_S,2000 a4,$V4_S,2000 b6,$V6_S,2001 b4,$V4_S,2001 \
	c4,$V4_S,2002)
wait "$SPOOF_PID"
check_err $? "the forger failed: $(cat "$TMPDIR_SOFTERR/spoof.out")"
touch "$go"
wait "$hold"

expect_connect "$OUT" a6 ETIMEDOUT 2500 6000
expect_connect "$OUT" a4 ETIMEDOUT 2500 6000
log_test "errors with a wrong sequence number or port never abort"
expect_connect "$OUT" b6 ENETUNREACH 0 2500
expect_connect "$OUT" b4 ENETUNREACH 0 2500
log_test "a forged error quoting the ISN itself aborts"
expect_connect "$OUT" c4 ETIMEDOUT 2500 6000
log_test "an error with a bad checksum is ignored, even with the ISN"
grep -q '^alive' "$TMPDIR_SOFTERR/hold.out"
check_err $? "established connection: $(cat "$TMPDIR_SOFTERR/hold.out")"
log_test "an error for an established connection leaves it alone"
stats_expect "$c1" "inet6:1:0:ignored-spoofed=30 inet6:1:0:ignored-no-socket=5
	inet:3:0:ignored-spoofed=30 inet:3:0:ignored-no-socket=5
	inet6:1:0:aborted=1 inet:3:0:aborted=1 inet:3:0:ignored-malformed=1
	inet6:1:0:ignored-not-syn-sent=1"
[ "$RET" -eq 0 ] || sed 's/^/      /' <<<"$OUT"$'\n'"$(cat "$TMPDIR_SOFTERR/spoof.out")" >&2
log_test "each forged error counted under what was done with it"

# --- a flood of malformed errors at a connection attempt -----------------------------
stats_reset "$c1"
spoof fam=6,dport=2003,fuzz=3000 fam=4,dport=2003,fuzz=3000
check_err $? "the forger did not start"
OUT=$(connects "$c1" f6,$V6_S,2003 f4,$V4_S,2003)
wait "$SPOOF_PID"
check_err $? "the forger failed: $(cat "$TMPDIR_SOFTERR/spoof.out")"
expect_connect "$OUT" f6 ETIMEDOUT 2500 6000
expect_connect "$OUT" f4 ETIMEDOUT 2500 6000
# Whatever the parser made of them: nothing but ignored-* counts, and some
# were malformed and some merely spoofed.
got=$(stats_lines "$c1")
bad=$(grep -v ':ignored-' <<<"$got")
[ -z "$bad" ] || fail "a malformed error was acted on: $(echo $bad)"
grep -q 'inet6:.*:ignored-malformed=' <<<"$got" && grep -q 'inet:.*:ignored-malformed=' <<<"$got" &&
	grep -q ':ignored-spoofed=' <<<"$got" ||
	fail "counters do not show the flood: $(echo $got)"
log_test "6000 malformed errors: no abort, no crash, counted as ignored"

# The engine still works afterwards.
stats_reset "$c1"
OUT=$("$V6FIX" -n "$c1" -j connect "$V6_S" 1000)
expect_v6fix_connect "$OUT" ENETUNREACH 0 500
stats_expect "$c1" "inet6:1:0:aborted=1"
log_test "after the flood: a real soft error still aborts at once"

exit $EXIT_STATUS
