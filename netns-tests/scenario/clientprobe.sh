#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The environment of `v6fix clientprobe`: the scenario library's topology
# (topology.sh), its fault catalog (faults.sh) and DNS servers (dns.sh),
# driven by v6fix over a pipe. v6fix starts `bash -c 'source clientprobe.sh
# && probe_main'` with stdin a pipe from v6fix and fd 3 a pipe to it; each
# line on stdin is a command, each answer ends with a line "ok [VALUES]" or
# "err MESSAGE" on fd 3. At end of input (v6fix ended, however it ended) the
# library's deferred teardown removes every namespace and daemon.
#
# What it adds to the topology:
#   counters  one iptables/ip6tables rule without a target per family in the
#             server's INPUT: the SYNs that reached the server
#   queue 9   the server's IPv6 answers (router, raw PREROUTING from eth-s)
#             go to NFQUEUE 9: v6fix's controlled delay line (the CAD)
#   queue 8   with "dns": AAAA answers of the authoritative server (router,
#             marked 8 by nft, then NFQUEUE 8): the Resolution Delay's line
#   multi.v6fix.test  in the client's hosts file: two addresses per family
#             (2001:db8:2::2 ::3, 192.0.2.130 .131), all on the server
#
# Commands:
#   counts              "ok SYN6 SYN4" since the last counts (zeroes them)
#   fault NAME [ARGS]   fault_apply (faults.sh) on the running topology
#   clear               undo faults: the fault tables, the server's families
#   resetall            the router answers every SYN to multi.v6fix.test
#                       with a TCP RST (each attempt fails at once: the
#                       order of attempts shows in the capture)
#   capture start|stop  tcpdump at the router's client side; stop prints a
#                       line "syn TIME_S FAMILY SPORT DADDR" per SYN and
#                       "synack TIME_S FAMILY DPORT" per SYN-ACK to it,
#                       "dnsa TIME_S" per DNS answer with an A record
#   pathdelay MS|off    the client's packets wait MS ms at the router (queue
#                       7, a delay line of this shell's): an ICMP error then
#                       comes back after connect() returned, as on any real
#                       path; at 0 ms it would find the socket locked (the
#                       catalog's client_reject case) and wait for the RTO
#   policy ARGS...      v6fix -n CLIENT policy ARGS (the client's own
#                       /etc/netns/CLIENT/gai.conf, never the host's)
#   softerr             "ok POLICY" of the client's namespace, or "ok stock"
#                       when v6fix.ko is not loaded
#   dns                 the DNS issue's servers (dns.sh, resolver direct),
#                       the name in DNS only, AAAA answers via queue 8
#
# Usage: V6FIX=... bash -c 'source DIR/clientprobe.sh && probe_main' 3>PIPE

__probe_dir=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=lib.sh
source "$__probe_dir/lib.sh"
# shellcheck source=topology.sh
source "$__probe_dir/topology.sh"
# shellcheck source=faults.sh
source "$__probe_dir/faults.sh"
unset __probe_dir

PROBE_HOST_MULTI=multi.v6fix.test
PROBE_SRV6_B=2001:db8:2::3
PROBE_SRV4_B=192.0.2.131
PROBE_CAP_PID=
PROBE_CAP=
PROBE_SERVER_CHANGED=

probe_setup() {
	topo_setup 0 >/dev/null 2>&1 || return 1
	ip -n "$SERVER" -batch - <<-EOF || return 1
		addr add $PROBE_SRV6_B/64 dev eth0 nodad
		addr add $PROBE_SRV4_B/26 dev eth0
	EOF
	ip -n "$ROUTER" -batch - <<-EOF || return 1
		neigh replace $PROBE_SRV6_B lladdr $TOPO_MAC_SRV dev eth-s nud permanent
		neigh replace $PROBE_SRV4_B lladdr $TOPO_MAC_SRV dev eth-s nud permanent
	EOF
	printf '%s\n' "$TOPO_SRV6 $PROBE_HOST_MULTI" "$PROBE_SRV6_B $PROBE_HOST_MULTI" \
		"$TOPO_SRV4 $PROBE_HOST_MULTI" "$PROBE_SRV4_B $PROBE_HOST_MULTI" \
		>>"/etc/netns/$CLIENT/hosts" || return 1
	nsenter --net="/run/netns/$SERVER" sh -c "
		iptables -w -A INPUT -p tcp --dport $TOPO_PORT --syn &&
		ip6tables -w -A INPUT -p tcp --dport $TOPO_PORT --syn" || return 1
	nsenter --net="/run/netns/$ROUTER" \
		ip6tables -w -t raw -A PREROUTING -i eth-s -p tcp -j NFQUEUE --queue-num 9 || return 1
	# A client that asks DNS before the probe moves the name there fails at once.
	printf 'nameserver 127.0.0.1\n' >"/etc/netns/$CLIENT/resolv.conf" || return 1
	PROBE_CAP=$(mktemp /tmp/v6fix-probe-cap.XXXXXX) || return 1
	defer rm -f "$PROBE_CAP" "$PROBE_CAP.err"
}

