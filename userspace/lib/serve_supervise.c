// SPDX-License-Identifier: GPL-2.0
/*
 * The supervisor of the designs that run more than one process: the
 * processes design's per-family children, inetd. It is not part of the
 * designs (the guide's processes are independent programs): it only ties
 * their life to the test's (--daemon that returns once they listen,
 * --exit-with, SIGTERM) and says on stderr what happened to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve.h"
#include "util.h"

int serve_detach(const struct serve_ctx *ctx)
{
	int p[2], fd;
	pid_t pid;
	unsigned char st;

	if (!ctx->daemon)
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		v6fix_err("serve: pipe: %s", strerror(errno));
		exit(1);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		v6fix_err("serve: fork: %s", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		ssize_t r;

		close(p[1]);
		do
			r = read(p[0], &st, 1);
		while (r < 0 && errno == EINTR);
		if (r != 1)
			exit(1);	/* the daemon died before it was ready */
		if (st)
			exit(st);
		printf("%d\n", (int)pid);
		fflush(stdout);
		_exit(0);
	}
	close(p[0]);
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return p[1];
}

void serve_ready(int fd, int status)
{
	unsigned char st = (unsigned char)status;

	if (fd < 0)
		return;
	if (write(fd, &st, 1) < 0) {
		/* The foreground process is gone: nobody waits for it. */
	}
	close(fd);
}

int serve_block_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		v6fix_err("serve: signalfd: %s", strerror(errno));
		exit(1);
	}
	return fd;
}

int serve_supervise(const struct serve_ctx *ctx, int sfd, pid_t *pid, int *status)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = ctx->watch, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		pid_t p;

		/* A child may have exited before its SIGCHLD was read. */
		p = waitpid(-1, status, WNOHANG);
		if (p > 0) {
			*pid = p;
			return 0;
		}
		if (poll(pfd, ctx->watch >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (pfd[1].revents)
			return 1;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				return 1;
		}
	}
}

const char *serve_wait_text(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	return buf;
}
