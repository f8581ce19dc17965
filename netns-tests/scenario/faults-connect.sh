#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connect-phase faults: what breaks the IPv6 handshake (or IPv4's, for
# v4_unreach). Sourced by faults.sh, the catalog; see there for how faults
# are applied. An IPv6 fault and fault_v4_unreach may be combined.
#
# What each fault does, and what stock Linux reports for the IPv6 attempt
# (icmpv6_err_convert(); D = the path delay each way):
#   healthy                nothing                        connects
#   no_v6_listener         server listens on IPv4 only    ECONNREFUSED (RST) after 2 D
#   icmp6_unreach CODE     router: dest-unreach CODE      after D: 0 ENETUNREACH,
#                                                         1 EACCES, 2 EHOSTUNREACH,
#                                                         3 EHOSTUNREACH,
#                                                         4 ECONNREFUSED, 5 6 EACCES
#   icmp6_time_exceeded    router: hop limit exceeded     EHOSTUNREACH after D
#   v6_blackhole           router drops                   ETIMEDOUT after the SYN retries
#   no_v6_route            client: no IPv6 default route  ENETUNREACH at once
#   onlink [N [MS]]        client: gateway-less default   EHOSTUNREACH after N x MS (ND)
#   icmp6_filtered [CODE]  router rejects, the client's   ETIMEDOUT, like a blackhole
#                          firewall drops ICMPv6 errors
#   client_reject [CODE]   client's nft output rejects    the error arrives while
#                                                         connect() holds the socket:
#                                                         acted on after the 1 s RTO
#   v4_unreach CODE        router: ICMP dest-unreach      IPv4 soft errors: 0 net,
#                          CODE for IPv4                  1 host, 5 source route

# This family's entries in the catalog: "name default-args" per line.
FAULTS+=(
	"healthy"
	"no_v6_listener"
	"icmp6_unreach 0" "icmp6_unreach 1" "icmp6_unreach 2" "icmp6_unreach 3"
	"icmp6_unreach 4" "icmp6_unreach 5" "icmp6_unreach 6"
	"icmp6_time_exceeded"
	"v6_blackhole"
	"no_v6_route"
	"onlink"
	"icmp6_filtered 0"
	"client_reject 0"
	"v4_unreach 0" "v4_unreach 1" "v4_unreach 5"
)

fault_healthy() {
	return 0
}

# The server listens on IPv4 only: the IPv6 SYN gets a RST.
fault_no_v6_listener() {
	topo_serve -4
}

# fault_icmp6_unreach CODE: the router answers the IPv6 SYN with ICMPv6
# destination unreachable CODE (0 no route, 1 admin prohibited, 2 beyond
# scope, 3 address unreachable, 4 port unreachable, 5 source policy, 6
# reject route).
fault_icmp6_unreach() {
	local code=${1:-0}
	__fault_code fault_icmp6_unreach "$code" 6 || return
	__fault_nft "$ROUTER" "
		table inet v6fix_fault {
			chain forward {
				type filter hook forward priority filter;
				ip6 daddr $TOPO_SRV6 tcp dport $TOPO_PORT reject with icmpv6 $code
			}
		}"
}

# The router forwards IPv6 to the server with hop limit 1 in mind: it sets
# the hop limit to 1 before routing, so forwarding sends ICMPv6 time
# exceeded (hop limit exceeded in transit), as a routing loop further
# out would.
fault_icmp6_time_exceeded() {
	__fault_nft "$ROUTER" "
		table inet v6fix_fault {
			chain prerouting {
				type filter hook prerouting priority mangle;
				ip6 daddr $TOPO_SRV6 ip6 hoplimit set 1
			}
		}"
}

# The router drops IPv6 to the server silently.
fault_v6_blackhole() {
	__fault_nft "$ROUTER" "
		table inet v6fix_fault {
			chain forward {
				type filter hook forward priority filter;
				ip6 daddr $TOPO_SRV6 drop
			}
		}"
}

# The client has no IPv6 default route (getaddrinfo then sorts IPv4 first,
# RFC 6724 rule 1).
fault_no_v6_route() {
	ip -n "$CLIENT" -6 route del default
}

# fault_onlink [MCAST_SOLICIT [RETRANS_MS]]: the client's IPv6 default route
# has no gateway (the on-link assumption RFC 4943 removed): it solicits the
# server's address on its own link, where nobody answers. Optional ND
# timers shorten the wait (kernel defaults 3 x 1000 ms).
fault_onlink() {
	local solicit=${1:-} retrans=${2:-}
	ip -n "$CLIENT" -6 route replace default dev eth0 || return
	[ -z "$solicit" ] || topo_sysctl "$CLIENT" "net.ipv6.neigh.eth0.mcast_solicit=$solicit" || return
	[ -z "$retrans" ] || topo_sysctl "$CLIENT" "net.ipv6.neigh.eth0.retrans_time_ms=$retrans"
}

# fault_icmp6_filtered [CODE]: the router rejects with ICMPv6 CODE (default
# 0), and the client's own firewall drops incoming ICMPv6 errors: the
# client sees a blackhole although the network tells it why.
fault_icmp6_filtered() {
	local code=${1:-0}
	fault_icmp6_unreach "$code" || return
	__fault_nft "$CLIENT" "
		table inet v6fix_fault {
			chain input {
				type filter hook input priority filter;
				icmpv6 type { destination-unreachable, time-exceeded } drop
			}
		}"
}

# fault_client_reject [CODE]: the client's own firewall rejects its IPv6 SYN
# with ICMPv6 CODE (default 0). The error is delivered while connect()
# still holds the socket lock, so stock Linux only records it as a soft
# error (TcpExtLockDroppedIcmps) and acts on the next one, after the RTO.
fault_client_reject() {
	local code=${1:-0}
	__fault_code fault_client_reject "$code" 6 || return
	__fault_nft "$CLIENT" "
		table inet v6fix_fault {
			chain output {
				type filter hook output priority filter;
				ip6 daddr $TOPO_SRV6 tcp dport $TOPO_PORT reject with icmpv6 $code
			}
		}"
}

# fault_v4_unreach CODE: the router answers the IPv4 SYN with ICMP
# destination unreachable CODE (0 net, 1 host, 5 source route failed are
# the soft ones of RFC 1122).
fault_v4_unreach() {
	local code=${1:-0}
	__fault_code fault_v4_unreach "$code" 15 || return
	__fault_nft "$ROUTER" "
		table inet v6fix_fault {
			chain forward4 {
				type filter hook forward priority filter;
				ip daddr $TOPO_SRV4 tcp dport $TOPO_PORT reject with icmp $code
			}
		}"
}
