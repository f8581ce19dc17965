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
DNS_PIDS=()

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
	local pid=$1 tag=$2
	grep -qF -- "$tag" "/proc/$pid/cmdline" 2>/dev/null || return 0
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do
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
	DNS_LAST_RUN="$DNS_LAST_PID $tag"
	DNS_PIDS+=("$DNS_LAST_RUN")
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
# With DNS_WAIT_LATER set, only note it in DNS_WAITS (dns_setup starts its
# daemons at once and then waits for all: each takes 0.1-0.5 s to start).
DNS_WAITS=()
__dns_wait() {
	local pid=$1 ns=$2 a
	if [ -n "${DNS_WAIT_LATER:-}" ]; then
		DNS_WAITS+=("$*")
		return 0
	fi
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
		dns_nsd_start "$ns" "$DNS_DATA/v6fix.test.zone:$DNS_ZONE" -- "$@" || return
		DNS_AUTH_RUN=$DNS_LAST_RUN
		return 0
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
	DNS_AUTH_RUN=$DNS_LAST_RUN
	__dns_wait "$DNS_LAST_PID" "$ns" "$@" ||
		{ echo "dns: ldns-testns did not start in $ns: $(tail -n 3 "$dir/log")" >&2; return 1; }
}

# --- the DNS side of the topology ------------------------------------------------
#
# dns_setup MODE puts three namespaces behind topology.sh's router (call
# topo_setup first); each crossing of the router costs the path delay D:
#
#   $CLIENT -- $ROUTER --+-- eth-dc -- $DNS_CACHE  unbound, the cache
#                        |             2001:db8:5300::2  198.51.100.2
#                        +-- eth-dt -- $DNS_TREE   NSD: the root (root.test)
#                        |             2001:db8:5301::18 198.51.100.18
#                        |             NSD: test. (ns.test)
#                        |             2001:db8:5301::19 198.51.100.19
#                        +-- eth-da -- $DNS_AUTH   v6fix.test in MODE (ns.v6fix.test)
#                                      2001:db8:5302::53 198.51.100.53
#
# The client's /etc/netns/$CLIENT/resolv.conf names the cache (resolver
# "cache": stub -> unbound -> root -> test. -> v6fix.test) or the
# authoritative server itself (resolver "direct": the hotel's broken
# forwarder), over IPv4, with DNS_RESOLV_OPTIONS; its hosts file no longer
# names the server, so every client resolves server.v6fix.test in DNS.
# Settings (environment, read by dns_setup):
#   DNS_RESOLVER        cache (default) or direct
#   DNS_RESOLV_OPTIONS  glibc options: "", single-request, single-request-reopen,
#                       timeout:N, attempts:N, no-aaaa (space separated)
#   DNS_DO_IP6          the cache's do-ip6: yes (default) or no
# dns_teardown removes it now (also done at exit); dns_flush empties the
# cache (between measurements); dns_auth_switch MODE puts another mode in
# place; dns_cache_restart restarts unbound (after changing DNS_DO_IP6).
DNS_RESOLVER=${DNS_RESOLVER:-cache}
DNS_RESOLV_OPTIONS=${DNS_RESOLV_OPTIONS:-}
DNS_DO_IP6=${DNS_DO_IP6:-yes}
DNS_CACHE4=198.51.100.2
DNS_CACHE6=2001:db8:5300::2
DNS_ROOT4=198.51.100.18
DNS_ROOT6=2001:db8:5301::18
DNS_PARENT4=198.51.100.19
DNS_PARENT6=2001:db8:5301::19
DNS_CACHE= DNS_TREE= DNS_AUTH= DNS_UNBOUND_CTL= DNS_AUTH_RUN= DNS_CACHE_RUN=

