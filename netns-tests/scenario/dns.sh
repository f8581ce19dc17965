#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DNS in the scenario library: authoritative servers (healthy NSD, or a
# misbehaving ldns-testns per mode), the delegation chain, a caching resolver
# (unbound) and the client's resolv.conf. Source lib.sh first (and
# topology.sh for dns_setup).
#
# The authoritative server of v6fix.test, one per namespace:
#
#   dns_auth_start NS MODE [ADDR...]
#       MODE ok        NSD serving dns/v6fix.test.zone
#            ignore    no reply to AAAA                       (RFC 4074 4.1, A)
#            nxdomain  NXDOMAIN for AAAA                      (4.2, B)
#            rcode-1|rcode-2|rcode-4  FORMERR|SERVFAIL|NOTIMP  (4.3, C)
#            broken    an AAAA record holding IPv4 data       (4.4, D)
#            lame      AAAA without AA, upward referral       (4.5, E)
#       ldns-testns answers every mode but ok, from dns/auth-MODE.testns.
#       Each ADDR (IPv4 or IPv6, default: DNS_AUTH4 DNS_AUTH6) is added to
#       NS's loopback unless NS has it already; the server answers on all of
#       them, both families, UDP and TCP port 53, until the scenario ends
#       (defer). Returns once it answers.
#   dns_auth_modes      the modes, one per line
#
# The names of the zone: server.v6fix.test (the topology's server: A and
# AAAA), ns.v6fix.test (the server itself: A and AAAA), the apex (SOA, NS).
#
# Daemons run in the foreground of this shell (never in a $(...) subshell),
# with PR_SET_PDEATHSIG (setpriv --pdeathsig), so they die with the shell
# even when it is killed with SIGKILL; the deferred stop kills a pid only if
# it still runs our command line (a pid can be reused).

DNS_DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/dns
DNS_ZONE=v6fix.test
DNS_NAME=server.v6fix.test
DNS_AUTH4=198.51.100.53
DNS_AUTH6=2001:db8:5302::53
DNS_MODES=(ok ignore nxdomain rcode-1 rcode-2 rcode-4 broken lame)
DNS_DIR=

dns_auth_modes() {
	printf '%s\n' "${DNS_MODES[@]}"
}

# __dns_scratch: one scratch directory per shell for configs, pid files, logs.
__dns_scratch() {
	[ -z "$DNS_DIR" ] || [ ! -d "$DNS_DIR" ] || return 0
	DNS_DIR=$(mktemp -d /tmp/v6fix-dns.XXXXXX) || return 1
	chmod 755 "$DNS_DIR"
	defer rm -rf "$DNS_DIR"
}

# __dns_stop PID TAG: kill PID (TERM, then KILL) if its command line has TAG.
__dns_stop() {
	local pid=$1 tag=$2 i
	grep -qF -- "$tag" "/proc/$pid/cmdline" 2>/dev/null || return 0
	kill "$pid" 2>/dev/null
	for i in $(seq 50); do
		grep -qF -- "$tag" "/proc/$pid/cmdline" 2>/dev/null || return 0
		sleep 0.02
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}

# __dns_run NS TAG LOG CMD...: start CMD in NS, tied to this shell; sets
# DNS_LAST_PID. TAG must occur in CMD's arguments (a unique path).
__dns_run() {
	local ns=$1 tag=$2 log=$3
	shift 3
	nsenter --net="/run/netns/$ns" setpriv --pdeathsig TERM "$@" >"$log" 2>&1 </dev/null &
	DNS_LAST_PID=$!
	defer __dns_stop "$DNS_LAST_PID" "$tag"
}

# __dns_listening NS ADDR PORT: NS has a UDP socket that receives on ADDR:PORT.
__dns_listening() {
	local ns=$1 addr=$2 port=${3:-53} out
	out=$(nsenter --net="/run/netns/$ns" ss -Hlun "sport = :$port") || return 1
	[[ $out == *"$addr:$port "* || $out == *"[$addr]:$port "* || $out == *"*:$port "* ||
		$out == *"[::]:$port "* || ($addr != *:* && $out == *"0.0.0.0:$port "*) ]]
}

