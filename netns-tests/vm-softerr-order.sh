#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix.ko does not act on an error the stock kernel discards before TCP
# sees it (issue #12, item 1; scripts/vm-run; topology:
# scenario/softerr-topology.sh), under the hard policy, tcp_syn_retries 1:
#
#   $c1 --- SYN ---> $r --- reject / forged error ---> $c1
#                                                       |  icmp_rcv(): an
#   IPsec: `ip xfrm policy ... dir in ... action block`  |  IPsec policy
#          for ICMP type 3 / ICMPv6 type 1 in $c1        |  refuses it;
#   broadcast: the error forged to 10.0.1.255            |  broadcast-addressed
#                                                        v  IPv4 is dropped
#   stock: the SYN times out (ETIMEDOUT); v6fix: the same, counted "passed",
#   not "aborted".
#
# And a fragmented ICMPv6 soft error (the forger quotes 1500 bytes more, so
# it leaves $r in two fragments): IPv6 reassembles after LOCAL_IN, so v6fix
# sees only the first fragment and drops it as malformed (the documented
# limitation: the attempt times out). With conntrack in $c1 (an nft ct rule,
# which turns on nf_defrag_ipv6 there) the error is whole at LOCAL_IN and
# the attempt is aborted at once.
source "$(dirname "$0")/scenario/softerr-topology.sh"

require_root
in_vm || { log_test "vm-softerr-order: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }
require_cmd nft tc python3 jq nsenter ip

softerr_load || { log_test "vm-softerr-order: load v6fix.ko" 1; exit $ksft_fail; }
softerr_topology || { log_test "vm-softerr-order: topology" 1; exit $ksft_fail; }

softerr_policy "$c1" hard "" 1 && stats_reset "$c1"
check_err $? "set policy hard"

# --- IPsec policy refuses the errors -------------------------------------------------
nsx "$c1" ip xfrm policy add dir in proto icmp type 3 action block &&
	nsx "$c1" ip -6 xfrm policy add dir in proto ipv6-icmp type 1 action block
check_err $? "xfrm policies"
OUT=$(connects "$c1" x6,$V6_S,1000 x4,$V4_S,1000)
expect_connect "$OUT" x6 ETIMEDOUT 2500 6000
expect_connect "$OUT" x4 ETIMEDOUT 2500 6000
stats_expect "$c1" "inet6:1:0:passed=2 inet:3:0:passed=2"
log_test "IPsec policy discards the error: no abort, counted as passed"
nsx "$c1" ip xfrm policy flush
nsx "$c1" ip -6 xfrm policy flush
OUT=$(connects "$c1" y6,$V6_S,1000 y4,$V4_S,1000)
expect_connect "$OUT" y6 ENETUNREACH 0 2500
expect_connect "$OUT" y4 ENETUNREACH 0 2500
log_test "without the IPsec policy the same errors abort (the test's control)"

# --- an ICMP error addressed to the link's broadcast address --------------------------
stats_reset "$c1"
spoof fam=4,dport=2000,right=1,to=10.0.1.255 fam=4,dport=2001,right=1
check_err $? "the forger did not start"
OUT=$(connects "$c1" b4,$V4_S,2000 u4,$V4_S,2001)
wait "$SPOOF_PID"
check_err $? "the forger failed: $(cat "$TMPDIR_SOFTERR/spoof.out")"
expect_connect "$OUT" b4 ETIMEDOUT 2500 6000
expect_connect "$OUT" u4 ENETUNREACH 0 2500
stats_expect "$c1" "inet:3:0:passed=1 inet:3:0:aborted=1"
log_test "an ICMP error to a broadcast address is not acted on (unicast control aborts)"

# --- a fragmented ICMPv6 soft error -------------------------------------------------
stats_reset "$c1"
spoof fam=6,dport=2002,right=1,pad=1500
check_err $? "the forger did not start"
OUT=$(connects "$c1" f6,$V6_S,2002)
wait "$SPOOF_PID"
expect_connect "$OUT" f6 ETIMEDOUT 2500 6000
stats_expect "$c1" "inet6:1:0:ignored-malformed=1"
log_test "fragmented ICMPv6 error: first fragment dropped as malformed (limitation)"

nsx "$c1" nft add table inet v6fix_ct &&
	nsx "$c1" nft add chain inet v6fix_ct in '{ type filter hook input priority 0; }' &&
	nsx "$c1" nft add rule inet v6fix_ct in ct state invalid counter
check_err $? "conntrack rule in $c1"
stats_reset "$c1"
spoof fam=6,dport=2003,right=1,pad=1500
OUT=$(connects "$c1" g6,$V6_S,2003)
wait "$SPOOF_PID"
expect_connect "$OUT" g6 ENETUNREACH 0 2500
stats_expect "$c1" "inet6:1:0:aborted=1"
log_test "fragmented ICMPv6 error with conntrack's defrag in the namespace: aborted"

exit $EXIT_STATUS