# __probe_count TOOL: the packets of the INPUT rule, zeroed.
__probe_count() {
	local line
	line=$(nsenter --net="/run/netns/$SERVER" "$1" -w -nvxL INPUT -Z 2>/dev/null | awk '/tcp/ { print $1; exit }')
	[ -n "$line" ] || return 1
	echo "$line"
}

# __probe_listens 6|4: the server has a listener on port 80 of that family.
__probe_listens() {
	local out
	out=$(nsenter --net="/run/netns/$SERVER" ss -Hltn "sport = :$TOPO_PORT")
	if [ "$1" = 6 ]; then [[ $out == *"[::]:$TOPO_PORT"* || $out == *"*:$TOPO_PORT"* ]]
	else [[ $out == *"0.0.0.0:$TOPO_PORT"* || $out == *"*:$TOPO_PORT"* ]]; fi
}

# __probe_server_stop: the server gone and its port free (its [::]:80 takes
# IPv4 too: a new server could not bind until it is).
__probe_server_stop() {
	[ -z "$TOPO_SERVER_PID" ] || kill "$TOPO_SERVER_PID" 2>/dev/null
	TOPO_SERVER_PID=
	wait_for 5 eval '! __probe_listens 6 && ! __probe_listens 4'
}

probe_counts() {
	local s6 s4
	s6=$(__probe_count ip6tables) && s4=$(__probe_count iptables) || { echo "err counters"; return; }
	echo "ok $s6 $s4"
}

probe_clear() {
	local ns
	for ns in "$ROUTER" "$CLIENT"; do
		nsenter --net="/run/netns/$ns" nft delete table inet v6fix_fault 2>/dev/null
	done
	nsenter --net="/run/netns/$ROUTER" nft delete table inet v6fix_probe 2>/dev/null
	if [ -n "$PROBE_SERVER_CHANGED" ]; then
		__probe_server_stop || { echo "err server: does not stop"; return; }
		topo_serve || { echo "err server"; return; }
		wait_for 5 __probe_listens 6 || { echo "err server: no IPv6 listener"; return; }
		PROBE_SERVER_CHANGED=
	fi
	echo ok
}

probe_fault() {
	# Every fault of the connect phase: the server's own (no_v6_listener)
	# restarts it, which clear undoes.
	if [ "$1" = no_v6_listener ]; then
		PROBE_SERVER_CHANGED=1
		__probe_server_stop || { echo "err server: does not stop"; return; }
	fi
	fault_apply "$@" >/dev/null 2>&1 || { echo "err fault $*"; return; }
	echo ok
}

probe_resetall() {
	nsenter --net="/run/netns/$ROUTER" nft -f - <<-EOF || { echo "err nft"; return; }
		table inet v6fix_probe {
			chain forward {
				type filter hook forward priority filter;
				ip6 daddr { $TOPO_SRV6, $PROBE_SRV6_B } tcp dport $TOPO_PORT reject with tcp reset
				ip daddr { $TOPO_SRV4, $PROBE_SRV4_B } tcp dport $TOPO_PORT reject with tcp reset
			}
		}
	EOF
	echo ok
}

