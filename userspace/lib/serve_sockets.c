// SPDX-License-Identifier: GPL-2.0
/*
 * Design (2) of the v6pc guide, "複数socketで待ち受けるサーバ": ask
 * getaddrinfo(NULL, PORT, AI_PASSIVE) for the wildcard addresses, make one
 * socket per result (socket, bind, listen), and wait on all of them (the
 * guide uses select(); poll() here). The guide's loop sets no socket
 * option, so with net.ipv6.bindv6only = 0 the AF_INET6 socket on [::]
 * covers IPv4 as well and conflicts with the AF_INET one on 0.0.0.0:
 * whichever of the two getaddrinfo() returns second gets EADDRINUSE
 * (net/ipv4/inet_connection_sock.c: ipv6_rcv_saddr_equal() takes [::]
 * without IPV6_V6ONLY for equal to 0.0.0.0, and inet_bind_conflict() lets
 * SO_REUSEADDR pass only sockets not in LISTEN). glibc 2.36 returns
 * 0.0.0.0 first in a namespace with addresses (the topology's server, the
 * host), [::] first in one with none (scripts/server-table measures it).
 * Like the guide's loop, the server then serves the sockets that did
 * bind: a family is lost with one line on stderr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attempt.h"
#include "daemon.h"
#include "serve.h"
#include "util.h"

#define SOCKETS_MAX 8

int serve_sockets(const struct serve_ctx *ctx)
{
	struct addrinfo *res = serve_passive(ctx, AF_UNSPEC), *ai;
	int fds[SOCKETS_MAX];
	size_t n = 0;
	char at[80];

	for (ai = res; ai && n < SOCKETS_MAX; ai = ai->ai_next) {
		const char *step;
		int fd = serve_listen(ctx, ai, &step);

		if (fd < 0) {
			v6fix_err("serve: sockets: %s %s (%s): %s (%s); serving the others", step,
				  serve_ai_text(ai, at, sizeof(at)), v6fix_family_name(ai->ai_family),
				  strerror(-fd), v6fix_errno_name(-fd) ?: "?");
			continue;
		}
		fds[n++] = fd;
	}
	freeaddrinfo(res);
	if (!n) {
		v6fix_err("serve: sockets: no socket could listen on port %u", ctx->port);
		return 1;
	}
	if (ctx->daemon && v6fix_daemonize() < 0) {
		v6fix_err("serve: fork: %s", strerror(errno));
		return 1;
	}
	serve_loop(ctx, fds, n);
}
