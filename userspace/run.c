// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix run: an unmodified program with a soft-error policy of its own, the
 * per-application opt-in of the seed's debate (4.3). A transient cgroup v2
 * is made below the caller's own cgroup (so the program stays inside the
 * caller's limits and delegation, and nothing outside the caller's subtree
 * is touched), a scope for it is set in the namespace (softerr set ...
 * cgroup), the child moves itself in and execs the program; when the
 * program ends (or v6fix is told to stop: SIGINT, SIGTERM, SIGHUP, SIGQUIT
 * are passed on to it), processes it left in the cgroup are killed, the
 * scope and the cgroup are removed, and v6fix exits with the program's
 * status (128 + N for a program killed by signal N).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "genl.h"
#include "softerr_scope.h"
#include "util.h"
#include "v6fix.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] run --softerr POLICY [ --family { inet | inet6 | all } ]\n"
		"                            [ --retries N ] [ --errqueue { stock | recverr } ]\n"
		"                            -- COMMAND [ ARGS... ]\n"
		"POLICY := { pass | hard | rfc1122 | bsd | retries }\n"
		"Runs COMMAND in a new cgroup v2 below this process's own (v6fix-run.PID) with a\n"
		"scope of its own: its sockets get POLICY (both families unless --family) while\n"
		"the rest of the namespace keeps its settings. A socket mark scope still wins\n"
		"(precedence: mark > cgroup > namespace). At the end, processes COMMAND left in\n"
		"the cgroup are killed and the scope and the cgroup are removed; the exit status\n"
		"is COMMAND's (128 + N if a signal N ended it). SIGINT, SIGTERM, SIGHUP and\n"
		"SIGQUIT are passed on to COMMAND. COMMAND sees V6FIX_RUN_CGROUP.\n");
}

/* The signals passed on to the program; SIGCHLD ends the wait. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

struct run {
	char dir[PATH_MAX];		/* the transient cgroup */
	int fd;				/* open on it */
	bool scoped;			/* the scope was set */
	struct v6fix_genl *g;
};

