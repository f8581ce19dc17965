// SPDX-License-Identifier: GPL-2.0
/*
 * Design (3) of the v6pc guide, "複数プロセスで待ち受けるサーバ": a
 * single-stack server run once per family, each copy asking
 * getaddrinfo(AI_PASSIVE) for its own family only; here fork()ed from one
 * program, as the guide suggests (copy-on-write saves memory). The copies
 * know nothing of each other: when one dies, its family is gone and the
 * other goes on serving, which a client sees as no listener for that family
 * (the matrix's no_v6_listener: a RST). They start in getaddrinfo(AF_UNSPEC)'s
 * order, one after the other, so that with net.ipv6.bindv6only = 0 and no
 * IPV6_V6ONLY it is the second that gets EADDRINUSE, as in design (2).
 *
 * A supervisor (serve_supervise.c) waits for the copies only to tie their
 * life to the test's and to report on stderr; it never restarts one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attempt.h"
#include "serve.h"
#include "util.h"

#define FAMILIES 2

/* One copy: listen on @family's wildcard, report the errno, serve. */
static _Noreturn void copy(const struct serve_ctx *parent, int family, int report)
{
	struct serve_ctx ctx = *parent;
	struct addrinfo *res;
	const char *step;
	sigset_t none;
	char at[80];
	int fd, err;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	ctx.watch = -1;		/* the supervisor watches; its death ends us */
	res = serve_passive(&ctx, family);
	fd = serve_listen(&ctx, res, &step);
	err = fd < 0 ? -fd : 0;
	if (fd < 0)
		v6fix_err("serve: processes: the %s process: %s %s: %s (%s); it exits",
			  v6fix_family_name(family), step, serve_ai_text(res, at, sizeof(at)),
			  strerror(err), v6fix_errno_name(err) ?: "?");
	freeaddrinfo(res);
	if (write(report, &err, sizeof(err)) < 0)
		_exit(1);
	close(report);
	if (fd < 0)
		_exit(1);
	serve_loop(&ctx, &fd, 1);
}

int serve_processes(const struct serve_ctx *ctx)
{
	struct addrinfo *res, *ai;
	int fams[FAMILIES], nfam = 0, ready, sfd, alive = 0, status;
	pid_t pids[FAMILIES] = { 0 }, pid;
	char why[64];

	res = serve_passive(ctx, AF_UNSPEC);
	for (ai = res; ai && nfam < FAMILIES; ai = ai->ai_next) {
		if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
		    !(nfam && fams[0] == ai->ai_family))
			fams[nfam++] = ai->ai_family;
	}
	freeaddrinfo(res);

	ready = serve_detach(ctx);
	sfd = serve_block_signals();
	for (int i = 0; i < nfam; i++) {
		int p[2], err = EIO;

		if (pipe(p) < 0) {
			v6fix_err("serve: pipe: %s", strerror(errno));
			exit(1);
		}
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			v6fix_err("serve: fork: %s", strerror(errno));
			exit(1);
		}
		if (pid == 0) {
			close(p[0]);
			close(sfd);
			copy(ctx, fams[i], p[1]);
		}
		close(p[1]);
		if (read(p[0], &err, sizeof(err)) != sizeof(err))
			err = EIO;
		close(p[0]);
		if (err) {
			waitpid(pid, &status, 0);
			continue;
		}
		pids[i] = pid;
		alive++;
	}
	if (!alive) {
		v6fix_err("serve: processes: no process could listen on port %u", ctx->port);
		serve_ready(ready, 1);
		return 1;
	}
	serve_ready(ready, 0);

	while (alive) {
		if (serve_supervise(ctx, sfd, &pid, &status)) {
			for (int i = 0; i < nfam; i++)
				if (pids[i])
					kill(pids[i], SIGTERM);
			return 0;
		}
		for (int i = 0; i < nfam; i++) {
			if (pids[i] != pid)
				continue;
			v6fix_err("serve: processes: the %s process (pid %d) %s; %s is no longer served",
				  v6fix_family_name(fams[i]), (int)pid,
				  serve_wait_text(status, why, sizeof(why)), v6fix_family_name(fams[i]));
			pids[i] = 0;
			alive--;
		}
	}
	v6fix_err("serve: processes: no process is left");
	return 1;
}
