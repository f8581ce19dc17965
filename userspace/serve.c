// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix serve: the server of the test topology. Debian installs no TCP
 * listener by default (no socat, no nc) and bash cannot listen, so the tool
 * brings its own. Without --design it is the topology's built-in listener
 * (one AF_INET6 socket with IPV6_V6ONLY 0, or one family with -4/-6); with
 * --design it is one of the v6pc guide's four dual-stack designs
 * (lib/serve.h, one file each). Every connection is recorded when accepted
 * (--log) and answered once its request line is in (or after a short wait)
 * with an HTTP/1.0 200 response that names the peer as the server saw it
 * (lib/serve_answer.c), so curl is a valid client too; "GET /BYTES" gets
 * BYTES bytes instead (connect --transfer, lib/serve_loop.c). It is closed
 * once the client has finished sending. This file is the object's front end.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "serve.h"
#include "util.h"
#include "v6fix.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] serve [ -4 | -6 ] [ --daemon ] [ --exit-with PID ] [ --log FILE ] PORT\n"
		"       v6fix [-n NETNS] serve --design { inetd | sockets | processes | mapped }\n"
		"                              [ --v6only { 0 | 1 | default } ] [ --daemon ] [ --exit-with PID ]\n"
		"                              [ --log FILE ] PORT\n"
		"       v6fix serve --inetd [ --log FILE ]\n"
		"A TCP listener for tests: accepts on PORT and answers each connection with an\n"
		"HTTP/1.0 200 response whose body says what the server saw, e.g.\n"
		"  design mapped socket inet6 family inet peer 192.0.2.2 port 40312 mapped true local 192.0.2.130\n"
		"(once the request line is in, or after 1 s for a client that sends nothing);\n"
		"\"GET /BYTES HTTP/1.x\" gets BYTES bytes of body instead (connect --transfer).\n"
		"  -4, -6          built-in listener: IPv4 only or IPv6 only (default: both, one\n"
		"                  AF_INET6 socket with IPV6_V6ONLY 0)\n"
		"  --design D      a dual-stack design of the v6pc guide instead:\n"
		"                    sockets    one socket per getaddrinfo(AI_PASSIVE) result, poll();\n"
		"                               a socket that cannot bind is reported and left out\n"
		"                    processes  one single-stack process per family; one may die alone\n"
		"                    mapped     one AF_INET6 socket, IPv4 peers as v4-mapped (shown as IPv4)\n"
		"                    inetd      openbsd-inetd with its own config and pid file (in a /run\n"
		"                               of its own), running 'v6fix serve --inetd' per connection\n"
		"  --v6only V      IPV6_V6ONLY on the AF_INET6 sockets: 0, 1, or default (leave\n"
		"                  net.ipv6.bindv6only's choice; the default); for inetd the\n"
		"                  protocol: default \"tcp\", 1 \"tcp4\"+\"tcp6\", 0 \"tcp46\"\n"
		"  --log FILE      append one JSON line per connection (design, socket, family,\n"
		"                  address, port, mapped, local)\n"
		"  --daemon        detach once listening and print the server's pid\n"
		"  --exit-with PID exit when process PID exits\n"
		"  --inetd         answer the one connection on stdin/stdout (inetd's server program)\n");
}

static const char *const designs[] = { "inetd", "sockets", "processes", "mapped" };

static int builtin(struct serve_ctx *ctx, int family)
{
	struct sockaddr_storage ss = { 0 };
	struct addrinfo ai = {
		.ai_family = family == AF_INET ? AF_INET : AF_INET6,
		.ai_socktype = SOCK_STREAM,
		.ai_addr = (struct sockaddr *)&ss,
	};
	const char *step;
	int fd;

	if (ai.ai_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons(ctx->port);
		ai.ai_addrlen = sizeof(*s6);
		ctx->v6only = family == AF_INET6 ? SERVE_V6ONLY_ON : SERVE_V6ONLY_OFF;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		s4->sin_port = htons(ctx->port);
		ai.ai_addrlen = sizeof(*s4);
	}
	fd = serve_listen(ctx, &ai, &step);
	if (fd < 0) {
		v6fix_err("serve: cannot listen on port %u: %s", ctx->port, strerror(-fd));
		return 1;
	}
	if (ctx->daemon && v6fix_daemonize() < 0) {
		v6fix_err("serve: fork: %s", strerror(errno));
		return 1;
	}
	serve_loop(ctx, &fd, 1);
}

