#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DNS faults: what breaks the lookup before any connection starts. Sourced by
# faults.sh, the catalog; each builds the DNS side of the topology (dns.sh
# dns_setup) with the authoritative server of v6fix.test in one mode of
# RFC 4074 (the seed's chapter 3), or breaks the cache's IPv6 transport.
# The resolver path and the client's glibc options come from DNS_RESOLVER
# (cache: stub -> unbound -> authoritative; direct: stub -> the server) and
# DNS_RESOLV_OPTIONS (see dns.sh). Combine with a connect-phase fault or
# with client_no_v6 in one catalog name joined by "+", e.g.
# "dns_ignore_aaaa+v6_blackhole" or "dns_ignore_aaaa+client_no_v6:disable"
# (faults.sh fault_apply).
#
#   dns_ok                  healthy: NSD serves v6fix.test (the baseline)
#   dns_ignore_aaaa         no reply to AAAA                     (class A)
#   dns_nxdomain_aaaa       NXDOMAIN for AAAA, A exists          (class B)
#   dns_rcode_aaaa CODE     RCODE 1 FORMERR, 2 SERVFAIL, 4 NOTIMP (class C)
#   dns_broken_aaaa         an AAAA record with 4 bytes of IPv4  (class D)
#   dns_lame_aaaa           AAAA: no AA, upward referral         (class E)
#   dns_v6_transport [blackhole|reject]
#                           healthy servers with AAAA glue, but the cache's
#                           IPv6 packets to them are dropped (or rejected
#                           with ICMPv6 no-route) at the router (incident 2)
#   client_no_v6 [disable|linklocal]
#                           the client has no global IPv6 address: IPv6
#                           disabled (disable_ipv6=1), or only a link-local
#                           address and no IPv6 default route (the hotel
#                           guest's "uninstall IPv6")

# shellcheck source=dns.sh
source "$(dirname "${BASH_SOURCE[0]}")/dns.sh"

FAULTS+=(
	"dns_ok"
	"dns_ignore_aaaa"
	"dns_nxdomain_aaaa"
	"dns_rcode_aaaa 1" "dns_rcode_aaaa 2" "dns_rcode_aaaa 4"
	"dns_broken_aaaa"
	"dns_lame_aaaa"
	"dns_v6_transport blackhole" "dns_v6_transport reject"
	"dns_ignore_aaaa+v6_blackhole"
	"dns_ignore_aaaa+client_no_v6:disable"
	"dns_ignore_aaaa+client_no_v6:linklocal"
)

fault_dns_ok() { dns_setup ok; }
fault_dns_ignore_aaaa() { dns_setup ignore; }
fault_dns_nxdomain_aaaa() { dns_setup nxdomain; }
fault_dns_broken_aaaa() { dns_setup broken; }
fault_dns_lame_aaaa() { dns_setup lame; }

# fault_dns_rcode_aaaa CODE: AAAA answered with RCODE CODE (1, 2 or 4).
fault_dns_rcode_aaaa() {
	local code=${1:-2}
	case "$code" in
	1|2|4) dns_setup "rcode-$code" ;;
	*) echo "fault_dns_rcode_aaaa: bad code '$code' (1, 2, 4)" >&2; return 2 ;;
	esac
}

# fault_dns_v6_transport [blackhole|reject]: every IPv6 packet from the
# cache to an authoritative server dies at the router.
fault_dns_v6_transport() {
	local how=${1:-blackhole} verdict
	case "$how" in
	blackhole) verdict=drop ;;
	reject) verdict="reject with icmpv6 type no-route" ;;
	*) echo "fault_dns_v6_transport: blackhole or reject, not '$how'" >&2; return 2 ;;
	esac
	dns_setup ok || return
	nsenter --net="/run/netns/$ROUTER" nft -f - <<-EOF
		table inet v6fix_dns_fault {
			chain forward {
				type filter hook forward priority -10; policy accept;
				ip6 saddr $DNS_CACHE6 iifname "eth-dc" $verdict
			}
		}
	EOF
}

# fault_client_no_v6 [disable|linklocal]: no global IPv6 on the client.
fault_client_no_v6() {
	local how=${1:-disable}
	case "$how" in
	disable)
		topo_sysctl "$CLIENT" net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.eth0.disable_ipv6=1 ;;
	linklocal)
		ip -n "$CLIENT" -batch - <<-EOF
			route del default via $TOPO_RTR6_C dev eth0
			addr del $TOPO_CLI6/64 dev eth0
			addr replace fe80::76:36:2/64 dev eth0 nodad
		EOF
		;;
	*) echo "fault_client_no_v6: disable or linklocal, not '$how'" >&2; return 2 ;;
	esac
}

# dns_aaaa_steer QUEUE: at the router, the authoritative server's answers of
# type AAAA for server.v6fix.test (its 19-byte QNAME puts QTYPE 31 bytes into
# the UDP payload) get mark QUEUE (nft, before raw) and wait in NFQUEUE QUEUE
# (iptables: the host kernel has xt NFQUEUE, not nft_queue); A answers pass.
# A delay line on QUEUE makes them slow; without one they are dropped.
dns_aaaa_steer() {
	local q=$1
	[ -n "$DNS_AUTH" ] || { echo "dns_aaaa_steer: dns_setup first" >&2; return 2; }
	nsenter --net="/run/netns/$ROUTER" nft -f - <<-EOF || return 1
		table inet v6fix_dns_slow {
			chain pre {
				type filter hook prerouting priority -400; policy accept;
				iifname "eth-da" udp sport 53 @th,312,16 28 meta mark set $q
			}
		}
	EOF
	nsenter --net="/run/netns/$ROUTER" sh -c "
		iptables -w -t raw -A PREROUTING -m mark --mark $q -j NFQUEUE --queue-num $q &&
		ip6tables -w -t raw -A PREROUTING -m mark --mark $q -j NFQUEUE --queue-num $q"
}

# fault_dns_slow_aaaa [MS]: healthy servers, but every AAAA answer reaches
# the client MS ms (default 300) after it left the authoritative server (a
# delay line at the router, queue 8); A answers are not delayed. Not in
# the matrix's catalog (FAULTS): v6fix clientprobe bisects over MS with its
# own delay line, tests call it directly.
fault_dns_slow_aaaa() {
	local ms=${1:-300} me=$BASHPID
	[[ $ms =~ ^[0-9]+$ ]] || { echo "fault_dns_slow_aaaa: bad delay '$ms'" >&2; return 2; }
	dns_setup ok || return
	"$V6FIX" -n "$ROUTER" delayline --daemon --exit-with "$me" --queue 8 "$ms" >/dev/null || return 1
	dns_aaaa_steer 8
}
