// SPDX-License-Identifier: GPL-2.0
/*
 * Design (4) of the v6pc guide, "IPv4マップドアドレスを使用する": one
 * AF_INET6 socket on [::] that also takes IPv4 peers, which arrive as
 * v4-mapped addresses (::ffff:a.b.c.d, RFC 4291 2.5.5.2) and are printed
 * as the IPv4 address they stand for (the guide: a program must tell them
 * apart). Whether the socket takes IPv4 at all is IPV6_V6ONLY, which
 * starts as net.ipv6.bindv6only (inet6_create(): sk_ipv6only =
 * net->ipv6.sysctl.bindv6only): the guide's Asterisk note, "bindaddr=:: is
 * dual-stack on Linux only when bindv6only is 0", unless the program sets
 * IPV6_V6ONLY 0 itself (--v6only 0).
 */
#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "serve.h"
#include "util.h"

int serve_mapped(const struct serve_ctx *ctx)
{
	struct addrinfo *res = serve_passive(ctx, AF_INET6);
	const char *step;
	char at[80];
	int fd;

	fd = serve_listen(ctx, res, &step);
	if (fd < 0) {
		v6fix_err("serve: mapped: %s %s: %s (%s)", step, serve_ai_text(res, at, sizeof(at)),
			  strerror(-fd), v6fix_errno_name(-fd) ?: "?");
		freeaddrinfo(res);
		return 1;
	}
	freeaddrinfo(res);
	if (ctx->daemon && v6fix_daemonize() < 0) {
		v6fix_err("serve: fork: %s", strerror(errno));
		return 1;
	}
	serve_loop(ctx, &fd, 1);
}
