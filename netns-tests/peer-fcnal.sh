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
# both show. The logs: build/fcnal/KVER/POLICY.GROUP.log, and beside each a
# .times file: every test's verdict line after the seconds it took (from the
# previous verdict: the test's own setup, waits and kill_procs included).
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
#   V6FIX_FCNAL_ONLY=ERE  in a FUNCTION, run only the tests whose names (as
#                         printed, without "TEST: ") match ERE, and expect
#                         only the matching lines of the .fail file;
#                         "error-path": the selection make check runs
#                         (below; netns-tests/vm-fcnal.sh)
#   V6FIX_FCNAL_ICMP=1    count the ICMP errors ns-A and ns-B receive, per
#                         test (in the .times file), and fail a FUNCTION in
#                         which no test met one
#   V6FIX_FCNAL_SYSCTL="K=V ..." in a FUNCTION, after setup, set these in
#                         ns-A and ns-B (net.v6fix.softerr_errqueue=recverr)
#   V6FIX_FCNAL_VERBOSE=1 the script's -v: every command and its output in the log
#   V6FIX_FCNAL_WAIT=S    wait_local_port_listen's deadline, default 60 s
#   V6FIX_FCNAL_UPDATE=1  write the .fail files from this run instead (with
#                         V6FIX_FCNAL_ONLY, the selected tests' lines)
# Inside scripts/vm-run only, one kernel per boot; not a vm-*.sh itself:
# make check's VM stage runs the error-path selection through
# netns-tests/vm-fcnal.sh, `make check-fcnal` the default, `make
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
ONLY=${V6FIX_FCNAL_ONLY:-}
# The selection make check runs (V6FIX_FCNAL_ONLY=error-path): in ipv4_tcp_novrf
# and ipv6_tcp_novrf, the tests that meet an ICMP error (a connect bound to
# the device, to an address of the loopback: the neighbour lookup fails and
# the kernel sends itself a host unreachable, as in the tests that stopped
# the 2024 series) and, around them, the same connect to the device's own
# address (no error), a refused connect (a RST, no ICMP) and plain clients.
ERROR_PATH='^(Global server, device client, local connection|No server, device client|Client) - '
[ "$ONLY" != error-path ] || ONLY=$ERROR_PATH
V6FIX_ICMP=${V6FIX_FCNAL_ICMP:-0}
# Functions whose error-path selection was measured to meet no ICMP error
# (V6FIX_FCNAL_ICMP=1 reports their count without failing): in
# ipv6_tcp_novrf the device-bound connects to a loopback address are refused
# (a RST, rc 1 as the test expects), no ICMPv6 error reaches ns-A or ns-B
# (0 on 6.1.0-57 and 6.12.117 under pass); it stays in the selection as a
# peer check of what the module must not break.
ICMP_NONE="ipv6_tcp_novrf"
if [ -n "$ONLY" ]; then
	for g in $TESTS; do
		[[ $g == *_novrf || $g == vrf:* ]] ||
			{ log_test "peer-fcnal: V6FIX_FCNAL_ONLY selects within a function, not group $g" 1; exit $ksft_fail; }
	done
fi

[ -x "$DIR/nettest" ] && [ -x "$DIR/fcnal-test.sh" ] ||
	{ log_test "peer-fcnal: no $DIR/nettest (make selftests)" 1; exit $ksft_fail; }
for t in ip ping sysctl killall pgrep iptables ip6tables nsenter; do
	require_cmd "$t"
done
modprobe -q vrf || { log_test "peer-fcnal: no vrf module in $KVER" $ksft_skip; exit $ksft_skip; }
mkdir -p "$LOGS"

# Debian's trees ship fcnal-test.sh with stable backports whose helpers did
# not come along: both call wait_local_port_listen (net_helper.sh, which
# neither sources), and 6.1.192's calls slowwait (6.12's lib.sh; 6.1 has no
# lib.sh). Without them, every "wait until the server listens" is a
# "command not found", and clients race their servers. Definitions of both,
# exported into the script, so fcnal-test.sh itself runs unchanged:
# slowwait as 6.12's lib.sh has it, wait_local_port_listen as net_helper.sh
# has it but with a deadline instead of ten looks (below).

