#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Upstream's tools/testing/selftests/net/fcnal-test.sh, from Debian's
# linux-source of the running kernel's series, with nettest built from the
# same tree (`make selftests`: build/selftests/SERIES/), under v6fix.ko's
# policies: the module is loaded with default_policy=P default_policy_v4=P,
# so every namespace fcnal-test.sh creates starts with P. It is the suite
# whose failure stopped the April 2024 series (nettest expects an immediate
# EHOSTUNREACH), and a peer suite for what the module must not break.
#
# For each policy and test group, the set of failing tests must be exactly
# results/fcnal/SERIES/POLICY.GROUP.fail (one test line a line; missing file:
# no failure expected for stock, pass and hard; for rfc1122 and bsd a SKIP
# that lists the failures), so a new failure and a test that starts passing
# both show. The logs: build/fcnal/KVER/POLICY.GROUP.log.
#
# Environment:
#   V6FIX_FCNAL_POLICIES  default "pass hard"; also stock (no module),
#                         rfc1122, bsd
#   V6FIX_FCNAL_TESTS     what to run: fcnal-test.sh's own groups (-t:
#                         ipv4_tcp, ipv6_udp, use_cases, ...) or one of its
#                         test functions after setup: a FUNCTION (without
#                         VRF) or vrf:FUNCTION; default (make check)
#                         "ipv4_tcp_novrf ipv6_tcp_novrf"
#   V6FIX_FCNAL_MD5=0     in a FUNCTION, skip its TCP-MD5 tests (the script's
#                         own knob: it skips them when FIPS mode is on); they
#                         never see an ICMP error. Default 1; make check: 0
#   V6FIX_FCNAL_UPDATE=1  write the .fail files from this run instead
# Inside scripts/vm-run only, one kernel per boot; not a vm-*.sh, so that its
# cost stays out of the VM stage: `make check-fcnal` runs the default, `make
# check-large` every group of the script under stock, pass, hard, rfc1122
# and bsd.
source "$(dirname "$0")/scenario/lib.sh"

require_root
in_vm || { log_test "peer-fcnal: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }

KVER=$(uname -r)
SERIES=$(cut -d. -f1-2 <<<"$KVER")
DIR=$TOP/build/selftests/$SERIES
EXPECT=$TOP/results/fcnal/$SERIES
LOGS=$TOP/build/fcnal/$KVER
KO=$TOP/build/$KVER/v6fix.ko
POLICIES=${V6FIX_FCNAL_POLICIES:-pass hard}
TESTS=${V6FIX_FCNAL_TESTS:-ipv4_tcp_novrf ipv6_tcp_novrf}

[ -x "$DIR/nettest" ] && [ -x "$DIR/fcnal-test.sh" ] ||
	{ log_test "peer-fcnal: no $DIR/nettest (make selftests)" 1; exit $ksft_fail; }
for t in ip ping sysctl killall pgrep iptables ip6tables; do
	require_cmd "$t"
done
modprobe -q vrf || { log_test "peer-fcnal: no vrf module in $KVER" $ksft_skip; exit $ksft_skip; }
mkdir -p "$LOGS"

# Debian's trees ship fcnal-test.sh with stable backports whose helpers did
# not come along: both call wait_local_port_listen (net_helper.sh, which
# neither sources), and 6.1.192's calls slowwait (6.12's lib.sh; 6.1 has no
# lib.sh). Without them, every "wait until the server listens" is a
# "command not found", and clients race their servers. The definitions from
# the same tree (6.12's lib.sh for slowwait), exported into the script, so
# fcnal-test.sh itself runs unchanged.
# shellcheck source=/dev/null
source "$DIR/net_helper.sh" || { log_test "peer-fcnal: no $DIR/net_helper.sh" 1; exit $ksft_fail; }
export -f wait_local_port_listen
if ! grep -q '^source lib.sh' "$DIR/fcnal-test.sh"; then
	slowwait() {
		local end=$(($(date +%s%N) + $1 * 1000000000))
		shift
		until "$@"; do
			[ "$(date +%s%N)" -lt "$end" ] || return 1
			sleep 0.1
		done
	}
	export -f slowwait
fi

# fcnal GROUP|FUNCTION|vrf:FUNCTION: run it in $DIR. A function runs in a
# shell that holds fcnal-test.sh's definitions (the script without its
# usage and main parts, so unchanged), after the setup its group would do.
fcnal() {
	local t=$1 vrf=
	cd "$DIR" || return 1
	case "$t" in
	*_novrf|vrf:*)
		[[ $t == vrf:* ]] && vrf=yes
		PATH=$DIR:$PATH bash -c 'eval "$(sed "/^# usage$/,\$d" fcnal-test.sh)"
			declare -i nfail=0 nsuccess=0
			[ "$3" = 1 ] || fips_enabled=1
			setup "$2"
			"$1"
			cleanup 2>/dev/null
			printf "\nTests passed: %3d\nTests failed: %3d\n" $nsuccess $nfail' \
			fcnal "${t#vrf:}" "$vrf" "${V6FIX_FCNAL_MD5:-1}"
		;;
	*) ./fcnal-test.sh -t "$t" ;;
	esac
}