/* Write @val to the cgroup's control file @name. */
static int cg_write(const struct run *r, const char *name, const char *val)
{
	int fd = openat(r->fd, name, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Does the cgroup (or one below it) still hold a process? */
static bool cg_populated(const struct run *r)
{
	char buf[256];
	ssize_t n;
	int fd = openat(r->fd, "cgroup.events", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "populated 1") != NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Undo everything, in reverse; report what could not be undone. */
static void run_cleanup(struct run *r)
{
	struct v6fix_scope_key key = { .kind = V6FIX_SCOPE_CGROUP, .cgroup_fd = r->fd };
	int i, err;

	if (r->fd >= 0 && cg_populated(r)) {
		/* What the program left behind (daemons): the cgroup must go. */
		cg_write(r, "cgroup.kill", "1");
		for (i = 0; i < 500 && cg_populated(r); i++)
			sleep_ms(10);
	}
	if (r->scoped) {
		err = v6fix_genl_del_scope(r->g, &key);
		if (err)
			softerr_genl_fail("run: removing the scope", err);
	}
	if (r->fd >= 0)
		close(r->fd);
	/* The last exit may still be on its way out of the cgroup. */
	for (i = 0; r->dir[0] && rmdir(r->dir) < 0; i++) {
		if (errno != EBUSY || i == 100) {
			v6fix_err("run: could not remove %s: %s", r->dir, strerror(errno));
			break;
		}
		sleep_ms(10);
	}
	v6fix_genl_close(r->g);
}

/* The transient cgroup below ours: PATH/v6fix-run.PID. */
static int make_cgroup(struct run *r)
{
	char mnt[PATH_MAX], self[PATH_MAX];
	int err;

	err = v6fix_cgroup_mount(mnt, sizeof(mnt));
	if (err == -ENOENT) {
		v6fix_err("run: no cgroup2 file system is mounted");
		return err;
	}
	if (!err)
		err = v6fix_cgroup_self(self, sizeof(self));
	if (err) {
		v6fix_err("run: this process's cgroup v2: %s", strerror(-err));
		return err;
	}
	if ((size_t)snprintf(r->dir, sizeof(r->dir), "%s%s%sv6fix-run.%ld", mnt,
			     strcmp(self, "/") ? self : "", "/", (long)getpid()) >=
	    sizeof(r->dir)) {
		r->dir[0] = '\0';
		v6fix_err("run: cgroup path too long");
		return -ENAMETOOLONG;
	}
	if (mkdir(r->dir, 0755) < 0) {
		err = -errno;
		v6fix_err("run: mkdir %s: %s", r->dir, strerror(errno));
		r->dir[0] = '\0';
		return err;
	}
	r->fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0) {
		err = -errno;
		v6fix_err("run: open %s: %s", r->dir, strerror(errno));
		return err;
	}
	return 0;
}

/*
 * The child: restore the signals, move into the cgroup, exec. A failure is
 * written to @errfd (close-on-exec: EOF means the exec happened).
 */
static _Noreturn void child(struct run *r, const sigset_t *old, int errfd, char **cmd)
{
	int e[2];

	sigprocmask(SIG_SETMASK, old, NULL);
	setenv("V6FIX_RUN_CGROUP", r->dir, 1);
	/* "0" is the writing process itself. */
	e[0] = 0;
	e[1] = -cg_write(r, "cgroup.procs", "0");
	if (!e[1]) {
		close(r->fd);
		execvp(cmd[0], cmd);
		e[0] = 1;
		e[1] = errno;
	}
	if (write(errfd, e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int do_run(int argc, char **argv)
{
	struct v6fix_config_set set = { 0 };
	struct run r = { .fd = -1 };
	struct v6fix_scope_key key = { .kind = V6FIX_SCOPE_CGROUP };
	bool inet6 = true, inet = true, have_policy = false;
	sigset_t mask, old;
	int pfd[2], e[2], status = 0, sig, err, i;
	ssize_t n;
	uint32_t u;
	pid_t pid;

	if (argc < 1 || v6fix_is_help(argv[0])) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? V6FIX_EXIT_USAGE : 0;
	}
	for (; argc > 0 && strcmp(argv[0], "--"); argc--, argv++) {
		if (argc < 2)
			v6fix_usage_error("run: \"%s\" needs a value (and COMMAND follows --)",
					  argv[0]);
		if (!strcmp(argv[0], "--softerr")) {
			if (have_policy)
				v6fix_usage_error("run: --softerr given twice");
			i = v6fix_policy_parse(argv[1]);
			if (i < 0)
				v6fix_invarg("policy (pass, hard, rfc1122, bsd or retries)", argv[1]);
			set.policy_inet6 = set.policy_inet = (uint32_t)i;
			have_policy = true;
		} else if (!strcmp(argv[0], "--family")) {
			if (!strcmp(argv[1], "inet6"))
				inet6 = true, inet = false;
			else if (!strcmp(argv[1], "inet"))
				inet6 = false, inet = true;
			else if (!strcmp(argv[1], "all"))
				inet6 = inet = true;
			else
				v6fix_invarg("family (inet, inet6 or all)", argv[1]);
		} else if (!strcmp(argv[0], "--retries")) {
			if (v6fix_parse_u32(argv[1], V6FIX_BSD_RETRIES_MAX, &u))
				v6fix_invarg("retries (0-127)", argv[1]);
			set.bsd_retries = u;
			set.has_bsd_retries = true;
		} else if (!strcmp(argv[0], "--errqueue")) {
			i = v6fix_errqueue_parse(argv[1]);
			if (i < 0)
				v6fix_invarg("errqueue (stock or recverr)", argv[1]);
			set.errqueue = (uint32_t)i;
			set.has_errqueue = true;
		} else {
			v6fix_usage_error("run: unknown option \"%s\" (try 'v6fix run help')",
					  argv[0]);
		}
		argc--;
		argv++;
	}
	if (!have_policy)
		v6fix_usage_error("run needs --softerr POLICY");
	if (argc < 2)
		v6fix_usage_error("run needs -- COMMAND [ARGS...]");
	argv++;
	set.has_policy_inet6 = inet6;
	set.has_policy_inet = inet;

	err = v6fix_genl_open(&r.g);
	if (err)
		return softerr_genl_fail("run", err);
	/* From here on, signals wait for us: nothing is left behind. */
	sigemptyset(&mask);
	for (i = 0; i < (int)(sizeof(forwarded) / sizeof(forwarded[0])); i++)
		sigaddset(&mask, forwarded[i]);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);

	if (make_cgroup(&r))
		goto fail;
	key.cgroup_fd = r.fd;
	err = v6fix_genl_set_scope(r.g, &key, &set);
	if (err) {
		softerr_genl_fail("run: setting the scope", err);
		goto fail;
	}
	r.scoped = true;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		v6fix_err("run: pipe: %s", strerror(errno));
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		v6fix_err("run: fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		goto fail;
	}
	if (pid == 0) {
		close(pfd[0]);
		child(&r, &old, pfd[1], argv);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(e)) {
		waitpid(pid, NULL, 0);
		if (e[0])
			v6fix_err("run: %s: %s", argv[0], strerror(e[1]));
		else
			v6fix_err("run: moving into %s: %s", r.dir, strerror(e[1]));
		run_cleanup(&r);
		return e[0] && e[1] == ENOENT ? 127 : 126;
	}

	/* Wait for the program; pass the signals on. */
	for (;;) {
		sig = sigwaitinfo(&mask, NULL);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(pid, sig);
			continue;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	run_cleanup(&r);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);

fail:
	run_cleanup(&r);
	return 1;
}