# nettest gives up after 5 s (prog_timeout): the client, which is what the
# tests measure ("Should timeout" is rc 2), and the server, which the script
# starts in the background and kills after each test. Under TCG on a loaded
# host the client's SYN can come more than 5 s after the server listens
# (each `ip netns exec` and exec costs seconds), and a server that has
# already given up makes the test see "Connection refused" (rc 1), one way
# the connects that should succeed failed under pass at load 18-40. So a
# server on its own (-s without -B) waits 120 s; kill_procs
# still ends it after each test, so no test takes longer, and the client's
# timeout, which the verdicts depend on, stays 5 s; the script's own -t, if
# any, wins. 6.12's fcnal-test.sh puts its own directory first in PATH
# (`PATH=$PWD:...`), so a wrapper elsewhere in PATH is not the nettest it
# runs (until 2026-12-02 the 6.12 runs had no -t 120: the servers gave up
# after 5 s, and the client, 6 s after the server's "waiting for client
# connection", was refused). So the script runs from $TREE: the tree's files
# as symlinks, nettest the wrapper.
TREE=$LOGS/tree
rm -rf "$TREE" && mkdir -p "$TREE" "$LOGS/bin" || exit $ksft_fail
ln -s "$DIR"/* "$TREE/" && rm "$TREE/nettest" || { log_test "peer-fcnal: cannot link $DIR into $TREE" 1; exit $ksft_fail; }
printf '%s\n' '#!/bin/sh' \
	'case " $* " in' \
	'*" -B "*) ;;' \
	"*\" -s \"*) exec $DIR/nettest -t 120 \"\$@\" ;;" \
	'esac' \
	"exec $DIR/nettest \"\$@\"" >"$TREE/nettest"
chmod +x "$TREE/nettest"

# kill_procs (before every test) is `killall nettest ping ping6`, then
# `slowwait 2` until pgrep finds none; under TCG on a loaded host one pgrep
# takes 2-3 s, so that is one look, and the previous test's server can still
# be there when the next one starts. nettest listens with SO_REUSEPORT, so
# the new server's bind succeeds beside the dying one, and
# wait_local_port_listen can see the old socket: the client's SYN comes
# after it closed and before the new one listens, and is refused (rc 1: a
# window, not a measured failure; those were the 5 s servers above). So
# killall, first in PATH, is upstream's killall (-v, to learn the PIDs it
# signalled) and then waits until those PIDs are gone (at most 600 looks;
# kill -0, a builtin: rescanning /proc in the guest costs seconds a look,
# and psmisc's own -w waits 2 s even for a process that died at once).
printf '%s\n' '#!/bin/sh' \
	'out=$(/usr/bin/killall -v "$@" 2>&1); rc=$?' \
	'pids=' \
	'while IFS= read -r l; do' \
	'	case $l in "Killed "*"("*")"*) p=${l#*\(}; pids="$pids ${p%%\)*}" ;; esac' \
	'done <<EOF' \
	'$out' \
	'EOF' \
	'for p in $pids; do' \
	'	n=0' \
	'	while kill -0 "$p" 2>/dev/null; do' \
	'		[ $n -lt 600 ] || { echo "peer-fcnal: killall: $p still there after 600 looks" >&2; break; }' \
	'		n=$((n + 1)); sleep 0.1' \
	'	done' \
	'done' \
	'exit $rc' >"$LOGS/bin/killall"
chmod +x "$LOGS/bin/killall"

# wait_local_port_listen NS PORT PROTO: upstream's check (the port in state
# LISTEN in the namespace's /proc/net/PROTO*, read by `ip netns exec NS
# awk`), but looked at until a deadline (V6FIX_FCNAL_WAIT, default 60 s)
# instead of ten times 0.1 s apart: if a server's `ip netns exec` and exec
# took longer than ten looks, the wait would return with nobody listening
# and the client would be refused (rc 1; a safeguard: in the loaded guest
# ten looks are 10-40 s). Every server the TCP tests start does listen, so
# no verdict depends on the wait giving up; when it does, a line says so.
# With V6FIX_FCNAL_VERBOSE, a LISTEN line gives the looks it took.
wait_local_port_listen() {
	local ns=$1 port=$2 proto=$3 pattern n=0 end=$((SECONDS + ${V6FIX_FCNAL_WAIT:-60}))

	pattern=":$(printf "%04X" "$port") "
	[ "$proto" = tcp ] && pattern="${pattern}0A"
	until ip netns exec "$ns" awk '{print $2" "$4}' /proc/net/"$proto"* | grep -q "$pattern"; do
		n=$((n + 1))
		if [ $SECONDS -ge $end ]; then
			echo "peer-fcnal: wait_local_port_listen $ns $port $proto: nobody listening after $n looks"
			return 0
		fi
		sleep 0.1
	done
	[ "${VERBOSE:-0}" != 1 ] || echo "LISTEN: $ns $port/$proto after $n looks"
	return 0
}
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

# fcnal_only FUNCTION ERE (in the shell that holds fcnal-test.sh's
# definitions, after setup): run only the tests of FUNCTION whose names match
# ERE. A first pass runs FUNCTION with every command stubbed out (nothing
# runs, nothing waits) and notes, for each test name, which log_start began
# it; the real pass then runs the log_start blocks of the matching tests as
# the script wrote them and makes the others' commands no-ops. The script's
# own functions are wrapped, not changed.
fcnal_only() {
	local fn=$1 ere=$2 n name
	declare -gA fcnal_keep=()
	while IFS=$'\t' read -r n name; do
		[[ $name =~ $ere ]] && fcnal_keep[$n]=1
	done < <(
		declare -i fcnal_n=0
		for c in run_cmd run_cmd_nsb run_cmd_nsc do_run_cmd wait_local_port_listen \
			 kill_procs set_sysctl setup_vrf_dup cleanup_vrf_dup ip sleep sysctl \
			 nettest ping ping6 killall; do
			eval "$c() { return 0; }"
		done
		log_start() { fcnal_n+=1; }
		log_test() { printf "%d\t%s\n" $fcnal_n "$3" >&3; }
		{ "$fn" >/dev/null 2>&1; } 3>&1
	)
	[ ${#fcnal_keep[@]} -gt 0 ] || { echo "fcnal: no test of $fn matches /$ere/"; exit 1; }
	declare -gi fcnal_n=0 fcnal_skip=0
	local c
	for c in log_start log_test run_cmd run_cmd_nsb run_cmd_nsc do_run_cmd \
		 wait_local_port_listen; do
		declare -F $c >/dev/null || continue
		eval "fcnal_orig_$(declare -f $c)"
		eval "$c() { [ \$fcnal_skip = 0 ] || return 0; fcnal_orig_$c \"\$@\"; }"
	done
	log_start() {
		fcnal_n+=1
		fcnal_skip=1
		[ -z "${fcnal_keep[$fcnal_n]:-}" ] || { fcnal_skip=0; fcnal_orig_log_start; }
	}
}

# fcnal_icmp (after setup): "ICMP-ERRORS: A B", the ICMP and ICMPv6 errors
# ns-A and ns-B have received so far (destination unreachable, time
# exceeded, parameter problem, packet too big), once before the first test
# and after each verdict line: which tests meet the error path at all. Read
# with nsenter (no mount namespace to make, as ip netns exec would).
fcnal_icmp() {
	fcnal_icmp_count() {
		local ns out=
		for ns in $NSA $NSB; do
			out+=" $(nsenter --net=/run/netns/$ns awk '
				$1 == "Icmp:" && $2 !~ /^[0-9]/ { for (i = 2; i <= NF; i++) col[i] = $i; next }
				$1 == "Icmp:" { for (i = 2; i <= NF; i++)
					if (col[i] ~ /^In(DestUnreachs|TimeExcds|ParmProbs)$/) s += $i; next }
				$1 ~ /^Icmp6In(DestUnreachs|PktTooBigs|TimeExcds|ParmProblems)$/ { s += $2 }
				END { print s + 0 }' /proc/net/snmp /proc/net/snmp6)"
		done
		echo "ICMP-ERRORS:$out"
	}
	eval "fcnal_icmp_$(declare -f log_test)"
	log_test() {
		[ "${fcnal_skip:-0}" = 0 ] || return 0
		fcnal_icmp_log_test "$@"
		fcnal_icmp_count
	}
	fcnal_icmp_count
}

export -f fcnal_only fcnal_icmp

# fcnal GROUP|FUNCTION|vrf:FUNCTION: run it in $TREE. A function runs in a
# shell that holds fcnal-test.sh's definitions (the script without its
# usage and main parts, so unchanged), after the setup its group would do.
fcnal() {
	local t=$1 vrf=
	cd "$TREE" || return 1
	case "$t" in
	*_novrf|vrf:*)
		[[ $t == vrf:* ]] && vrf=yes
		PATH=$LOGS/bin:$TREE:$PATH bash -c 'eval "$(sed "/^# usage$/,\$d" fcnal-test.sh)"
			declare -i nfail=0 nsuccess=0
			[ "$3" = 1 ] || fips_enabled=1
			[ "$6" != 1 ] || VERBOSE=1
			setup "$2"
			for ns in $NSA $NSB; do
				[ -z "$7" ] || ip netns exec $ns sysctl -qw $7 || exit 1
			done
			[ -z "$4" ] || fcnal_only "$1" "$4"
			[ "$5" != 1 ] || fcnal_icmp
			"$1"
			cleanup 2>/dev/null
			printf "\nTests passed: %3d\nTests failed: %3d\n" $nsuccess $nfail' \
			fcnal "${t#vrf:}" "$vrf" "${V6FIX_FCNAL_MD5:-1}" "$ONLY" "$V6FIX_ICMP" \
			"${V6FIX_FCNAL_VERBOSE:-0}" "${V6FIX_FCNAL_SYSCTL:-}"
		;;
	*)
		local v=
		[ "${V6FIX_FCNAL_VERBOSE:-0}" != 1 ] || v=-v
		PATH=$LOGS/bin:$PATH ./fcnal-test.sh $v -t "$t"
		;;
	esac
}

# The failing tests of a log, one a line (the name and the padding as
# fcnal-test.sh prints them, without "TEST: " and the verdict).
failures() {
	sed -n 's/^TEST: \(.*[^ ]\) *\[FAIL\]$/\1/p' "$1" | sort
}

# stamp TIMES: copy stdin to stdout; for each verdict line, append it to
# TIMES after the seconds since the previous one (bash's clock, no fork).
stamp() {
	local line prev=${EPOCHREALTIME/./} now
	: >"$1"
	while IFS= read -r line; do
		printf '%s\n' "$line"
		[[ $line != ICMP-ERRORS:* ]] || { printf '       %s\n' "$line" >>"$1"; continue; }
		[[ $line == TEST:* ]] || continue
		now=${EPOCHREALTIME/./}
		printf '%4d.%d %s\n' $(((now - prev) / 1000000)) $(((now - prev) / 100000 % 10)) \
			"$line" >>"$1"
		prev=$now
	done
}

# The patched kernel (scripts/build-kernel --patched; kmod/upstream/) has
# the policies as net.ipv4.tcp_syn_sent_icmp_policy and no module: each is
# set in ns-A and ns-B after setup (a FUNCTION only: a whole group makes
# its namespaces where nothing can set it first). The values: patched_policy
# (scenario/lib.sh).
VIA=module
[ ! -e /proc/sys/net/ipv4/tcp_syn_sent_icmp_policy ] || VIA=sysctl
SYSCTL0=${V6FIX_FCNAL_SYSCTL:-}
module_for() {
	if [ $VIA = sysctl ]; then
		local n
		n=$(patched_policy "$1") || { echo "peer-fcnal: no sysctl value for policy $1" >&2; return 1; }
		V6FIX_FCNAL_SYSCTL="$SYSCTL0${SYSCTL0:+ }net.ipv4.tcp_syn_sent_icmp_policy=$n"
		return 0
	fi
	grep -q '^v6fix ' /proc/modules && rmmod v6fix
	[ "$1" = stock ] && return 0
	insmod "$KO" default_policy="$1" default_policy_v4="$1"
}
if [ $VIA = sysctl ]; then
	for g in $TESTS; do
		[[ $g == *_novrf || $g == vrf:* ]] ||
			{ log_test "fcnal: $g is a whole group; on the patched kernel only FUNCTIONs set the policy" $ksft_fail; exit $ksft_fail; }
	done
	echo "      the patched kernel: policies by net.ipv4.tcp_syn_sent_icmp_policy in ns-A and ns-B"
fi
defer sh -c 'grep -q "^v6fix " /proc/modules && rmmod v6fix'

for p in $POLICIES; do
	module_for "$p"
	check_err $? "policy $p ($VIA)"
	[ "$RET" -eq 0 ] || { log_test "fcnal: policy $p ($VIA)"; continue; }
	for g in $TESTS; do
		log=$LOGS/$p.${g/:/-}.log
		t0=$(date +%s)
		echo "      fcnal-test.sh -t $g under $p ($KVER) ..."
		fcnal "$g" 2>&1 | stamp "${log%.log}.times" >"$log"
		t1=$(date +%s)
		ok=$(grep -c '^TEST: .*\[ OK \]$' "$log")
		got=$(failures "$log")
		nf=$(grep -c . <<<"$got")
		want=
		[ ! -e "$EXPECT/$p.${g/:/-}.fail" ] ||
			want=$(grep -E -- "${ONLY:-.}" "$EXPECT/$p.${g/:/-}.fail" | sort)
		if [ "${V6FIX_ICMP:-0}" = 1 ]; then
			# The first and the last count: did any test meet an error?
			met=$(grep '^ICMP-ERRORS:' "$log" | sed -n '1p;$p' | awk '
				NR == 1 { a = $2; b = $3 } NR == 2 { print $2 - a + $3 - b }')
			echo "      $g under $p: ${met:-no} ICMP errors received in ns-A and ns-B"
			case " $ICMP_NONE " in
			*" $g "*) ;;
			*) [ "${met:-0}" -gt 0 ] || fail "no test of $g met an ICMP error: not the error path" ;;
			esac
		fi
		if [ "${V6FIX_FCNAL_UPDATE:-0}" = 1 ]; then
			mkdir -p "$EXPECT"
			# With V6FIX_FCNAL_ONLY, only the selected tests' lines
			# change; the file keeps what it said of the others.
			[ -z "$ONLY" ] || [ ! -e "$EXPECT/$p.${g/:/-}.fail" ] ||
				got=$(printf '%s\n' "$got"; grep -v -E -- "$ONLY" "$EXPECT/$p.${g/:/-}.fail")
			got=$(grep . <<<"$got" | sort)
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
