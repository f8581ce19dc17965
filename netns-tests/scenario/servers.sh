#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Servers in the test topology (topology.sh): the v6pc guide's four
# dual-stack designs (v6fix serve --design, userspace/lib/serve.h) in place
# of the built-in listener, and what breaks them. Source lib.sh and
# topology.sh first; faults-server.sh builds the matrix's server faults on
# these.
#
#   srv_start DESIGN [V6ONLY]   replace the server by DESIGN (inetd, sockets,
#                               processes, mapped) with --v6only V6ONLY
#                               (0, 1, default); 1 when it cannot listen
#   srv_bindv6only 0|1          net.ipv6.bindv6only in the server namespace
#                               (before srv_start: it is read at socket())
#   srv_listeners               the server's listening sockets on the port,
#                               "ADDRESS:PORT PID" per line (ss -ltnp)
#   srv_kill FAMILY             SIGKILL the process that listens for FAMILY
#                               (inet or inet6) and wait until it is gone
#   srv_dual_v6only DESIGN      the --v6only with which DESIGN serves both
#                               families when bindv6only is 0

# __srv_alive PID: PID runs (a zombie does not count: an init that reaps
# slowly leaves a killed daemon one for seconds).
__srv_alive() {
	local rest
	[ -r "/proc/$1/stat" ] && read -r rest <"/proc/$1/stat" 2>/dev/null || return 1
	rest=${rest##*) }
	[ "${rest:0:1}" != Z ]
}

# srv_stop: stop the current server and wait until it is gone (a server
# that still listens would make the next one's bind fail).
srv_stop() {
	local pid=$TOPO_SERVER_PID i
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 250; i++)); do
		__srv_alive "$pid" || break
		sleep 0.02
	done
	TOPO_SERVER_PID=
	# Its children (the processes design's copies, inetd) go with it.
	for ((i = 0; i < 250; i++)); do
		[ -z "$(srv_listeners)" ] && return 0
		sleep 0.02
	done
	return 1
}

# srv_start DESIGN [V6ONLY]
srv_start() {
	local design=$1 v6only=${2:-default}
	srv_stop || { echo "srv: the old server still listens" >&2; return 1; }
	topo_serve --design "$design" --v6only "$v6only"
}

srv_bindv6only() {
	topo_sysctl "$SERVER" "net.ipv6.bindv6only=$1"
}

srv_listeners() {
	nsenter --net="/run/netns/$SERVER" ss -Hltnp "sport = :$TOPO_PORT" |
		sed -nE 's/^LISTEN +[0-9]+ +[0-9]+ +([^ ]+) .*pid=([0-9]+).*/\1 \2/p'
}

# srv_kill inet|inet6: the listener of that family ("0.0.0.0:" or "[::]:",
# "*:" for a dual-stack AF_INET6 socket, which serves both).
srv_kill() {
	local fam=$1 addr pid i
	while read -r addr pid; do
		case "$fam:$addr" in
		inet:0.0.0.0:*|inet6:\[::\]:*|inet6:\*:*) break ;;
		esac
		pid=
	done < <(srv_listeners)
	[ -n "${pid:-}" ] || { echo "srv: nothing listens for $fam" >&2; return 1; }
	kill -KILL "$pid" || return 1
	for ((i = 0; i < 250; i++)); do
		__srv_alive "$pid" || return 0
		sleep 0.02
	done
	return 1
}

srv_dual_v6only() {
	case "$1" in
	mapped) echo 0 ;;
	inetd) echo default ;;
	*) echo 1 ;;
	esac
}

