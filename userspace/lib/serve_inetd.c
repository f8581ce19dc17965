// SPDX-License-Identifier: GPL-2.0
/*
 * Design (1) of the v6pc guide, "inetdによるデュアルスタックサーバ": inetd
 * does the networking and starts the server per connection with the socket
 * on stdin and stdout; the server only has to print its peer, from
 * getpeername(0) into a sockaddr_storage and getnameinfo(), as the guide
 * shows. The inetd is Debian's openbsd-inetd, run in a private mount
 * namespace whose /run is a tmpfs of its own, holding its configuration
 * file (/run/inetd.conf) and its pid file (/run/inetd.pid): a host's inetd
 * is untouched, and both files go with inetd's mount namespace, even when
 * the supervisor is SIGKILLed (inetd follows it: PR_SET_PDEATHSIG). From
 * outside they are /proc/PID/root/run/inetd.{conf,pid}.
 *
 * --v6only picks the protocol field of inetd.conf, inetd's own choice of
 * sockets: default "tcp" (openbsd-inetd since 0.20221205: one tcp4 and one
 * tcp6 socket, the latter IPV6_V6ONLY), 1 "tcp4" and "tcp6" lines (the
 * same, spelt out), 0 "tcp46" (one AF_INET6 socket for both, mapped).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attempt.h"
#include "serve.h"
#include "util.h"

#define INETD "/usr/sbin/inetd"
#define INETD_WAIT_MS 5000
#define INETD_LINGER_MS 5000

/* Listening TCP sockets on @port in this namespace, from /proc/net/tcp{,6}. */
static int listeners(uint16_t port)
{
	static const char *const files[] = { "/proc/self/net/tcp", "/proc/self/net/tcp6" };
	int n = 0;

	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "re");
		char line[512], local[64];
		unsigned int lport, st;

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *colon;

			if (sscanf(line, " %*u: %63s %*s %x", local, &st) != 2)
				continue;
			colon = strrchr(local, ':');
			if (colon && sscanf(colon + 1, "%x", &lport) == 1 && lport == port && st == 0x0A)
				n++;
		}
		fclose(f);
	}
	return n;
}

/* The configuration, in memory: written in inetd's own /run. */
static char *make_conf(const struct serve_ctx *ctx, const char *exe, size_t *len)
{
	static const char *const by_v6only[][2] = {
		[0] = { "tcp46", NULL },
		[1] = { "tcp4", "tcp6" },
		[2] = { "tcp", NULL },
	};
	int idx = ctx->v6only == SERVE_V6ONLY_DEFAULT ? 2 : ctx->v6only;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	fprintf(f, "# v6fix serve --design inetd: written for one scenario\n");
	for (int i = 0; i < 2 && by_v6only[idx][i]; i++) {
		fprintf(f, "%u stream %s nowait root %s v6fix serve --inetd", ctx->port,
			by_v6only[idx][i], exe);
		if (ctx->log_path)
			fprintf(f, " --log %s", ctx->log_path);
		fprintf(f, "\n");
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static _Noreturn void exec_inetd(const char *conf, size_t len)
{
	sigset_t none;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("v6fix-inetd", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") < 0) {
		v6fix_err("serve: inetd: a /run of its own: %s", strerror(errno));
		_exit(1);
	}
	fd = open("/run/inetd.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, conf, len) != (ssize_t)len || close(fd) < 0) {
		v6fix_err("serve: inetd: /run/inetd.conf: %s", strerror(errno));
		_exit(1);
	}
	/* -i: stay in the foreground (our child); -E: keep the environment
	 * for the services; -R: no rate limit to trip over in a test. */
	execl(INETD, "inetd", "-i", "-E", "-R", "1000000", "/run/inetd.conf", (char *)NULL);
	v6fix_err("serve: inetd: cannot run %s: %s (is openbsd-inetd installed?)", INETD,
		  strerror(errno));
	_exit(127);
}

int serve_inetd(const struct serve_ctx *ctx)
{
	char exe[4096], why[64], *conf;
	int want = ctx->v6only == SERVE_V6ONLY_OFF ? 1 : 2, ready, sfd, status, rc;
	size_t clen;
	ssize_t n;
	pid_t pid, got;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0 || (size_t)n >= sizeof(exe) - 1) {
		v6fix_err("serve: inetd: cannot find this program: %s", strerror(errno));
		return 1;
	}
	exe[n] = '\0';
	if (strpbrk(exe, " \t\n")) {
		v6fix_err("serve: inetd: the program's path \"%s\" has white space", exe);
		return 1;
	}
	if (access(INETD, X_OK) < 0) {
		v6fix_err("serve: inetd: no %s (apt-get install openbsd-inetd)", INETD);
		return 1;
	}
	conf = make_conf(ctx, exe, &clen);
	if (!conf) {
		v6fix_err("serve: inetd: %s", strerror(ENOMEM));
		return 1;
	}
	ready = serve_detach(ctx);
	sfd = serve_block_signals();
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		v6fix_err("serve: fork: %s", strerror(errno));
		free(conf);
		serve_ready(ready, 1);
		return 1;
	}
	if (pid == 0)
		exec_inetd(conf, clen);
	free(conf);

	/* Ready when inetd listens on every socket its configuration asks for. */
	for (double end = v6fix_now_ms() + INETD_WAIT_MS; listeners(ctx->port) < want;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid || v6fix_now_ms() > end) {
			v6fix_err("serve: inetd: %s before listening on port %u (%d of %d sockets)",
				  got == pid ? serve_wait_text(status, why, sizeof(why)) : "timed out",
				  ctx->port, listeners(ctx->port), want);
			if (got != pid) {
				kill(pid, SIGTERM);
				waitpid(pid, &status, 0);
			}
			serve_ready(ready, 1);
			return 1;
		}
		poll(NULL, 0, 10);
	}
	serve_ready(ready, 0);

	rc = 0;
	for (;;) {
		if (serve_supervise(ctx, sfd, &got, &status))
			break;
		if (got == pid) {
			v6fix_err("serve: inetd (pid %d) %s", (int)pid,
				  serve_wait_text(status, why, sizeof(why)));
			pid = 0;
			rc = 1;
			break;
		}
	}
	if (pid) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	return rc;
}

int serve_inetd_conn(const struct serve_ctx *ctx)
{
	char scratch[4096];
	double end;
	int rc;

	serve_record(ctx, STDIN_FILENO);	/* a lost record: no server side */
	rc = serve_answer(ctx, STDIN_FILENO, STDOUT_FILENO);
	if (rc < 0) {
		v6fix_err("serve --inetd: %s (stdin must be a connected socket)", strerror(-rc));
		return 1;
	}
	/* Drain what the client sends until it closes, so that closing does
	 * not turn into a RST. */
	shutdown(STDOUT_FILENO, SHUT_WR);
	end = v6fix_now_ms() + INETD_LINGER_MS;
	for (;;) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		double left = end - v6fix_now_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0 ||
		    read(STDIN_FILENO, scratch, sizeof(scratch)) <= 0)
			break;
	}
	return 0;
}
