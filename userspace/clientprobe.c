// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix clientprobe: characterise an unmodified client by experiment. The
 * namespaces are the scenario library's topology (netns-tests/scenario/
 * topology.sh: client - router - server, the server's name in the client's
 * hosts file), built by a bash that sources the library and then waits on
 * a pipe from us: when v6fix ends, however it ends, the pipe closes and the
 * library's own deferred teardown removes everything. Reusing the library,
 * rather than redoing it in C, keeps one definition of the topology that
 * the tests, the matrix and this command share.
 *
 * The Connection Attempt Delay is found by bisection over a delay added to
 * IPv6 only (the server's IPv6 answers wait in a v6fix delayline at the
 * router): with IPv6 answering after X ms, a Happy Eyeballs client starts
 * IPv4 exactly when X exceeds its delay. Whether it did is read from SYN
 * counters in the server namespace (iptables rules without a target), so
 * nothing about the client's own output is assumed. The bracket is halved
 * until it is at most 2 ms wide: about 10 trials from 0-2000 ms, where a
 * 5 ms sweep of 0-400 ms takes 81.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attempt.h"
#include "print.h"
#include "util.h"
#include "v6fix.h"

#define PROBE_QUEUE 9
#define PROBE_MAX_MS 2000.0	/* RFC 8305's largest Connection Attempt Delay */
#define PROBE_PRECISION_MS 2.0

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-j] clientprobe [ --runs N ] [ --timeout S ] -- COMMAND [ ARGS... ]\n"
		"Run COMMAND (an unmodified client) in namespaces built here (the scenario\n"
		"library's client - router - server topology) against a dual-stack server,\n"
		"and find by experiment:\n"
		"  family_order    the family it tries first with both working\n"
		"  happy_eyeballs  whether it starts IPv4 while IPv6 is still pending\n"
		"  cad_ms          its Connection Attempt Delay, by bisection over a delay\n"
		"                  added to IPv6 only (to 2 ms; null without Happy Eyeballs)\n"
		"In ARGS, {host} is replaced by the server's name (its addresses are in the\n"
		"client's hosts file) and {port} by its port, e.g.\n"
		"  v6fix clientprobe -- curl -s -o /dev/null http://{host}:{port}/\n"
		"  --runs N     trials per delay, majority decides (1-15, default 1)\n"
		"  --timeout S  kill a trial's COMMAND after S seconds (default 5)\n"
		"Not measured yet (null in -j): resolution_delay_ms, interleaves, reactions.\n"
		"Needs the source tree's netns-tests/scenario (found next to the binary, or\n"
		"V6FIX_SCENARIO=DIR). Exit status 0 when the card is complete, 1 otherwise.\n");
}

struct probe {
	char client[64], router[64], server[64];
	const char *self;		/* this binary, for the delay line */
	pid_t env_pid;			/* the bash that holds the topology */
	int env_fd;			/* its stdin: closing it tears down */
	char *const *cmd;
	int ncmd;
	uint32_t runs;
	double timeout_ms;
	unsigned int trials;
};