int do_serve(int argc, char **argv)
{
	struct serve_ctx ctx = {
		.design = "builtin", .v6only = SERVE_V6ONLY_DEFAULT, .unmap = true,
		.log_fd = -1, .watch = -1,
	};
	int family = AF_UNSPEC, design = -1, rc;
	bool inetd_conn = false, v6only_set = false;
	const char *port_arg = NULL;
	char *log_abs = NULL;	/* lives as long as the server */
	pid_t exit_with = 0;
	uint32_t port;

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	for (; argc > 0; argc--, argv++) {
		const char *a = argv[0];

		if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			int f = a[1] == '4' ? AF_INET : AF_INET6;

			if (family != AF_UNSPEC && family != f)
				v6fix_usage_error("-4 and -6 exclude each other");
			family = f;
		} else if (!strcmp(a, "--daemon")) {
			ctx.daemon = true;
		} else if (!strcmp(a, "--inetd")) {
			inetd_conn = true;
		} else if (!strcmp(a, "--exit-with") || !strcmp(a, "--design") ||
			   !strcmp(a, "--v6only") || !strcmp(a, "--log")) {
			if (argc < 2)
				v6fix_usage_error("%s needs a value (try 'v6fix serve help')", a);
			argc--, argv++;
			if (!strcmp(a, "--exit-with")) {
				exit_with = v6fix_parse_pid(argv[0]);
			} else if (!strcmp(a, "--design")) {
				design = -1;
				for (size_t i = 0; i < sizeof(designs) / sizeof(designs[0]); i++)
					if (!strcmp(argv[0], designs[i]))
						design = (int)i;
				if (design < 0)
					v6fix_invarg("--design (inetd, sockets, processes, mapped)", argv[0]);
			} else if (!strcmp(a, "--v6only")) {
				if (!strcmp(argv[0], "0"))
					ctx.v6only = SERVE_V6ONLY_OFF;
				else if (!strcmp(argv[0], "1"))
					ctx.v6only = SERVE_V6ONLY_ON;
				else if (!strcmp(argv[0], "default"))
					ctx.v6only = SERVE_V6ONLY_DEFAULT;
				else
					v6fix_invarg("--v6only (0, 1, default)", argv[0]);
				v6only_set = true;
			} else {
				if (!argv[0][0])
					v6fix_invarg("--log FILE", argv[0]);
				ctx.log_path = argv[0];
			}
		} else if (a[0] == '-' && a[1]) {
			v6fix_usage_error("serve: unknown option \"%s\" (try 'v6fix serve help')", a);
		} else if (port_arg) {
			v6fix_usage_error("unexpected argument \"%s\"", a);
		} else {
			port_arg = a;
		}
	}
	if (inetd_conn) {
		if (design >= 0 || family != AF_UNSPEC || v6only_set || ctx.daemon || exit_with ||
		    port_arg)
			v6fix_usage_error("--inetd takes only --log: inetd gives it the connection");
	} else {
		if (!port_arg)
			v6fix_usage_error("serve needs a PORT (try 'v6fix serve help')");
		if (v6fix_parse_u32(port_arg, 65535, &port) || port == 0)
			v6fix_invarg("PORT (1-65535)", port_arg);
		ctx.port = (uint16_t)port;
		if (design >= 0 && family != AF_UNSPEC)
			v6fix_usage_error("-4 and -6 are for the built-in listener, not --design");
		if (design < 0 && v6only_set)
			v6fix_usage_error("--v6only needs --design");
	}
	if (ctx.log_path && (design == 0 || inetd_conn) && strpbrk(ctx.log_path, " \t\n"))
		v6fix_invarg("--log FILE (inetd.conf splits at white space)", ctx.log_path);

	if (ctx.log_path && design == 0 && !strncmp(ctx.log_path, "/run/", 5))
		v6fix_invarg("--log FILE (inetd has a /run of its own)", ctx.log_path);

	if (ctx.log_path) {
		ctx.log_fd = open(ctx.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (ctx.log_fd < 0) {
			v6fix_err("serve: %s: %s", ctx.log_path, strerror(errno));
			return 1;
		}
		/* inetd's children start in /: they need the whole path. */
		if (design == 0 && !(ctx.log_path = log_abs = realpath(ctx.log_path, NULL))) {
			v6fix_err("serve: --log: %s", strerror(errno));
			return 1;
		}
	}
	if (inetd_conn) {
		ctx.design = "inetd";
		ctx.unmap = false;
		return serve_inetd_conn(&ctx);
	}
	if (exit_with) {
		ctx.watch = v6fix_pidfd_open(exit_with);
		if (ctx.watch < 0) {
			v6fix_err("serve: cannot watch pid %d: %s", (int)exit_with, strerror(-ctx.watch));
			return 1;
		}
	}
	if (design < 0)
		return builtin(&ctx, family);
	ctx.design = designs[design];
	/* Only the mapped design turns v4-mapped peers back into IPv4 (the
	 * guide: it must tell them apart); elsewhere one shows a misconfigured
	 * dual-stack socket. */
	ctx.unmap = design == 3;
	switch (design) {
	case 0: rc = serve_inetd(&ctx); break;
	case 1: rc = serve_sockets(&ctx); break;
	case 2: rc = serve_processes(&ctx); break;
	default: rc = serve_mapped(&ctx); break;
	}
	free(log_abs);
	return rc;
}