# __dns_link NS IF-AT-ROUTER N V6NET V4NET: a veth from the router to NS;
# the router is ::1 / .N+1 on it; static neighbours (MACs 02:76:36:53:N:1/2).
__dns_link() {
	local ns=$1 rif=$2 n=$3 net6=$4 net4=$5 rmac cmac
	shift 5
	rmac=02:76:36:53:0$n:01 cmac=02:76:36:53:0$n:02
	ip -n "$ROUTER" -batch - <<-EOF || return 1
		link add $rif address $rmac type veth peer name eth0 address $cmac netns $ns
		addr add ${net6}1/64 dev $rif nodad
		addr add ${net4%.*}.$((${net4##*.} + 1))/28 dev $rif
		link set $rif up
	EOF
	local a batch="link set lo up"$'\n'"link set eth0 up"$'\n'
	for a in "$@"; do
		if [[ $a == *:* ]]; then batch+="addr add $a/64 dev eth0 nodad"$'\n'
		else batch+="addr add $a/28 dev eth0"$'\n'; fi
		ip -n "$ROUTER" neigh replace "$a" lladdr "$cmac" dev "$rif" nud permanent || return 1
	done
	ip -n "$ns" -batch - <<-EOF || return 1
		$batch
		route add default via ${net6}1 dev eth0
		route add default via ${net4%.*}.$((${net4##*.} + 1)) dev eth0
		neigh replace ${net6}1 lladdr $rmac dev eth0 nud permanent
		neigh replace ${net4%.*}.$((${net4##*.} + 1)) lladdr $rmac dev eth0 nud permanent
	EOF
}

# dns_setup MODE: the DNS side, the authoritative server in MODE.
dns_setup() {
	local mode=$1 sfx
	[ -n "$CLIENT" ] || { echo "dns_setup: topo_setup first" >&2; return 2; }
	case "$DNS_RESOLVER" in
	cache|direct) ;;
	*) echo "dns_setup: unknown resolver '$DNS_RESOLVER' (cache, direct)" >&2; return 2 ;;
	esac
	case "$DNS_DO_IP6" in
	yes|no) ;;
	*) echo "dns_setup: DNS_DO_IP6 must be yes or no" >&2; return 2 ;;
	esac
	__dns_resolv_conf_ok "$DNS_RESOLV_OPTIONS" || return 2
	sfx=${CLIENT#v6fix-client-}
	DNS_CACHE=v6fix-dnscache-$sfx DNS_TREE=v6fix-dnstree-$sfx DNS_AUTH=v6fix-dnsauth-$sfx
	defer __topo_remove "$DNS_CACHE" "$DNS_TREE" "$DNS_AUTH"
	ip -batch - <<-EOF || { echo "dns: cannot create namespaces" >&2; return 1; }
		netns add $DNS_CACHE
		netns add $DNS_TREE
		netns add $DNS_AUTH
	EOF
	NS_LIST+=("$DNS_CACHE" "$DNS_TREE" "$DNS_AUTH")
	__dns_link "$DNS_CACHE" eth-dc 1 2001:db8:5300:: 198.51.100.0 "$DNS_CACHE6" "$DNS_CACHE4" &&
	__dns_link "$DNS_TREE" eth-dt 2 2001:db8:5301:: 198.51.100.16 \
		"$DNS_ROOT6" "$DNS_ROOT4" "$DNS_PARENT6" "$DNS_PARENT4" &&
	__dns_link "$DNS_AUTH" eth-da 3 2001:db8:5302:: 198.51.100.48 "$DNS_AUTH6" "$DNS_AUTH4" ||
		{ echo "dns: cannot build the links" >&2; return 1; }

	local w rc=0
	DNS_WAIT_LATER=1 DNS_WAITS=()
	dns_nsd_start "$DNS_TREE" "$DNS_DATA/root.zone:." -- "$DNS_ROOT4" "$DNS_ROOT6" &&
	dns_nsd_start "$DNS_TREE" "$DNS_DATA/test.zone:test" -- "$DNS_PARENT4" "$DNS_PARENT6" || rc=1
	[ $rc != 0 ] || dns_auth_start "$DNS_AUTH" "$mode" "$DNS_AUTH4" "$DNS_AUTH6" || rc=1
	if [ $rc = 0 ] && [ "$DNS_RESOLVER" = cache ]; then
		dns_unbound_start "$DNS_CACHE" || rc=1
	fi
	DNS_WAIT_LATER=
	for w in "${DNS_WAITS[@]}"; do
		# shellcheck disable=SC2086
		__dns_wait $w || { echo "dns: a daemon did not start (${w#* }): see $DNS_DIR" >&2; rc=1; }
	done
	[ $rc = 0 ] || return 1
	dns_client_conf
}

# __dns_resolv_conf_ok OPTIONS: the glibc options dns_setup knows.
__dns_resolv_conf_ok() {
	local o
	for o in $1; do
		case "$o" in
		single-request|single-request-reopen|no-aaaa|use-vc|edns0) ;;
		timeout:[0-9]|timeout:[0-9][0-9]|attempts:[1-5]) ;;
		*) echo "dns: unknown resolv.conf option '$o'" >&2; return 2 ;;
		esac
	done
}

# dns_client_conf: the client's resolv.conf and hosts for DNS_RESOLVER.
dns_client_conf() {
	local ns=$DNS_CACHE4
	[ "$DNS_RESOLVER" = cache ] || ns=$DNS_AUTH4
	mkdir -p "/etc/netns/$CLIENT" || return 1
	{
		echo "# v6fix scenario: resolver $DNS_RESOLVER"
		echo "nameserver $ns"
		[ -z "$DNS_RESOLV_OPTIONS" ] || echo "options $DNS_RESOLV_OPTIONS"
	} >"/etc/netns/$CLIENT/resolv.conf" || return 1
	printf '%s\n' "127.0.0.1 localhost" "::1 localhost ip6-localhost" >"/etc/netns/$CLIENT/hosts"
}

# dns_unbound_start NS: unbound on the cache's addresses, root hints to the
# test root, do-ip6 $DNS_DO_IP6, no validation, control over a unix socket.
dns_unbound_start() {
	local ns=$1 dir conf
	__dns_scratch || return 1
	dir=$(mktemp -d "$DNS_DIR/unbound.XXXXXX") || return 1
	chmod 755 "$dir"
	conf=$dir/unbound.conf
	cp "$DNS_DATA/root.hints" "$dir/" || return 1
	cat >"$conf" <<-EOF
		server:
			interface: $DNS_CACHE4
			interface: $DNS_CACHE6
			port: 53
			do-ip4: yes
			do-ip6: $DNS_DO_IP6
			access-control: 0.0.0.0/0 allow
			access-control: ::/0 allow
			root-hints: "$dir/root.hints"
			module-config: "iterator"
			username: ""
			chroot: ""
			directory: "$dir"
			pidfile: "$dir/unbound.pid"
			use-syslog: no
			logfile: "$dir/unbound.log"
			verbosity: 1
			num-threads: 1
			so-reuseport: no
			# test. is special-use (RFC 6761): unbound answers it
			# NXDOMAIN itself unless told otherwise.
			local-zone: "test." nodefault
		remote-control:
			control-enable: yes
			control-interface: "$dir/control.sock"
			control-use-cert: no
	EOF
	DNS_UNBOUND_CTL=$conf
	__dns_run "$ns" "$conf" "$dir/stderr" unbound -d -c "$conf"
	DNS_CACHE_RUN=$DNS_LAST_RUN
	__dns_wait "$DNS_LAST_PID" "$ns" "$DNS_CACHE4" ||
		{ echo "dns: unbound did not start: $(tail -n 3 "$dir/stderr" "$dir/unbound.log")" >&2; return 1; }
}

# dns_flush: forget everything the cache learnt (records, infra, lameness),
# so the next lookup is a cold one again.
dns_flush() {
	[ -n "$DNS_UNBOUND_CTL" ] || return 0
	nsenter --net="/run/netns/$DNS_CACHE" unbound-control -c "$DNS_UNBOUND_CTL" flush_zone . >/dev/null &&
	nsenter --net="/run/netns/$DNS_CACHE" unbound-control -c "$DNS_UNBOUND_CTL" flush_infra all >/dev/null &&
	nsenter --net="/run/netns/$DNS_CACHE" unbound-control -c "$DNS_UNBOUND_CTL" flush_requestlist >/dev/null
}

# dns_auth_switch MODE: replace the authoritative server of v6fix.test in
# the running DNS side by one in MODE and flush the cache: a new mode
# without a new topology (the tests and benchmarks go through all eight).
dns_auth_switch() {
	local mode=$1
	[ -n "$DNS_AUTH" ] || { echo "dns_auth_switch: dns_setup first" >&2; return 2; }
	case " ${DNS_MODES[*]} " in
	*" $mode "*) ;;
	*) echo "dns_auth_switch: unknown mode '$mode' (${DNS_MODES[*]})" >&2; return 2 ;;
	esac
	# shellcheck disable=SC2086 # "pid tag"
	[ -z "$DNS_AUTH_RUN" ] || __dns_stop $DNS_AUTH_RUN
	# NSD's children may hold port 53 a moment longer than its main process.
	wait_for 5 test -z "$(nsenter --net="/run/netns/$DNS_AUTH" ss -Hlun 'sport = :53')" || return 1
	dns_auth_start "$DNS_AUTH" "$mode" "$DNS_AUTH4" "$DNS_AUTH6" || return 1
	dns_flush
}

# dns_cache_restart: unbound again, with the current DNS_DO_IP6 (cold).
dns_cache_restart() {
	[ -n "$DNS_CACHE_RUN" ] || { echo "dns_cache_restart: no cache running" >&2; return 2; }
	# shellcheck disable=SC2086 # "pid tag"
	__dns_stop $DNS_CACHE_RUN
	dns_unbound_start "$DNS_CACHE"
}

# dns_teardown: stop every daemon of this file and remove the DNS side now
# (idempotent; also done at exit).
dns_teardown() {
	local p
	for p in "${DNS_PIDS[@]}"; do
		__dns_stop "${p%% *}" "${p#* }"
	done
	DNS_PIDS=()
	[ -n "$DNS_AUTH" ] || return 0
	__topo_remove "$DNS_CACHE" "$DNS_TREE" "$DNS_AUTH"
	DNS_CACHE= DNS_TREE= DNS_AUTH= DNS_UNBOUND_CTL= DNS_AUTH_RUN= DNS_CACHE_RUN=
}
