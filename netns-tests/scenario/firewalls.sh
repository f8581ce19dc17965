#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Firewalls on the router of topology.sh that filter what IPv6 (and IPv4)
# needs, one kind at a time, all together, or none of it (an RFC 4890-style
# ruleset): what `v6fix fwcheck` must tell apart. Source after topology.sh;
# fw_apply NAME loads table inet v6fix_fw into the router (forward and
# output: errors the router makes itself leave through output, those of the
# server are forwarded).
#
#   none      no rules
#   port      drops port unreachable (ICMPv6 1/4, ICMP 3/3)
#   addr      drops address unreachable (ICMPv6 1/3) and host unreachable (ICMP 3/1)
#   ptb       drops Packet Too Big (ICMPv6 2) and fragmentation needed (ICMP 3/4)
#   te        drops Time Exceeded (ICMPv6 3, ICMP 11)
#   edns      drops fragments and DNS answers over 1,232 bytes
#   all       all of the above
#   rfc4890   stateful, default drop for what enters from the server's side,
#             with the ICMPv6 errors RFC 4890 section 4.3.1 says must pass
#             (and their IPv4 counterparts): everything passes
#
# fw_narrow MTU: the router's routes toward the server get MTU (both
# families), so a packet of the client's link MTU is too big there.

FW_NAMES=(none port addr ptb te edns all rfc4890)

__fw_rules() {
	case "$1" in
	port) echo 'icmpv6 type destination-unreachable icmpv6 code port-unreachable drop
		icmp type destination-unreachable icmp code port-unreachable drop' ;;
	addr) echo 'icmpv6 type destination-unreachable icmpv6 code addr-unreachable drop
		icmp type destination-unreachable icmp code host-unreachable drop' ;;
	ptb) echo 'icmpv6 type packet-too-big drop
		icmp type destination-unreachable icmp code frag-needed drop' ;;
	te) echo 'icmpv6 type time-exceeded drop
		icmp type time-exceeded drop' ;;
	edns) echo 'exthdr frag exists drop
		ip frag-off & 0x3fff != 0 drop
		udp sport 53 meta length > 1232 drop' ;;
	all) local k; for k in port addr ptb te edns; do __fw_rules $k; done ;;
	esac
}

# fw_apply NAME
fw_apply() {
	local name=$1 rules
	case " ${FW_NAMES[*]} " in
	*" $name "*) ;;
	*) echo "fw_apply: unknown firewall '$name' (${FW_NAMES[*]})" >&2; return 2 ;;
	esac
	if [ "$name" = rfc4890 ]; then
		nsenter --net="/run/netns/$ROUTER" nft -f - <<-EOF
			table inet v6fix_fw {
				chain forward {
					type filter hook forward priority filter; policy drop;
					ct state established,related accept
					iifname "eth-c" accept
					# RFC 4890 4.3.1: must not be dropped
					icmpv6 type { destination-unreachable, packet-too-big,
						      time-exceeded, parameter-problem } accept
					icmpv6 type { echo-request, echo-reply } accept
					icmp type { destination-unreachable, time-exceeded,
						    parameter-problem, echo-request, echo-reply } accept
					tcp dport 80 accept
					udp dport 53 accept
				}
			}
		EOF
		return
	fi
	rules=$(__fw_rules "$name")
	nsenter --net="/run/netns/$ROUTER" nft -f - <<-EOF
		table inet v6fix_fw {
			chain forward {
				type filter hook forward priority filter;
				$rules
			}
			chain output {
				type filter hook output priority filter;
				$rules
			}
		}
	EOF
}

# fw_narrow MTU
fw_narrow() {
	ip -n "$ROUTER" -6 route replace 2001:db8:2::/64 dev eth-s proto kernel metric 256 mtu "$1" &&
	ip -n "$ROUTER" -4 route replace 192.0.2.128/26 dev eth-s proto kernel scope link \
		src "$TOPO_RTR4_S" mtu "$1"
}