probe_capture() {
	case "$1" in
	start)
		: >"$PROBE_CAP.err"
		nsenter --net="/run/netns/$ROUTER" tcpdump -i eth-c -nn -tt -l \
			--immediate-mode "tcp port $TOPO_PORT or tcp dst port 9 or udp src port 53" >"$PROBE_CAP" 2>"$PROBE_CAP.err" </dev/null &
		PROBE_CAP_PID=$!
		wait_for 5 grep -q "listening on" "$PROBE_CAP.err" || { echo "err tcpdump"; return; }
		echo ok
		;;
	stop)
		[ -n "$PROBE_CAP_PID" ] || { echo "err no capture"; return; }
		# A marker SYN from the client to the router's port 9 (refused):
		# once tcpdump printed it, it printed every SYN before it (on
		# SIGINT it drops what it has not read yet).
		nsenter --net="/run/netns/$CLIENT" bash -c "exec 5<>/dev/tcp/$TOPO_RTR4_C/9" 2>/dev/null
		wait_for 5 grep -q "\.9: Flags \[S\]" "$PROBE_CAP" || { echo "err capture: no marker"; return; }
		kill -INT "$PROBE_CAP_PID" 2>/dev/null
		wait "$PROBE_CAP_PID" 2>/dev/null
		PROBE_CAP_PID=
		# "T IP6 SRC.PORT > DST.PORT: Flags [S], ...": a SYN without ACK
		# from the client; [S.] a SYN-ACK on its way to it (the delay
		# line's own latency: it left the router X + that after the SYN)
		awk '$4 == ">" && $7 == "[S]," && $5 ~ /\.'"$TOPO_PORT"':$/ {
			n = split($3, s, "."); d = $5; sub(/\.[0-9]+:$/, "", d)
			print "syn", $1, ($2 == "IP6" ? 6 : 4), s[n], d }
		$4 == ">" && $7 == "[S.]," && $3 ~ /\.'"$TOPO_PORT"'$/ {
			n = split($5, s, "."); sub(/:$/, "", s[n])
			print "synack", $1, ($2 == "IP6" ? 6 : 4), s[n] }
		$4 == ">" && $3 ~ /\.53$/ && / A [0-9]/ { print "dnsa", $1 }' "$PROBE_CAP"
		echo ok
		;;
	*) echo "err capture start|stop" ;;
	esac
}

PROBE_PATH_PID=
probe_pathdelay() {
	local me=$BASHPID
	if [ -n "$PROBE_PATH_PID" ]; then
		nsenter --net="/run/netns/$ROUTER" sh -c '
			iptables -w -t raw -D PREROUTING -i eth-c -p tcp -j NFQUEUE --queue-num 7
			ip6tables -w -t raw -D PREROUTING -i eth-c -p tcp -j NFQUEUE --queue-num 7'
		kill "$PROBE_PATH_PID" 2>/dev/null
		PROBE_PATH_PID=
	fi
	if [ "$1" != off ]; then
		PROBE_PATH_PID=$("$V6FIX" -n "$ROUTER" delayline --daemon --exit-with "$me" \
			--queue 7 "$1") || { echo "err delay line"; return; }
		nsenter --net="/run/netns/$ROUTER" sh -c '
			iptables -w -t raw -A PREROUTING -i eth-c -p tcp -j NFQUEUE --queue-num 7 &&
			ip6tables -w -t raw -A PREROUTING -i eth-c -p tcp -j NFQUEUE --queue-num 7' ||
			{ echo "err queue"; return; }
	fi
	echo ok
}

probe_policy() {
	"$V6FIX" -n "$CLIENT" policy "$@" >/dev/null 2>&1 || { echo "err policy $*"; return; }
	echo ok
}

probe_softerr() {
	local pol
	pol=$("$V6FIX" -n "$CLIENT" -j softerr show 2>/dev/null | jq -r '.policy // empty' 2>/dev/null)
	echo "ok ${pol:-stock}"
}

probe_dns() {
	DNS_RESOLVER=direct DNS_RESOLV_OPTIONS=
	dns_setup ok >/dev/null 2>&1 || { echo "err dns_setup"; return; }
	dns_aaaa_steer 8 || { echo "err steering"; return; }
	echo ok
}

probe_main() {
	local cmd args
	probe_setup 3>&- || { echo "err setup" >&3; exit 1; }
	echo "ok $CLIENT $ROUTER $SERVER" >&3
	while read -r cmd args; do
		case "$cmd" in
		counts|clear|resetall|softerr|dns) "probe_$cmd" ;;
		# shellcheck disable=SC2086 # words of the command line
		fault|capture|policy|pathdelay) "probe_$cmd" $args ;;
		*) echo "err unknown command $cmd" ;;
		esac >&3
	done
}
