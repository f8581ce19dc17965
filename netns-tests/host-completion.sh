#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bash completion of v6fix (userspace/v6fix.bash-completion, installed by
# make install and package v6fix): loaded by bash-completion, registered for
# v6fix (`complete -p`), and completing every object, command, keyword,
# option and value set: the objects against `v6fix help`, the faults
# against the catalog of netns-tests/scenario/faults.sh, the rest against
# the table below. A new object must appear at the object level at once
# (it comes from the help); its commands are checked once a row is added.
source "$(dirname "$0")/scenario/lib.sh"

require_cmd bash
comp_file=$TOP/userspace/v6fix.bash-completion
[ -r /usr/share/bash-completion/bash_completion ] || {
	log_test "host-completion: needs bash-completion" $ksft_skip
	exit $ksft_skip
}

# complete WORDS...: what TAB offers after WORDS (the last one is the word
# being completed, "" for a new one), sorted, one line, in a fresh bash that
# loaded bash-completion and the file, with the CLI under test first in PATH.
complete_words() {
	local bindir
	bindir=$(mktemp -d)
	ln -s "$V6FIX" "$bindir/v6fix"
	bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"; shift
		fn=$(complete -p v6fix | sed -n "s/.*-F \([^ ]*\) v6fix$/\1/p")
		[ -n "$fn" ] || { echo "NOT-REGISTERED"; exit 1; }
		COMP_WORDS=(v6fix "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
		"$fn" v6fix "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " " | sed "s/ $//"
	' completion "$comp_file" "$@" 2>&1 </dev/null
	rm -rf "$bindir"
	return 0
}
export PATH

# expect "WORDS" "OFFERS": TAB after WORDS offers exactly OFFERS.
expect() {
	local words=$1 want=$2 got
	# shellcheck disable=SC2086
	eval "set -- $words"
	got=$(PATH=$(dirname "$V6FIX"):$PATH complete_words "$@")
	[ "$got" = "$want" ] || fail "v6fix $words<TAB>: got '$got', want '$want'"
	log_test "completion: v6fix $words<TAB>"
}

out=$(bash --norc --noprofile -c 'source /usr/share/bash-completion/bash_completion; source "$1"; complete -p v6fix' _ "$comp_file" 2>&1)
[[ $out == "complete -F _v6fix v6fix" ]] || fail "complete -p v6fix: $out"
log_test "completion: registered for v6fix (complete -p)"

# Objects: exactly those of `v6fix help`, and help.
objs=$("$V6FIX" help | awk '/^OBJECT :=/ { o = 1; next } o && /^    [a-z]/ { print $1 }')
want=$(printf '%s\n' $objs help | sort -u | tr '\n' ' ' | sed 's/ $//')
expect '""' "$want"
expect 'so' "softerr"
expect '-' "--help --json --netns --version -V -h -j -n"
expect '-j -n x ""' "$want"

# The table: commands, keywords, options and values per object.
expect 'softerr ""' "del flush help monitor set show stats"
expect 'softerr set ""' "cgroup errqueue family mark policy retries"
expect 'softerr set family ""' "all inet inet6"
expect 'softerr set policy ""' "bsd hard pass retries rfc1122"
expect 'softerr set family inet policy hard ""' "cgroup errqueue mark retries"
expect 'softerr stats ""' "reset"
expect 'softerr del ""' "cgroup id mark"
expect 'softerr set policy hard mark 1 ""' "errqueue family retries"
expect 'run ""' "--errqueue --family --retries --softerr"
expect 'run --softerr ""' "bsd hard pass retries rfc1122"
expect 'run --family ""' "all inet inet6"
expect 'onlink ""' "help off on show"
expect 'onlink on ""' "dev metric"
expect 'onlink off ""' "--force dev"
expect 'label ""' "add del flush help reset show"
expect 'label add ""' "dev label prefix"
expect 'label add prefix ::1/128 ""' "dev label"
expect 'label del ""' "dev prefix"
expect 'label reset ""' "--force"
expect 'label flush ""' "--force"
expect 'policy ""' "explain help prefer reset set show"
expect 'policy set ""' "--system label precedence"
expect 'policy prefer ""' "--system ipv4 ipv6"
expect 'policy prefer ipv4 ""' "--system"
expect 'policy reset ""' "--system"
expect 'connect ""' "--aaaa-only-with-global --addrconfig --algo --count --delay --resolution-delay --resolve --timeout --transfer -4 -6 -j"
expect 'connect --algo ""' "first he seq"
expect 'connect -4 ""' "--aaaa-only-with-global --addrconfig --algo --count --delay --resolution-delay --resolve --timeout --transfer -j"
expect 'predict policy ""' "bsd hard pass retries rfc1122 stock"
expect 'predict algo ""' "first he seq"
expect 'predict ""' "-4 -6 aaaa-delay aaaa-only-with-global addrconfig algo bsd-retries bytes client client-version code delay do-ip6 fault he-delay kernel limit mtu nd-retrans nd-solicit policy policy4 resolution-delay resolv-options resolve resolver syn-linear syn-retries tries tunnel-delay"
# The data-phase faults' options (pmtu_blackhole, slow_tunnel: predict_data.c).
expect 'predict fault slow_tunnel t' "tries tunnel-delay"
expect 'predict fault pmtu_blackhole bytes 1000 limit 30 m' "mtu"
expect 'predict client ""' "curl go node node-defaults python python-asyncio ssh wget"
expect 'serve ""' "--daemon --design --exit-with --inetd --log --v6only -4 -6"
expect 'serve --design ""' "inetd mapped processes sockets"
expect 'serve --v6only ""' "0 1 default"
expect 'delayline ""' "--control --daemon --exit-with --queue"
# The help's example command line ("v6fix clientprobe -- curl -s ...") is no grammar.
expect 'clientprobe ""' "--only --runs --sweep --timeout"
expect 'clientprobe --only ""' "cad gai order rd reactions"
expect 'version ""' ""
expect 'softerr set errqueue ""' "recverr stock"
expect 'dns ""' "help probe"
expect 'dns probe ""' "--parallel --retries --timeout -f"
expect 'dns probe --timeout 100 ""' "--parallel --retries -f"
expect 'fwcheck x ""' "--dns --dns-name --dns-type --nd-wait --port --prefix-len --prefix-len4 --wait -4 -6"
expect 'fwcheck x -6 ""' "--dns --dns-name --dns-type --nd-wait --port --prefix-len --prefix-len4 --wait"
expect 'predict kernel ""' "$(ls /lib/modules 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//')"

# Faults: the catalog's names, from the scenario library itself.
# shellcheck source=scenario/faults.sh
source "$TOP/netns-tests/scenario/faults.sh"
# Every base name of the catalog (joined faults, "a+b", are composed by hand).
want=$(fault_list | awk '$1 !~ /\+/ { print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//')
expect 'predict fault ""' "$want"
expect 'predict fault icmp6_u' "icmp6_unreach"

# Values from the system: interfaces, namespaces.
want=$(ls /sys/class/net | sort -u | tr '\n' ' ' | sed 's/ $//')
expect 'onlink on dev ""' "$want"
if [ "$(id -u)" = 0 ]; then
	setup_ns compl
	out=$(PATH=$(dirname "$V6FIX"):$PATH complete_words -n "${compl%??????}")
	[[ " $out " == *" $compl "* ]] || fail "-n ${compl%??????}<TAB> does not offer $compl: $out"
	log_test "completion: -n NETNS offers the namespaces"
fi

# Every object of the help completes something (its commands or options),
# except version, which takes nothing.
for o in $objs; do
	[ "$o" = version ] && continue
	out=$(PATH=$(dirname "$V6FIX"):$PATH complete_words "$o" "")
	[ -n "$out" ] || fail "v6fix $o<TAB> offers nothing"
done
log_test "completion: every object of 'v6fix help' completes"
exit $EXIT_STATUS
