#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shell library of v6fix's namespace tests, after the kernel's
# tools/testing/selftests/net/lib.sh: uniquely named namespaces, cleanup
# deferred to a trap that runs even on failure or SIGINT, polling instead of
# sleeping, and one "TEST: name [ OK ]" line per check.
#
# Source it from a test script; the script then calls log_test after each
# check and ends with `exit $EXIT_STATUS`.

# KSFT exit codes.
ksft_pass=0
ksft_fail=1
ksft_skip=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
V6FIX=${V6FIX:-$TOP/build/bin/v6fix}
EXIT_STATUS=0
RET=0
NS_LIST=()

# --- cleanup: `defer CMD...` runs CMD at exit, newest first --------------------
__DEFER=()
defer() {
	local q
	q=$(printf '%q ' "$@")
	__DEFER+=("$q")
}
__run_defers() {
	local i
	for ((i = ${#__DEFER[@]} - 1; i >= 0; i--)); do
		eval "${__DEFER[i]}" >/dev/null 2>&1 || true
	done
	__DEFER=()
}
__on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	__run_defers
	exit "$rc"
}
__on_signal() {
	echo "interrupted: cleaning up" >&2
	exit 130
}
trap __on_exit EXIT
trap __on_signal INT TERM

# --- namespaces ------------------------------------------------------------------
# setup_ns VAR...: create one namespace per VAR, named v6fix-VAR-<random>,
# store the name in $VAR, and delete it (and its /etc/netns entry) at exit.
__ETC_NETNS_EXISTED=
[ -d /etc/netns ] && __ETC_NETNS_EXISTED=1
setup_ns() {
	local var name
	# /etc/netns is ours to remove at exit only if it did not exist before.
	[ -n "$__ETC_NETNS_EXISTED" ] || defer rmdir /etc/netns
	for var in "$@"; do
		name=v6fix-${var}-$(mktemp -u XXXXXX)
		ip netns add "$name" || return 1
		defer rm -rf "/etc/netns/$name"
		defer ip netns del "$name"
		ip -n "$name" link set lo up
		# Addresses are usable at once: tests must not wait for DAD.
		ip netns exec "$name" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 >/dev/null
		NS_LIST+=("$name")
		printf -v "$var" '%s' "$name"
	done
}

# --- results ---------------------------------------------------------------------
# log_test NAME [RC]: print the TEST line for the check just done; RC defaults
# to $RET, which check_err/check_fail set. Resets RET.
log_test() {
	local name=$1 rc=${2:-$RET}
	if [ "$rc" -eq $ksft_pass ]; then
		printf 'TEST: %-70s [ OK ]\n' "$name"
	elif [ "$rc" -eq $ksft_skip ]; then
		printf 'TEST: %-70s [SKIP]\n' "$name"
		[ "$EXIT_STATUS" -ne 0 ] || EXIT_STATUS=$ksft_skip
	else
		printf 'TEST: %-70s [FAIL]\n' "$name"
		EXIT_STATUS=$ksft_fail
	fi
	[ -z "${RET_MSG:-}" ] || [ "$rc" -eq $ksft_pass ] || printf '      %s\n' "$RET_MSG"
	RET=0
	RET_MSG=
}

# check_err RC MSG: a non-zero RC fails the current check with MSG.
check_err() {
	if [ "$1" -ne 0 ] && [ "$RET" -eq 0 ]; then
		RET=$ksft_fail
		RET_MSG=$2
	fi
}

# check_fail RC MSG: a zero RC fails the current check with MSG.
check_fail() {
	if [ "$1" -eq 0 ] && [ "$RET" -eq 0 ]; then
		RET=$ksft_fail
		RET_MSG=$2
	fi
}

# fail MSG: fail the current check.
fail() {
	if [ "$RET" -eq 0 ]; then
		RET=$ksft_fail
		RET_MSG=$1
	fi
}

# require_cmd CMD...: skip the whole script when a tool is missing.
require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null; then
			log_test "$(basename "$0"): needs $c" $ksft_skip
			exit $ksft_skip
		fi
	done
}

require_root() {
	if [ "$(id -u)" != 0 ]; then
		log_test "$(basename "$0"): needs root" $ksft_skip
		exit $ksft_skip
	fi
}

# --- waiting -----------------------------------------------------------------------
# wait_for SECONDS CMD...: poll CMD every 20 ms until it succeeds; 1 on timeout.
wait_for() {
	# V6FIX_WAIT_SCALE (vm-run, on a debug kernel): the same readiness,
	# a longer bound, at most 600 s longer (a long wait times x10 would
	# outlast the guest); a wait that succeeds returns as soon as it does.
	local limit=$(($1 * ${V6FIX_WAIT_SCALE:-1})) end
	[ "$limit" -le $(($1 + 600)) ] || limit=$(($1 + 600))
	shift
	end=$(($(date +%s%N) + limit * 1000000000))
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# now_ms: CLOCK_MONOTONIC-ish wall clock in milliseconds.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

in_vm() {
	[ "${V6FIX_IN_VM:-0}" = 1 ]
}

# patched_policy NAME: the patched kernel's net.ipv4.tcp_syn_sent_icmp_policy
# value for a module policy's name (kmod/upstream/; README, "The upstream
# patch"); stock is the default, 0. Fails for any other name.
patched_policy() {
	case "$1" in
	stock|pass) echo 0 ;; hard) echo 1 ;; rfc1122) echo 2 ;; bsd) echo 3 ;; retries) echo 4 ;;
	*) return 1 ;;
	esac
}
