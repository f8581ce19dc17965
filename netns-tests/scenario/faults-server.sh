#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Server faults: the server axis of the matrix. Each takes a design of
# servers.sh as its argument (the catalog's "code"), and sets FAULT_MODEL to
# the connect-phase fault the model (v6fix predict) should see from the
# client's side, or to "" when the model has none (no listener at all).
# Sourced by faults.sh; its entries go to SERVER_FAULTS, which
# scripts/fallback-matrix adds to the host's cells (--servers).
#
#   server_defaults D   D with the kernel's defaults (bindv6only 0, no
#                       IPV6_V6ONLY): sockets and processes lose IPv6 to
#                       EADDRINUSE (0.0.0.0 binds first), a RST for the
#                       client; mapped and inetd serve both
#   server_v6_killed D  D serving both families, then the process that
#                       listens for IPv6 is killed (SIGKILL): processes
#                       loses IPv6 alone (a RST); the others lose everything
#
# shellcheck source=servers.sh
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"

SERVER_DESIGNS="inetd sockets processes mapped"
SERVER_FAULTS=()
for __d in $SERVER_DESIGNS; do
	SERVER_FAULTS+=("server_defaults $__d" "server_v6_killed $__d")
done
unset __d

fault_server_defaults() {
	local d=${1:-}
	srv_bindv6only 0 && srv_start "$d" default || return
	case "$d" in
	sockets|processes) FAULT_MODEL=no_v6_listener ;;
	*) FAULT_MODEL=healthy ;;
	esac
}

fault_server_v6_killed() {
	local d=${1:-}
	srv_bindv6only 0 && srv_start "$d" "$(srv_dual_v6only "$d")" && srv_kill inet6 || return
	FAULT_MODEL=
	[ "$d" != processes ] || FAULT_MODEL=no_v6_listener
}