# The failing tests of a log, one a line (the name and the padding as
# fcnal-test.sh prints them, without "TEST: " and the verdict).
failures() {
	sed -n 's/^TEST: \(.*[^ ]\) *\[FAIL\]$/\1/p' "$1" | sort
}

module_for() {
	grep -q '^v6fix ' /proc/modules && rmmod v6fix
	[ "$1" = stock ] && return 0
	insmod "$KO" default_policy="$1" default_policy_v4="$1"
}
defer sh -c 'grep -q "^v6fix " /proc/modules && rmmod v6fix'

for p in $POLICIES; do
	module_for "$p"
	check_err $? "insmod $KO policy $p"
	[ "$RET" -eq 0 ] || { log_test "fcnal: load v6fix.ko with policy $p"; continue; }
	for g in $TESTS; do
		log=$LOGS/$p.${g/:/-}.log
		t0=$(date +%s)
		echo "      fcnal-test.sh -t $g under $p ($KVER) ..."
		fcnal "$g" >"$log" 2>&1
		t1=$(date +%s)
		ok=$(grep -c '^TEST: .*\[ OK \]$' "$log")
		got=$(failures "$log")
		nf=$(grep -c . <<<"$got")
		want=
		[ ! -e "$EXPECT/$p.${g/:/-}.fail" ] || want=$(sort "$EXPECT/$p.${g/:/-}.fail")
		if [ "${V6FIX_FCNAL_UPDATE:-0}" = 1 ]; then
			mkdir -p "$EXPECT"
			if [ -n "$got" ]; then
				printf '%s\n' "$got" >"$EXPECT/$p.${g/:/-}.fail"
			else
				rm -f "$EXPECT/$p.${g/:/-}.fail"
			fi
			want=$got
		fi
		[ "$ok" -gt 0 ] || fail "no test passed: see $log"
		if [ "$RET" -eq 0 ] && [ ! -e "$EXPECT/$p.${g/:/-}.fail" ] &&
		   [ "$p" != pass ] && [ "$p" != hard ] && [ "$p" != stock ] && [ -n "$got" ]; then
			# rfc1122 and bsd are meant to fail some; until a run
			# has recorded which (V6FIX_FCNAL_UPDATE=1), say so.
			echo "      $g under $p: $ok passed, $nf failed, $((t1 - t0)) s; failing:"
			sed 's/^/        /' <<<"$got"
			log_test "fcnal $g, policy $p: no expectation recorded in $EXPECT" $ksft_skip
			continue
		fi
		if [ "$got" != "$want" ]; then
			fail "failing set differs from $EXPECT/$p.$g.fail: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ';')"
		fi
		echo "      $g under $p: $ok passed, $nf failed, $((t1 - t0)) s"
		log_test "fcnal $g, policy $p: failures as expected ($ok passed, $nf failed)"
	done
done

exit $EXIT_STATUS
