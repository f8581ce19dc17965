#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fault catalog. Each fault_* function breaks the topology of
# topology.sh in one way (source lib.sh, topology.sh, then this; call
# topo_setup first). Faults are applied to a fresh topology and never undone:
# a runner builds one topology per cell. One file per family of faults, each
# appending its entries to FAULTS ("name default-args" per line):
#
#   faults-connect.sh   the IPv6 (or IPv4) handshake: ICMP errors, blackholes,
#                       missing routes and listeners, the on-link assumption
#   faults-dns.sh       the lookup: misbehaving AAAA servers (RFC 4074), the
#                       cache's IPv6 transport, a client without global IPv6
#                       (it sources dns.sh)
#   faults-data.sh      after the handshake: a PMTU black hole, a slow tunnel
#   faults-server.sh    the server's design (SERVER_FAULTS, the matrix's
#                       server axis: a design that loses IPv6 or everything)
#
# fault_apply NAME [ARGS] calls fault_NAME; fault_list prints the catalog.
# NAME may join faults with "+", each part "name[:arg]"; ARGS go to the
# first part: "dns_ignore_aaaa+v6_blackhole", "dns_rcode_aaaa+client_no_v6:disable".

FAULTS=()
__faults_dir=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=faults-connect.sh
source "$__faults_dir/faults-connect.sh"
# shellcheck source=faults-dns.sh
source "$__faults_dir/faults-dns.sh"
# shellcheck source=faults-data.sh
source "$__faults_dir/faults-data.sh"
# shellcheck source=faults-server.sh
source "$__faults_dir/faults-server.sh"
unset __faults_dir

fault_list() {
	printf '%s\n' "${FAULTS[@]}"
}

# fault_apply NAME [ARGS...]
fault_apply() {
	local name=$1 part rc
	shift
	if [[ $name == *+* ]]; then
		for part in ${name//+/ }; do
			if [[ $part == *:* ]]; then
				fault_apply "${part%%:*}" "${part#*:}"
			else
				fault_apply "$part" "$@"
			fi
			rc=$?
			[ $rc = 0 ] || return $rc
			set --
		done
		return 0
	fi
	if ! declare -F "fault_$name" >/dev/null; then
		echo "fault_apply: unknown fault '$name'" >&2
		return 2
	fi
	"fault_$name" "$@"
}

# __fault_nft NS RULES: load nft RULES into table inet v6fix_fault of NS.
__fault_nft() {
	local ns=$1
	nsenter --net="/run/netns/$ns" nft -f - <<-EOF
		table inet v6fix_fault {}
		$2
	EOF
}

__fault_code() {
	local what=$1 code=$2 max=$3
	if ! [[ $code =~ ^[0-9]+$ ]] || [ "$code" -gt "$max" ]; then
		echo "$what: bad code '$code' (0-$max)" >&2
		return 2
	fi
}