/* Run argv to completion, output to /dev/null (or into @out). Exit status or -1. */
static int run(char *const *argv, char *out, size_t outlen, double timeout_ms)
{
	int pfd[2] = { -1, -1 }, st = 0;
	double t0 = v6fix_now_ms();
	size_t got = 0;
	pid_t pid;

	if (out && pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(out ? pfd[1] : null, 1);
			dup2(null, 2);
		}
		setpgid(0, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (out) {
			ssize_t r;

			while (got + 1 < outlen && (r = read(pfd[0], out + got, outlen - 1 - got)) > 0)
				got += (size_t)r;
		}
		if (w == pid)
			break;
		if (v6fix_now_ms() - t0 > timeout_ms) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		usleep(2000);
	}
	if (out) {
		out[got] = '\0';
		close(pfd[0]);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int ns_run(const char *ns, const char *a0, const char *a1, const char *a2, const char *a3,
		  const char *a4, char *out, size_t outlen)
{
	char *argv[] = { "ip", "netns", "exec", (char *)ns, (char *)a0, (char *)a1, (char *)a2,
			 (char *)a3, (char *)a4, NULL };

	return run(argv, out, outlen, 10000);
}

/* The topology: a bash holding it, its namespace names on its stdout. */
static int env_start(struct probe *p)
{
	static const char script[] =
		"source \"$1/lib.sh\" && source \"$1/topology.sh\" || exit 1\n"
		"topo_setup 0 >/dev/null 2>&1 3>&- || exit 1\n"
		"for t in iptables ip6tables; do\n"
		"  ip netns exec \"$SERVER\" $t -w -A INPUT -p tcp --dport \"$TOPO_PORT\" --syn || exit 1\n"
		"done\n"
		"ip netns exec \"$ROUTER\" ip6tables -w -t raw -A PREROUTING -i eth-s -p tcp "
		"-j NFQUEUE --queue-num " "9" " || exit 1\n"
		"echo \"$CLIENT $ROUTER $SERVER\" >&3\n"
		"exec 3>&-\n"
		"read -r _ || true\n";
	char dir[PATH_MAX], buf[256];
	const char *scn = getenv("V6FIX_SCENARIO");
	int in[2], out[2];
	ssize_t n, got = 0;

	if (!scn) {
		ssize_t l = readlink("/proc/self/exe", dir, sizeof(dir) - 40);

		if (l < 0)
			return -1;
		dir[l] = '\0';
		/* build/bin/v6fix, build/asan/bin/v6fix: the tree above it */
		for (int k = 0; k < 5; k++) {
			char *s = strrchr(dir, '/');
			size_t len;

			if (!s)
				break;
			*s = '\0';
			len = strlen(dir);
			strcat(dir, "/netns-tests/scenario/topology.sh");
			if (!access(dir, R_OK)) {
				dir[len + strlen("/netns-tests/scenario")] = '\0';
				break;
			}
			dir[len] = '\0';
		}
		if (!strstr(dir, "/netns-tests/scenario"))
			strcat(dir, "/netns-tests/scenario");
		scn = dir;
	}
	snprintf(buf, sizeof(buf), "%s/topology.sh", scn);
	if (access(buf, R_OK)) {
		v6fix_err("clientprobe: no scenario library at %s (set V6FIX_SCENARIO)", scn);
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return -1;
	p->env_pid = fork();
	if (p->env_pid < 0)
		return -1;
	if (p->env_pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(in[0], 0);
		dup2(out[1], 3);
		if (null >= 0)
			dup2(null, 1), dup2(null, 2);
		setenv("V6FIX", p->self, 1);
		execlp("bash", "bash", "-c", script, "clientprobe", scn, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->env_fd = in[1];
	/* One line; its helpers (server, delay line) may hold the pipe open. */
	while (got < (ssize_t)sizeof(buf) - 1 && !memchr(buf, '\n', (size_t)got) &&
	       (n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(out[0]);
	buf[got] = '\0';
	if (sscanf(buf, "%63s %63s %63s", p->client, p->router, p->server) != 3) {
		v6fix_err("clientprobe: could not build the namespaces (root? iproute2, iptables)");
		return -1;
	}
	return 0;
}

static void env_stop(struct probe *p)
{
	if (p->env_fd >= 0)
		close(p->env_fd);
	if (p->env_pid > 0)
		waitpid(p->env_pid, NULL, 0);
}

/* SYNs the server saw for @tool since the last zeroing. */
static long syn_count(struct probe *p, const char *tool)
{
	char out[2048], *line;
	long pkts = -1;

	/* -L -Z: read and zero in one run, ready for the next trial. */
	if (ns_run(p->server, tool, "-w", "-nvxL", "INPUT", "-Z", out, sizeof(out)))
		return -1;
	/* The rule's line: "PKTS BYTES tcp ..." (the only rule of INPUT). */
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, "tcp") && sscanf(line, " %ld", &pkts) == 1)
			break;
	return pkts;
}

struct trial {
	long syn6, syn4;
};

/* One run of the client with IPv6 answers delayed @x_ms (0: not at all). */
static int trial_cmd(struct probe *p, double x_ms, struct trial *t, char *out, size_t outlen)
{
	char xs[32], me[32], pidbuf[32];
	char *argv[8 + 64];
	char *dl[] = { (char *)p->self, "-n", p->router, "delayline", "--daemon", "--exit-with",
		       me, "--queue", "9", xs, NULL };
	char *subst[64];
	pid_t dpid = 0;
	int k = 0;

	snprintf(xs, sizeof(xs), "%.1f", x_ms > 0.1 ? x_ms : 0.1);
	snprintf(me, sizeof(me), "%d", (int)getpid());
	if (run(dl, pidbuf, sizeof(pidbuf), 5000))
		return -1;
	dpid = (pid_t)atoi(pidbuf);

	argv[k++] = "ip";
	argv[k++] = "netns";
	argv[k++] = "exec";
	argv[k++] = p->client;
	for (int i = 0; i < p->ncmd && i < 63; i++) {
		const char *a = p->cmd[i];
		char buf[512];
		size_t o = 0;

		while (*a && o + 32 < sizeof(buf)) {
			if (!strncmp(a, "{host}", 6)) {
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "server.v6fix.test");
				a += 6;
			} else if (!strncmp(a, "{port}", 6)) {
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "80");
				a += 6;
			} else {
				buf[o++] = *a++;
			}
		}
		buf[o] = '\0';
		subst[i] = strdup(buf);
		argv[k++] = subst[i];
	}
	argv[k] = NULL;
	run(argv, out, outlen, p->timeout_ms);
	for (int i = 0; i < p->ncmd && i < 63; i++)
		free(subst[i]);
	t->syn6 = syn_count(p, "ip6tables");
	t->syn4 = syn_count(p, "iptables");
	if (dpid > 0)
		kill(dpid, SIGTERM);
	/* The next delay line binds the same queue: let this one go first. */
	for (int i = 0; i < 100 && dpid > 0 && kill(dpid, 0) == 0; i++)
		usleep(5000);
	p->trials++;
	return t->syn6 < 0 || t->syn4 < 0 ? -1 : 0;
}

static int trial(struct probe *p, double x_ms, struct trial *t)
{
	return trial_cmd(p, x_ms, t, NULL, 0);
}

/*
 * What the delay line adds to X on this machine now: v6fix connect -6
 * against a 100 ms delay, minus 100 (and the undelayed round trip).
 * Threshold X + this = the client's delay.
 */
static double overhead(struct probe *p)
{
	char *cmd[] = { (char *)p->self, "-j", "connect", "-6", "--timeout", "5", "{host}",
			"{port}", NULL };
	char *const *saved = p->cmd;
	int saved_n = p->ncmd;
	char out[1024];
	struct trial t;
	double ms = NAN;
	char *s;

	p->cmd = cmd;
	p->ncmd = 8;
	/* The least of three: what load adds on top is not the delay line's. */
	for (int i = 0; i < 3; i++) {
		if (!trial_cmd(p, 100, &t, out, sizeof(out)) && (s = strstr(out, "\"total_ms\":"))) {
			double v = strtod(s + 11, NULL) - 100;

			if (isnan(ms) || v < ms)
				ms = v;
		}
		p->trials--;	/* not a trial of the client */
	}
	p->cmd = saved;
	p->ncmd = saved_n;
	return isfinite(ms) && ms >= 0 && ms < 100 ? ms : 0;
}

/*
 * With IPv6 answering after @x_ms, did the client start IPv4 (majority of
 * runs)? With one run a "yes" is confirmed (best of three): on a loaded
 * machine the delay line can hand an answer over late, which makes a false
 * yes and would pull the bisection down; a false no needs the client's own
 * timer to fire late, which is its real behaviour there.
 */
static int starts_v4(struct probe *p, double x_ms, bool confirm)
{
	unsigned int yes = 0, n = p->runs;

	for (uint32_t r = 0; r < n; r++) {
		struct trial t;

		if (trial(p, x_ms, &t))
			return -1;
		yes += t.syn4 > 0;
		if (confirm && p->runs == 1 && yes == 1 && n == 1)
			n = 3;	/* confirm */
		if (p->runs == 1 && n == 3 && (yes == 2 || r + 1 - yes == 2))
			break;
	}
	return 2 * yes > n;
}

int do_clientprobe(int argc, char **argv)
{
	struct probe p = { .env_fd = -1, .runs = 1, .timeout_ms = 5000 };
	double t0 = v6fix_now_ms(), lo, hi, cad = NAN, oh = NAN;
	const char *order = NULL;
	struct trial t0r;
	int he, ret = 0;
	char self[PATH_MAX];
	ssize_t l;

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "--")) {
			argc--, argv++;
			break;
		} else if (!strcmp(argv[0], "--runs")) {
			if (argc < 2)
				v6fix_usage_error("--runs needs a number of trials per delay");
			argc--, argv++;
			if (v6fix_parse_u32(argv[0], 15, &p.runs) || p.runs == 0)
				v6fix_invarg("--runs (1-15)", argv[0]);
		} else if (!strcmp(argv[0], "--timeout")) {
			if (argc < 2)
				v6fix_usage_error("--timeout needs a duration in seconds");
			argc--, argv++;
			if (v6fix_parse_duration_ms(argv[0], 1000, &p.timeout_ms) ||
			    p.timeout_ms < 100 || p.timeout_ms > 600e3)
				v6fix_invarg("--timeout (0.1-600 s)", argv[0]);
		} else if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json")) {
			v6fix_opts.json = true;
			print_init(true, stdout);
		} else {
			v6fix_usage_error("clientprobe: unknown argument \"%s\" (COMMAND follows --; "
					  "try 'v6fix clientprobe help')", argv[0]);
		}
	}
	if (argc == 0 || !*argv[0])
		v6fix_usage_error("clientprobe needs -- COMMAND [ARGS...] (try 'v6fix clientprobe help')");
	if (argc > 60)
		v6fix_usage_error("clientprobe: COMMAND has too many arguments (60 at most)");
	if (v6fix_opts.netns)
		v6fix_usage_error("clientprobe builds its own namespaces: -n does not apply");
	p.cmd = argv;
	p.ncmd = argc;
	l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l < 0) {
		v6fix_err("clientprobe: cannot find this binary: %s", strerror(errno));
		return 1;
	}
	self[l] = '\0';
	p.self = self;
	signal(SIGPIPE, SIG_IGN);

	if (env_start(&p)) {
		env_stop(&p);
		return 1;
	}
	/* Counters start at zero: each trial reads and zeroes them. */
	syn_count(&p, "iptables");
	syn_count(&p, "ip6tables");
	/* Family order: both families working, IPv6 not delayed. */
	if (trial(&p, 0, &t0r)) {
		v6fix_err("clientprobe: a trial failed (counters, delay line)");
		ret = 1;
		goto out;
	}
	order = t0r.syn6 > 0 && t0r.syn4 == 0 ? "inet6" : t0r.syn4 > 0 && t0r.syn6 == 0 ? "inet" :
		t0r.syn4 > 0 ? "both" : NULL;
	if (!order) {
		v6fix_err("clientprobe: the client sent no SYN at all (does COMMAND use {host} {port}?)");
		ret = 1;
		goto out;
	}
	/* Happy Eyeballs: does IPv4 start while IPv6 is still pending? */
	/* (Not confirmed: no load makes an answer 2 s late.) */
	he = starts_v4(&p, PROBE_MAX_MS, false);
	if (he < 0) {
		ret = 1;
		goto out;
	}
	if (he && strcmp(order, "inet6") == 0) {
		lo = 0;
		hi = PROBE_MAX_MS;
		while (hi - lo > PROBE_PRECISION_MS) {
			double mid = (lo + hi) / 2;
			int r = starts_v4(&p, mid, true);

			if (r < 0) {
				ret = 1;
				goto out;
			}
			if (r)
				hi = mid;
			else
				lo = mid;
		}
		oh = overhead(&p);
		cad = (lo + hi) / 2 + oh;
	}

	print_open_object(NULL);
	print_string(PRINT_ANY, "command", "command %s\n", p.cmd[0]);
	print_string(PRINT_ANY, "family_order", "family order %s\n", order);
	print_bool(PRINT_ANY, "happy_eyeballs", "happy eyeballs %s\n", he);
	if (isnan(cad))
		print_null(PRINT_ANY, "cad_ms", "connection attempt delay -\n");
	else
		print_float(PRINT_ANY, "cad_ms", "connection attempt delay %.1f ms (+-1 ms)\n", 1, cad);
	if (isnan(oh))
		print_null(PRINT_JSON, "path_overhead_ms", NULL);
	else
		print_float(PRINT_ANY, "path_overhead_ms", "  (threshold + delay line's own %.1f ms)\n", 1, oh);
	print_null(PRINT_JSON, "resolution_delay_ms", NULL);
	print_null(PRINT_JSON, "interleaves", NULL);
	print_null(PRINT_JSON, "reactions", NULL);
	print_open_array("netns");	/* removed by now; for tests and logs */
	print_string(PRINT_JSON, NULL, NULL, p.client);
	print_string(PRINT_JSON, NULL, NULL, p.router);
	print_string(PRINT_JSON, NULL, NULL, p.server);
	print_close_array();
	print_uint(PRINT_ANY, "trials", "trials %llu", p.trials);
	print_float(PRINT_ANY, "wall_ms", " wall %.0f ms\n", 0, v6fix_now_ms() - t0);
	print_close_object();
	print_end();
out:
	env_stop(&p);
	return ret;
}