# srv_probe DESIGN BINDV6ONLY V6ONLY [KILL]: one row of the server table
# (scripts/server-table, netns-tests/host-serve.sh). Starts DESIGN, then
# connects from the client once per family (bash's /dev/tcp, which holds
# the connection open while ss looks at both ends). With KILL (inet or
# inet6), the process listening for that family is killed first
# (srv_kill); PROBE_KILLED is its pid. Sets
#   PROBE_START   ok, or fail (the server exited 1)
#   PROBE_LISTEN  listening sockets, ss -ltn's local addresses, sorted, ","
#   PROBE_ERRORS  what the server said on stderr about sockets it could not
#                 make: "inet6 bind EADDRINUSE" ("," between), or ""
#   PROBE_inet PROBE_inet6   per client family: accepts, refused (connect()
#                 failed: a RST) or timeout (no answer within 20 s)
#   PROBE_BODY_inet ...      the server's answer (the body's line)
#   PROBE_PEER_inet ...      the peer the server printed, "ADDRESS PORT"
#   PROBE_FAM_inet ...       the family the server printed (after unmapping)
#   PROBE_SRC_inet ...       the client's address and port, from the
#                 client's ss -tn
#   PROBE_SEEN_inet ...      the peer in the server's ss -tn, "ADDRESS PORT"
#                 (a v4-mapped one as ss shows it: ::ffff:a.b.c.d)
# Needs PROBE_DIR, a scratch directory.
srv_probe() {
	local design=$1 b=$2 v=$3 kill=${4:-} fam
	PROBE_START=ok PROBE_LISTEN= PROBE_ERRORS= PROBE_KILLED=
	srv_stop
	srv_bindv6only "$b" || return 1
	srv_start "$design" "$v" 2>"$PROBE_DIR/err" || PROBE_START=fail
	if [ -n "$kill" ]; then
		PROBE_KILLED=$(srv_listeners | awk -v f="$kill" '
			(f == "inet" && $1 ~ /^0\.0\.0\.0:/) || (f == "inet6" && $1 ~ /^(\[::\]|\*):/) { print $2; exit }')
		srv_kill "$kill" 2>/dev/null || PROBE_KILLED=
	fi
	PROBE_LISTEN=$(srv_listeners | awk '{ print $1 }' | sort | paste -sd, -)
	PROBE_ERRORS=$(sed -nE \
		-e 's/.*serve: processes: the (inet6?) process: ([a-z]+[^ ]*) .*\((E[A-Z]+)\).*/\1 \2 \3/p' \
		-e 's/.*serve: sockets: ([a-z]+[^ ]*) [^(]*\((inet6?)\): .*\((E[A-Z]+)\).*/\2 \1 \3/p' \
		-e 's/.*serve: mapped: ([a-z]+[^ ]*) .*\((E[A-Z]+)\).*/inet6 \1 \2/p' \
		"$PROBE_DIR/err" | paste -sd, -)
	for fam in inet inet6; do
		__srv_probe_family "$fam"
	done
}

# __srv_probe_family FAMILY: one connection, held open until both ends
# were seen.
__srv_probe_family() {
	local fam=$1 dst=$TOPO_SRV4 line body= got=0 src= seen= cpid
	[ "$fam" = inet ] || dst=$TOPO_SRV6
	printf -v "PROBE_BODY_$fam" ''
	printf -v "PROBE_PEER_$fam" ''
	printf -v "PROBE_FAM_$fam" ''
	printf -v "PROBE_SRC_$fam" ''
	printf -v "PROBE_SEEN_$fam" ''
	coproc PROBE_CL {
		nsenter --net="/run/netns/$CLIENT" bash -c '
			exec 5<>"/dev/tcp/$1/$2" 2>/dev/null || { echo V6FIX-REFUSED; exit 7; }
			printf "GET / HTTP/1.0\r\n\r\n" >&5
			cat <&5; echo V6FIX-EOF; read -r -t 20 _' _ "$dst" "$TOPO_PORT" 2>/dev/null
	}
	cpid=$PROBE_CL_PID
	# Generous: under TCG starting the client alone can take seconds.
	printf -v "PROBE_$fam" timeout
	while [ -n "${PROBE_CL[0]:-}" ] && read -r -t 20 line <&"${PROBE_CL[0]}"; do
		[ "$line" != V6FIX-REFUSED ] || { printf -v "PROBE_$fam" refused; break; }
		[ "$line" != V6FIX-EOF ] || { got=1; break; }
		[[ $line != design* ]] || body=$line
	done
	if [ $got = 1 ]; then
		printf -v "PROBE_$fam" accepts
		printf -v "PROBE_BODY_$fam" '%s' "$body"
		line=$(sed -nE 's/.* family ([a-z0-9]+) peer ([^ ]+) port ([0-9]+) .*/\2 \3 \1/p' <<<"$body")
		printf -v "PROBE_PEER_$fam" '%s' "${line% *}"
		printf -v "PROBE_FAM_$fam" '%s' "${line##* }"
		# Both ends from outside: the client's own address, and the peer
		# the server's socket has (FIN-WAIT-2: the server shut down first).
		src=$(nsenter --net="/run/netns/$CLIENT" ss -Htn "dport = :$TOPO_PORT" |
			awk 'NR == 1 { a = $4; sub(/:[0-9]+$/, "", a); gsub(/[][]/, "", a);
				p = $4; sub(/.*:/, "", p); print a, p }')
		seen=$(nsenter --net="/run/netns/$SERVER" ss -Htn "sport = :$TOPO_PORT" |
			awk 'NR == 1 { a = $5; sub(/:[0-9]+$/, "", a); gsub(/[][]/, "", a);
				p = $5; sub(/.*:/, "", p); print a, p }')
		printf -v "PROBE_SRC_$fam" '%s' "$src"
		printf -v "PROBE_SEEN_$fam" '%s' "$seen"
		[ -z "${PROBE_CL[1]:-}" ] || echo >&"${PROBE_CL[1]}"
	fi
	wait "$cpid" 2>/dev/null
	return 0
}