# __dns_wait PID NS ADDR...: wait until the daemon listens on every ADDR.
__dns_wait() {
	local pid=$1 ns=$2 a
	shift 2
	for a in "$@"; do
		wait_for 10 __dns_listening "$ns" "$a" 53 || return 1
		kill -0 "$pid" 2>/dev/null || return 1
	done
}

# __dns_addr NS ADDR: make sure NS has ADDR (else add it to lo, nodad).
__dns_addr() {
	local ns=$1 a=$2
	if [[ $a == *:* ]]; then
		[ -n "$(ip -n "$ns" -6 -o addr show to "$a/128")" ] ||
			ip -n "$ns" addr add "$a/128" dev lo nodad
	else
		[ -n "$(ip -n "$ns" -4 -o addr show to "$a/32")" ] ||
			ip -n "$ns" addr add "$a/32" dev lo
	fi
}

# dns_nsd_start NS ZONEFILE:ZONE... -- ADDR...: NSD serving the zones on ADDRs.
dns_nsd_start() {
	local ns=$1 dir z a conf zones=()
	shift
	__dns_scratch || return 1
	dir=$(mktemp -d "$DNS_DIR/nsd.XXXXXX") || return 1
	chmod 755 "$dir"
	conf=$dir/nsd.conf
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		cp "${1%%:*}" "$dir/" || return 1
		zones+=("${1#*:}:$(basename "${1%%:*}")")
		shift
	done
	[ "${1:-}" != -- ] || shift
	{
		printf 'server:\n'
		printf '\tserver-count: 1\n\tusername: ""\n\tchroot: ""\n\tzonesdir: "%s"\n' "$dir"
		printf '\tdatabase: ""\n\tzonelistfile: "%s/zone.list"\n' "$dir"
		printf '\txfrdfile: "%s/xfrd.state"\n\tpidfile: "%s/nsd.pid"\n' "$dir" "$dir"
		printf '\txfrdir: "%s"\n\tlogfile: "%s/nsd.log"\n' "$dir" "$dir"
		printf '\thide-version: yes\n\tverbosity: 1\n\treuseport: no\n'
		for a in "$@"; do
			printf '\tip-address: %s\n' "$a"
		done
		printf 'remote-control:\n\tcontrol-enable: no\n'
		for z in "${zones[@]}"; do
			printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "${z%%:*}" "${z#*:}"
		done
	} >"$conf"
	for a in "$@"; do
		__dns_addr "$ns" "$a" || return 1
	done
	__dns_run "$ns" "$conf" "$dir/stderr" nsd -d -c "$conf"
	__dns_wait "$DNS_LAST_PID" "$ns" "$@" ||
		{ echo "dns: nsd did not start in $ns: $(tail -n 3 "$dir/stderr" "$dir/nsd.log" 2>/dev/null)" >&2; return 1; }
}

# dns_auth_start NS MODE [ADDR...]
dns_auth_start() {
	local ns=$1 mode=$2 dir a
	shift 2
	[ $# -gt 0 ] || set -- "$DNS_AUTH4" "$DNS_AUTH6"
	case " ${DNS_MODES[*]} " in
	*" $mode "*) ;;
	*) echo "dns_auth_start: unknown mode '$mode' (${DNS_MODES[*]})" >&2; return 2 ;;
	esac
	if [ "$mode" = ok ]; then
		dns_nsd_start "$ns" "$DNS_DATA/v6fix.test.zone:$DNS_ZONE" -- "$@"
		return
	fi
	__dns_scratch || return 1
	for a in "$@"; do
		__dns_addr "$ns" "$a" || return 1
	done
	dir=$(mktemp -d "$DNS_DIR/testns.XXXXXX") || return 1
	cp "$DNS_DATA/auth-$mode.testns" "$dir/" || return 1
	# -6: one socket for [::]:53 that also takes IPv4 (v4-mapped), UDP and TCP.
	__dns_run "$ns" "$dir/auth-$mode.testns" "$dir/log" \
		ldns-testns -6 -p 53 "$dir/auth-$mode.testns"
	__dns_wait "$DNS_LAST_PID" "$ns" "$@" ||
		{ echo "dns: ldns-testns did not start in $ns: $(tail -n 3 "$dir/log")" >&2; return 1; }
}
