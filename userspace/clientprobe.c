// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix clientprobe: characterise an unmodified client by experiment. The
 * namespaces are the scenario library's (netns-tests/scenario/
 * clientprobe.sh: topology.sh's client - router - server, its fault
 * catalog, dns.sh's servers), built by a bash that sources the library and
 * then takes commands from us on a pipe: when v6fix ends, however it ends,
 * the pipe closes and the library's own deferred teardown removes
 * everything. One definition of the topology and the faults serves the
 * tests, the matrix and this command.
 *
 * What the client did is read from the network, never from its output:
 * SYN counters in the server namespace (iptables rules without a target)
 * and, where the order matters, a capture at the router (tcpdump).
 *
 * The Connection Attempt Delay is found by bisection over a delay added to
 * IPv6 only (the server's IPv6 answers wait in a v6fix delayline at the
 * router, one for the whole probe, told each trial's delay on a pipe):
 * with IPv6 answering after X ms, a Happy Eyeballs client starts IPv4
 * exactly when X exceeds its delay. The Resolution Delay the same way over
 * a delay added to AAAA answers only (a second delay line). The bracket is
 * halved until it is at most 2 ms wide: 10 steps from 0-2000 ms, where a
 * 5 ms sweep of 0-400 ms takes 81 runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attempt.h"
#include "print.h"
#include "probe.h"
#include "util.h"
#include "v6fix.h"

#define PROBE_MAX_MS 2000.0	/* RFC 8305's largest Connection Attempt Delay */
#define PROBE_RD_MAX_MS 2000.0	/* above kame's 1 s, below glibc's 5 s timeout */
#define PROBE_HOST "server.v6fix.test"
#define PROBE_HOST_MULTI "multi.v6fix.test"
#define PROBE_PATH_MS 10	/* client to router, in the reactions */

enum {
	PART_CAD = 1 << 0,
	PART_ORDER = 1 << 1,	/* interleaving: several addresses of each family */
	PART_REACTIONS = 1 << 2,
	PART_GAI = 1 << 3,
	PART_RD = 1 << 4,
	PART_ALL = (1 << 5) - 1,
};

static const struct {
	const char *name;
	unsigned int bit;
} parts[] = {
	{ "cad", PART_CAD },
	{ "order", PART_ORDER },
	{ "reactions", PART_REACTIONS },
	{ "gai", PART_GAI },
	{ "rd", PART_RD },
};

/* The faults whose reactions are measured: the catalog's (faults-connect.sh). */
static const struct {
	const char *fault, *kind;
} reaction_faults[] = {
	{ "no_v6_listener", "rst" },
	{ "icmp6_unreach 0", "soft" },
	{ "icmp6_unreach 1", "hard" },
	{ "icmp6_unreach 2", "soft" },
	{ "icmp6_unreach 3", "soft" },
	{ "icmp6_unreach 4", "hard" },
	{ "icmp6_unreach 5", "hard" },
	{ "icmp6_unreach 6", "hard" },
	{ "icmp6_time_exceeded", "soft" },
	{ "v6_blackhole", "silent" },
};
#define NREACTIONS (sizeof(reaction_faults) / sizeof(reaction_faults[0]))

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-j] clientprobe [ --runs N ] [ --timeout S ] [ --only PARTS ]\n"
		"                             [ --sweep FROM:TO:STEP ] -- COMMAND [ ARGS... ]\n"
		"Run COMMAND (an unmodified client) in namespaces built here (the scenario\n"
		"library's client - router - server topology, its faults and DNS servers)\n"
		"against a dual-stack server, and find by experiment:\n"
		"  family_order         the family it tries first with both working\n"
		"  happy_eyeballs       whether it starts IPv4 while IPv6 is still pending\n"
		"  cad_ms               its Connection Attempt Delay, by bisection over a\n"
		"                       delay added to IPv6 only (to 2 ms; null without HE)\n"
		"  resolution_delay_ms  how long it waits for a late AAAA after A before\n"
		"                       connecting over IPv4, by bisection over a delay added\n"
		"                       to AAAA answers (null when it waits for both)\n"
		"  interleaves          with two addresses of each family, all refused, the\n"
		"                       order of its attempts (attempts) alternates families\n"
		"  reactions            per fault (RST, each ICMPv6 error, blackhole): gave up,\n"
		"                       retried, fell back to IPv4, and when; under the\n"
		"                       namespace's soft-error policy (stock without v6fix.ko)\n"
		"  gai_conf             whether 'v6fix policy prefer ipv4' (the client's own\n"
		"                       gai.conf) makes it start with IPv4\n"
		"In ARGS, {host} is replaced by the server's name (in the client's hosts file,\n"
		"or in DNS for the Resolution Delay) and {port} by its port: for curl,\n"
		"COMMAND and ARGS are   curl -s -o /dev/null http://{host}:{port}/\n"
		"  --runs N      trials per delay near the boundary, majority decides\n"
		"                (1-15, default 3; farther away one, a \"yes\" confirmed)\n"
		"  --timeout S   kill a trial's COMMAND after S seconds (default 5)\n"
		"  --only PARTS  comma-separated parts (default all)\n"
		"PARTS := { cad | rd | order | reactions | gai }\n"
		"  --sweep FROM:TO:STEP  instead of the card, one run per IPv6 delay (ms)\n"
		"                the way a sweep finds the CAD (0:400:5 is 81 runs), for\n"
		"                comparison with the bisection\n"
		"Progress goes to stderr when it is a terminal. Needs the source tree's\n"
		"netns-tests/scenario (found next to the binary, or V6FIX_SCENARIO=DIR) and\n"
		"tcpdump. Exit status 0 when the card is complete, 1 otherwise.\n");
}

/* A v6fix delayline of ours, told each trial's delay on its stdin. */
struct line {
	pid_t pid;
	int in;
	FILE *out;
	double ms;
	double used_ms;		/* v6fix_now_ms() when its last trial ended */
};

struct trial {
	long syn6, syn4;	/* at the server */
	int status;		/* COMMAND's exit status, -1 signal, -2 timeout */
	double start_ms, end_ms; /* CLOCK_REALTIME, as the capture's */
	struct probe_trace cap;	/* at the router, with a capture */
};

struct probe {
	char client[64], router[64], server[64];
	const char *self;		/* this binary, for the delay lines */
	pid_t env_pid;			/* the bash that holds the topology */
	int env_fd;			/* its stdin: closing it tears down */
	FILE *env_out;			/* its answers */
	struct line dl6, dlaaaa;	/* queues 9 and 8 */
	char *const *cmd;
	int ncmd;
	uint32_t runs;
	double timeout_ms;
	unsigned int trials;
	bool progress;
	bool dns;			/* the name is in DNS now, not in hosts */
	const char *phase;
};

static double real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* On a terminal, one line on stderr that says where the probe is. */
static void progress(struct probe *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(struct probe *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->progress)
		return;
	fprintf(stderr, "\rclientprobe: %s: ", p->phase);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (trial %u)\033[K", p->trials + 1);
	fflush(stderr);
}

/*
 * Run argv to completion, output to /dev/null (or into @out). Exit status,
 * -1 when a signal ended it, -2 when it was killed after @timeout_ms.
 */
static int run(char *const *argv, char *out, size_t outlen, double timeout_ms)
{
	int pfd[2] = { -1, -1 }, st = 0, ret;
	double t0 = v6fix_now_ms();
	bool killed = false;
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
			killed = true;
			break;
		}
		usleep(1000);
	}
	if (out) {
		out[got] = '\0';
		close(pfd[0]);
	}
	ret = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return killed ? -2 : ret;
}

/* The scenario library's directory: V6FIX_SCENARIO, or next to this binary. */
static int scenario_dir(char *dir, size_t len)
{
	const char *scn = getenv("V6FIX_SCENARIO");
	ssize_t l;

	if (scn) {
		snprintf(dir, len, "%s", scn);
		return 0;
	}
	l = readlink("/proc/self/exe", dir, len - 40);
	if (l < 0)
		return -1;
	dir[l] = '\0';
	/* build/bin/v6fix, build/asan/bin/v6fix: the tree above it */
	for (int k = 0; k < 5; k++) {
		char *s = strrchr(dir, '/');
		size_t n;

		if (!s)
			break;
		*s = '\0';
		n = strlen(dir);
		strcat(dir, "/netns-tests/scenario/clientprobe.sh");
		if (!access(dir, R_OK)) {
			dir[n + strlen("/netns-tests/scenario")] = '\0';
			return 0;
		}
		dir[n] = '\0';
	}
	snprintf(dir, len, "(not found next to the binary)");
	return 0;
}

/*
 * One command to the environment; its answer's last line ("ok ..." or
 * "err ...") in @ans, the lines before it (a capture's SYNs) in @more.
 * 0 on "ok", -1 otherwise.
 */
static int env_cmd(struct probe *p, char *ans, size_t anslen, char *more, size_t morelen,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int env_cmd(struct probe *p, char *ans, size_t anslen, char *more, size_t morelen,
		   const char *fmt, ...)
{
	char line[512];
	size_t used = 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return -1;
	strcat(line, "\n");
	if (write(p->env_fd, line, strlen(line)) != (ssize_t)strlen(line))
		return -1;
	if (more && morelen)
		more[0] = '\0';
	while (fgets(line, sizeof(line), p->env_out)) {
		if (!strncmp(line, "ok", 2) || !strncmp(line, "err", 3)) {
			line[strcspn(line, "\n")] = '\0';
			if (ans)
				snprintf(ans, anslen, "%s", line);
			return strncmp(line, "ok", 2) ? -1 : 0;
		}
		if (more && used + strlen(line) + 1 < morelen) {
			strcpy(more + used, line);
			used += strlen(line);
		}
	}
	if (ans)
		snprintf(ans, anslen, "err the environment ended");
	return -1;
}

/* The topology: a bash holding it, its namespace names in its first answer. */
static int env_start(struct probe *p)
{
	static const char script[] = "source \"$1/clientprobe.sh\" || exit 1\nprobe_main\n";
	char dir[PATH_MAX], buf[320];
	int in[2], out[2];

	if (scenario_dir(dir, sizeof(dir) - 40))
		return -1;
	snprintf(buf, sizeof(buf), "%s/clientprobe.sh", dir);
	if (access(buf, R_OK)) {
		v6fix_err("clientprobe: no scenario library at %s (set V6FIX_SCENARIO)", dir);
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
		execlp("bash", "bash", "-c", script, "clientprobe", dir, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->env_fd = in[1];
	p->env_out = fdopen(out[0], "r");
	if (!p->env_out)
		return -1;
	if (!fgets(buf, sizeof(buf), p->env_out) ||
	    sscanf(buf, "ok %63s %63s %63s", p->client, p->router, p->server) != 3) {
		v6fix_err("clientprobe: could not build the namespaces (root? iproute2, iptables, nft, tcpdump)");
		return -1;
	}
	return 0;
}

static void line_stop(struct line *l)
{
	if (l->in >= 0)
		close(l->in);
	if (l->out)
		fclose(l->out);
	if (l->pid > 0)
		waitpid(l->pid, NULL, 0);
	l->in = -1;
	l->out = NULL;
	l->pid = 0;
}

static void env_stop(struct probe *p)
{
	line_stop(&p->dl6);
	line_stop(&p->dlaaaa);
	if (p->env_fd >= 0)
		close(p->env_fd);
	p->env_fd = -1;
	if (p->env_pid > 0)
		waitpid(p->env_pid, NULL, 0);
	p->env_pid = 0;
	if (p->env_out)
		fclose(p->env_out);
	p->env_out = NULL;
}

static int line_set(struct line *l, double ms);

/* v6fix -n ROUTER delayline --control --queue @queue: ours until we close it. */
static int line_start(struct probe *p, struct line *l, const char *queue)
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return -1;
	l->pid = fork();
	if (l->pid < 0)
		return -1;
	if (l->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(in[0], 0);
		dup2(out[1], 1);
		if (null >= 0)
			dup2(null, 2);
		execl(p->self, p->self, "-n", p->router, "delayline", "--control", "--queue", queue,
		      "0.1", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	l->in = in[1];
	l->out = fdopen(out[0], "r");
	l->ms = -1;
	l->used_ms = 0;
	/* Its first answer comes once the queue is bound: no trial before. */
	return l->out ? line_set(l, 0.1) : -1;
}

/*
 * The delay of the packets that come next; returns once it applies. The
 * line keeps its order, as a link does: a packet does not overtake one
 * queued before it under a longer delay. So a shorter delay waits until
 * what the last trial left in the line is out (a seq client's RST held
 * behind the previous trial's 2 s late answers cost it a SYN timeout).
 */
static int line_set(struct line *l, double ms)
{
	char buf[64];
	double wait;
	int n;

	if (ms < 0.1)
		ms = 0.1;
	if (fabs(ms - l->ms) < 0.05)
		return 0;
	wait = l->used_ms + l->ms - (v6fix_now_ms() + ms);
	if (l->ms > ms && l->used_ms > 0 && wait > 0)
		usleep((useconds_t)(wait * 1000));
	n = snprintf(buf, sizeof(buf), "%.1f\n", ms);
	if (write(l->in, buf, (size_t)n) != n || !fgets(buf, sizeof(buf), l->out) ||
	    strncmp(buf, "ok", 2))
		return -1;
	l->ms = ms;
	return 0;
}

/*
 * One run of the client against @host with IPv6 answers delayed @x6_ms and
 * AAAA answers @aaaa_ms (0: not at all), with a capture of its SYNs if
 * @cap. Counters are read (and zeroed) after it.
 */
static int trial_run(struct probe *p, const char *host, double x6_ms, double aaaa_ms, bool cap,
		     struct trial *t, char *out, size_t outlen)
{
	char *argv[8 + 64], *subst[64], ans[128];
	static char capture[8192];
	int k = 0, ret = 0;

	memset(t, 0, sizeof(*t));
	if (line_set(&p->dl6, x6_ms))
		return -1;
	if (p->dlaaaa.pid > 0 && line_set(&p->dlaaaa, aaaa_ms))
		return -1;
	if (cap && env_cmd(p, ans, sizeof(ans), NULL, 0, "capture start")) {
		v6fix_err("clientprobe: %s (tcpdump installed?)", ans);
		return -1;
	}
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
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", host);
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
	t->start_ms = real_ms();
	t->status = run(argv, out, outlen, p->timeout_ms);
	t->end_ms = real_ms();
	p->dl6.used_ms = v6fix_now_ms();
	if (p->dlaaaa.pid > 0)
		p->dlaaaa.used_ms = p->dl6.used_ms;
	for (int i = 0; i < p->ncmd && i < 63; i++)
		free(subst[i]);
	if (cap) {
		if (env_cmd(p, ans, sizeof(ans), capture, sizeof(capture), "capture stop"))
			ret = -1;
		probe_parse(capture, &t->cap);
	}
	if (env_cmd(p, ans, sizeof(ans), NULL, 0, "counts") ||
	    sscanf(ans, "ok %ld %ld", &t->syn6, &t->syn4) != 2)
		ret = -1;
	p->trials++;
	if (ret)
		v6fix_err("clientprobe: a trial failed (%s)", ans);
	return ret;
}

static int trial(struct probe *p, double x6_ms, double aaaa_ms, struct trial *t)
{
	return trial_run(p, PROBE_HOST, x6_ms, aaaa_ms, false, t, NULL, 0);
}

/*
 * What the path adds to X on this machine now, seen at the router: the
 * IPv6 SYN-ACK leaves it X + this after the SYN came in (the server, the
 * delay line's own latency). Threshold X + this = the client's delay. From
 * the capture, not from a client's clock: a process that wakes late under
 * load is no part of the path. The least of three.
 */
static double overhead(struct probe *p)
{
	char *cmd[] = { (char *)p->self, "connect", "-6", "--timeout", "5", "{host}", "{port}", NULL };
	char *const *saved = p->cmd;
	int saved_n = p->ncmd;
	static struct trial t;
	double ms = NAN;

	p->cmd = cmd;
	p->ncmd = 7;
	for (int i = 0; i < 3; i++) {
		if (!trial_run(p, PROBE_HOST, 100, 0, true, &t, NULL, 0) &&
		    !isnan(t.cap.synack6_ms) && !isnan(probe_first_syn(&t.cap, 6))) {
			double v = t.cap.synack6_ms - probe_first_syn(&t.cap, 6) - 100;

			if (isnan(ms) || v < ms)
				ms = v;
		}
		p->trials--;	/* not a trial of the client */
	}
	p->cmd = saved;
	p->ncmd = saved_n;
	return isfinite(ms) && ms >= 0 && ms < 100 ? ms : 0;
}

/* One trial for the bisection: IPv6 (or, with rd, AAAA) answers @x ms late. */
struct oracle {
	struct probe *p;
	bool rd;
};

static int oracle_trial(void *ctx, double x)
{
	struct oracle *o = ctx;
	struct trial t;

	if (trial(o->p, o->rd ? 0 : x, o->rd ? x : 0, &t))
		return -1;
	return t.syn4 > 0;
}

static void oracle_progress(void *ctx, double lo, double hi)
{
	progress(((struct oracle *)ctx)->p, "bracket %.1f-%.1f ms", lo, hi);
}

static int bisect(struct probe *p, double max_ms, bool rd, double *lo, double *hi)
{
	struct oracle o = { p, rd };

	return probe_bisect(oracle_trial, &o, max_ms, p->runs, lo, hi, oracle_progress);
}

static const char *family_name(int f)
{
	return f == 6 ? "inet6" : "inet";
}

static const char *order_of(const struct trial *t)
{
	return t->syn6 > 0 && t->syn4 == 0 ? "inet6" : t->syn4 > 0 && t->syn6 == 0 ? "inet" :
	       t->syn4 > 0 ? "both" : NULL;
}

struct reaction {
	struct probe_reaction r;
	int status;		/* the client's exit status, -2 timed out */
	bool connected;		/* the server saw the client's IPv4 SYN */
};

static void print_reaction(const char *fault, const char *kind, const struct reaction *rc)
{
	const struct probe_reaction *r = &rc->r;

	print_open_object(NULL);
	print_string(PRINT_ANY, "fault", "  %-20s", fault);
	print_string(PRINT_ANY, "kind", " %-6s", kind);
	print_string(PRINT_ANY, "outcome", " %s", r->outcome);
	if (isnan(r->after_ms))
		print_null(PRINT_ANY, "after_ms", "");
	else
		print_float(PRINT_ANY, "after_ms", " after %.0f ms", 0, r->after_ms);
	print_uint(PRINT_ANY, "ipv6_connects", " (IPv6: %llu connect", r->v6_connects);
	print_uint(PRINT_ANY, "ipv6_syns", ", %llu SYN)", r->v6_syns);
	print_bool(PRINT_ANY, "connected_ipv4", rc->connected ? " connected over IPv4" : "",
		   rc->connected);
	if (rc->status == -2)
		print_null(PRINT_ANY, "exit_status", " timed out\n");
	else
		print_int(PRINT_ANY, "exit_status", " exit %lld\n", rc->status);
	print_close_object();
}

static unsigned int parse_parts(const char *arg)
{
	unsigned int m = 0;
	char buf[128], *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		v6fix_invarg("--only", arg);
	strcpy(buf, arg);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
			if (!strcmp(w, parts[i].name))
				break;
		if (i == sizeof(parts) / sizeof(parts[0]))
			v6fix_usage_error("clientprobe: --only: unknown part \"%s\" (cad, rd, order, reactions, gai)",
					  w);
		m |= parts[i].bit;
	}
	if (!m)
		v6fix_usage_error("clientprobe: --only needs cad, rd, order, reactions or gai");
	return m;
}

struct card {
	const char *order, *order_gai, *softerr;
	bool names_dns;		/* the family order was seen with the name in DNS */
	int he;
	double cad, cad_lo, cad_hi, cad_obs, oh, rd, rd_obs;
	int async;		/* resolves asynchronously: 1, 0, -1 not measured */
	int inter;		/* -1: not measured or not enough attempts */
	struct trial multi;
	bool multi_done;
	struct reaction react[NREACTIONS];
	bool react_done;
	double ms_cad, ms_rd, ms_order, ms_react, ms_gai;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int probe_cad(struct probe *p, struct card *c)
{
	double lo, hi, obs[3];
	size_t n = 0;

	p->phase = "happy eyeballs";
	/*
	 * IPv6 answers 2 s late (no load makes them that late: one trial
	 * decides). With Happy Eyeballs, two more: the capture's time from
	 * the IPv6 SYN to the IPv4 SYN is the delay the client shows now,
	 * its timer's lateness included, which the bisection must agree with.
	 */
	for (int i = 0; i < 3; i++) {
		struct trial t;

		progress(p, "IPv6 answers %.0f ms late", PROBE_MAX_MS);
		if (trial_run(p, PROBE_HOST, PROBE_MAX_MS, 0, true, &t, NULL, 0))
			return -1;
		if (i == 0)
			c->he = t.syn4 > 0;
		if (!c->he)
			return 0;
		if (!isnan(probe_first_syn(&t.cap, 6)) && !isnan(probe_first_syn(&t.cap, 4)))
			obs[n++] = probe_first_syn(&t.cap, 4) - probe_first_syn(&t.cap, 6);
	}
	if (n) {
		qsort(obs, n, sizeof(obs[0]), cmp_double);
		c->cad_obs = obs[n / 2];
	}
	if (strcmp(c->order, "inet6"))
		return 0;
	p->phase = "connection attempt delay";
	if (bisect(p, PROBE_MAX_MS, false, &lo, &hi))
		return -1;
	c->oh = overhead(p);
	c->cad_lo = lo + c->oh;
	c->cad_hi = hi + c->oh;
	c->cad = (lo + hi) / 2 + c->oh;
	return 0;
}

/* The DNS issue's servers; the name leaves the hosts file for DNS. */
static int enter_dns(struct probe *p)
{
	char ans[128];

	if (p->dns)
		return 0;
	progress(p, "the DNS servers");
	if (env_cmd(p, ans, sizeof(ans), NULL, 0, "dns")) {
		v6fix_err("clientprobe: DNS: %s (nsd, ldnsutils installed?)", ans);
		return -1;
	}
	if (line_start(p, &p->dlaaaa, "8"))
		return -1;
	p->dns = true;
	return 0;
}

static int probe_rd(struct probe *p, struct card *c)
{
	double lo, hi, obs[3];
	struct trial t;
	size_t n = 0;

	p->phase = "resolution delay";
	if (enter_dns(p))
		return -1;
	/* Resolved in DNS now: does it still connect, over IPv6 first? */
	if (trial(p, 0, 0, &t))
		return -1;
	if (!order_of(&t)) {
		v6fix_err("clientprobe: the client sent no SYN with its name in DNS (does it resolve with DNS?)");
		return -1;
	}
	if (strcmp(order_of(&t), "inet6"))
		return 0;	/* IPv4 first anyway: nothing to see */
	/* As for the CAD: the A answer to the IPv4 SYN, as the capture saw it. */
	for (int i = 0; i < 3; i++) {
		progress(p, "AAAA answers %.0f ms late", PROBE_RD_MAX_MS);
		if (trial_run(p, PROBE_HOST, 0, PROBE_RD_MAX_MS, true, &t, NULL, 0))
			return -1;
		if (i == 0)
			c->async = t.syn4 > 0;
		if (!c->async)
			return 0;
		if (!isnan(t.cap.dnsa_ms) && !isnan(probe_first_syn(&t.cap, 4)))
			obs[n++] = probe_first_syn(&t.cap, 4) - t.cap.dnsa_ms;
	}
	if (n) {
		qsort(obs, n, sizeof(obs[0]), cmp_double);
		c->rd_obs = obs[n / 2];
	}
	if (bisect(p, PROBE_RD_MAX_MS, true, &lo, &hi))
		return -1;
	if (isnan(c->oh))
		c->oh = overhead(p);
	c->rd = (lo + hi) / 2 + c->oh;
	return 0;
}

static int probe_reactions(struct probe *p, struct card *c)
{
	char ans[128];

	p->phase = "reactions";
	if (env_cmd(p, ans, sizeof(ans), NULL, 0, "softerr") == 0 && strlen(ans) > 3)
		c->softerr = strdup(ans + 3);
	/* An error that comes back at once finds connect() holding the socket. */
	if (env_cmd(p, ans, sizeof(ans), NULL, 0, "pathdelay %d", PROBE_PATH_MS)) {
		v6fix_err("clientprobe: %s", ans);
		return -1;
	}
	for (size_t i = 0; i < NREACTIONS; i++) {
		struct trial t;

		progress(p, "%s", reaction_faults[i].fault);
		if (env_cmd(p, ans, sizeof(ans), NULL, 0, "fault %s", reaction_faults[i].fault)) {
			v6fix_err("clientprobe: %s", ans);
			return -1;
		}
		if (trial_run(p, PROBE_HOST, 0, 0, true, &t, NULL, 0))
			return -1;
		probe_react(&t.cap, t.status == -2, t.end_ms, &c->react[i].r);
		c->react[i].status = t.status;
		c->react[i].connected = t.syn4 > 0;
		if (env_cmd(p, ans, sizeof(ans), NULL, 0, "clear")) {
			v6fix_err("clientprobe: undoing %s: %s", reaction_faults[i].fault, ans);
			return -1;
		}
	}
	c->react_done = true;
	return env_cmd(p, ans, sizeof(ans), NULL, 0, "pathdelay off");
}

static int probe_order(struct probe *p, struct card *c)
{
	const struct probe_syn *a[PROBE_MAX_SYN];
	char ans[128];

	p->phase = "interleaving";
	if (p->dns)
		return 0;	/* multi.v6fix.test is a hosts file name */
	progress(p, "%s, every address refused", PROBE_HOST_MULTI);
	if (env_cmd(p, ans, sizeof(ans), NULL, 0, "resetall") ||
	    trial_run(p, PROBE_HOST_MULTI, 0, 0, true, &c->multi, NULL, 0) ||
	    env_cmd(p, ans, sizeof(ans), NULL, 0, "clear"))
		return -1;
	c->multi_done = true;
	c->inter = probe_interleaves(a, probe_attempts(&c->multi.cap, a, PROBE_MAX_SYN));
	return 0;
}

static int probe_gai(struct probe *p, struct card *c)
{
	char ans[128];
	struct trial t;

	p->phase = "gai.conf";
	progress(p, "policy prefer ipv4");
	if (env_cmd(p, ans, sizeof(ans), NULL, 0, "policy prefer ipv4") || trial(p, 0, 0, &t) ||
	    env_cmd(p, ans, sizeof(ans), NULL, 0, "policy reset"))
		return -1;
	c->order_gai = order_of(&t);
	return 0;
}

/*
 * The Lazy Eye Inspection testbed's way, for comparison (scripts/
 * bench-clientprobe): one run of the client per IPv6 delay from @from to
 * @to in steps of @step; the CAD is the first delay at which it started
 * IPv4. The same trials as the bisection's, so the costs compare.
 */
static int probe_sweep(struct probe *p, double from, double to, double step, double t0)
{
	double first = NAN;
	unsigned int n = 0;

	p->phase = "sweep";
	print_open_object(NULL);
	print_string(PRINT_ANY, "command", "command %s\n", p->cmd[0]);
	print_open_array("sweep");
	for (double x = from; x <= to + 1e-9; x += step) {
		struct trial t;

		progress(p, "IPv6 answers %.0f ms late", x);
		if (trial(p, x, 0, &t))
			return 1;
		if (t.syn4 > 0 && isnan(first))
			first = x;
		print_open_object(NULL);
		print_float(PRINT_ANY, "x_ms", "  %6.1f ms", 1, x);
		print_bool(PRINT_ANY, "ipv4", " IPv4 started: %s\n", t.syn4 > 0);
		print_close_object();
		n++;
	}
	print_close_array();
	if (p->progress)
		fprintf(stderr, "\r\033[K");
	if (isnan(first))
		print_null(PRINT_ANY, "cad_ms", "connection attempt delay - (not within the sweep)\n");
	else
		print_float(PRINT_ANY, "cad_ms", "connection attempt delay between %.1f ms", 1,
			    first - step);
	if (!isnan(first))
		print_float(PRINT_ANY, "cad_upper_ms", " and %.1f ms\n", 1, first);
	print_uint(PRINT_ANY, "trials", "trials %llu", n);
	print_float(PRINT_ANY, "wall_ms", " wall %.0f ms\n", 0, v6fix_now_ms() - t0);
	print_close_object();
	print_end();
	return 0;
}

static void print_card(struct probe *p, struct card *c, double wall)
{
	print_open_object(NULL);
	print_string(PRINT_ANY, "command", "command %s\n", p->cmd[0]);
	print_string(PRINT_ANY, "family_order", "family order %s", c->order);
	print_string(PRINT_ANY, "names", " (names from %s)\n", c->names_dns ? "dns" : "hosts");
	if (c->he < 0)
		print_null(PRINT_ANY, "happy_eyeballs", "happy eyeballs (not measured)\n");
	else
		print_bool(PRINT_ANY, "happy_eyeballs", "happy eyeballs %s\n", c->he);
	if (isnan(c->cad)) {
		print_null(PRINT_ANY, "cad_ms", "connection attempt delay -\n");
	} else {
		print_float(PRINT_ANY, "cad_ms", "connection attempt delay %.1f ms", 1, c->cad);
		print_open_array("cad_bracket_ms");
		print_float(PRINT_ANY, NULL, " (bracket %.1f", 1, c->cad_lo);
		print_float(PRINT_ANY, NULL, "-%.1f ms)\n", 1, c->cad_hi);
		print_close_array();
	}
	if (isnan(c->cad_obs))
		print_null(PRINT_JSON, "cad_observed_ms", NULL);
	else
		print_float(PRINT_ANY, "cad_observed_ms",
			    "  (IPv6 SYN to IPv4 SYN with IPv6 answers 2 s late: %.1f ms, median of 3)\n", 1,
			    c->cad_obs);
	if (isnan(c->oh))
		print_null(PRINT_JSON, "path_overhead_ms", NULL);
	else
		print_float(PRINT_ANY, "path_overhead_ms", "  (threshold + the path's own %.1f ms)\n", 1,
			    c->oh);
	if (isnan(c->rd))
		print_null(PRINT_ANY, "resolution_delay_ms",
			   c->async == 0 ? "resolution delay - (waits for AAAA: no asynchronous resolution)\n" :
			   "resolution delay - (not measured)\n");
	else
		print_float(PRINT_ANY, "resolution_delay_ms", "resolution delay %.1f ms\n", 1, c->rd);
	if (isnan(c->rd_obs))
		print_null(PRINT_JSON, "resolution_delay_observed_ms", NULL);
	else
		print_float(PRINT_ANY, "resolution_delay_observed_ms",
			    "  (A answer to IPv4 SYN with AAAA answers 2 s late: %.1f ms, median of 3)\n", 1,
			    c->rd_obs);
	if (c->async < 0)
		print_null(PRINT_JSON, "resolves_async", NULL);
	else
		print_bool(PRINT_JSON, "resolves_async", NULL, c->async);
	if (c->inter < 0)
		print_null(PRINT_ANY, "interleaves", p->dns ? "interleaves - (needs the hosts file)" :
			   "interleaves -");
	else
		print_bool(PRINT_ANY, "interleaves", "interleaves %s", c->inter);
	print_open_array("attempts");
	if (c->multi_done) {
		const struct probe_syn *a[PROBE_MAX_SYN];
		size_t n = probe_attempts(&c->multi.cap, a, PROBE_MAX_SYN);

		print_text(" (%s, all refused:", PROBE_HOST_MULTI);
		for (size_t i = 0; i < n; i++) {
			print_open_object(NULL);
			print_string(PRINT_ANY, "family", " %s", family_name(a[i]->family));
			print_string(PRINT_ANY, "address", " %s", a[i]->dst);
			print_float(PRINT_ANY, "t_ms", " at %.0f ms", 0, a[i]->t_ms - a[0]->t_ms);
			print_close_object();
			if (i + 1 < n)
				print_text(",");
		}
		print_text(")");
	}
	print_close_array();
	print_text("\n");
	if (!c->order_gai)
		print_null(PRINT_ANY, "gai_conf_order", "gai.conf prefer ipv4: (not measured)\n");
	else
		print_string(PRINT_ANY, "gai_conf_order", "gai.conf prefer ipv4: family order %s", c->order_gai);
	if (c->order_gai)
		print_bool(PRINT_ANY, "honours_gai_conf", " (honoured: %s)\n",
			   strcmp(c->order_gai, c->order) != 0 && !strcmp(c->order_gai, "inet"));
	else
		print_null(PRINT_JSON, "honours_gai_conf", NULL);
	if (c->softerr)
		print_string(PRINT_ANY, "softerr_policy", "reactions (soft-error policy %s,", c->softerr);
	if (c->react_done)
		print_uint(PRINT_ANY, "reactions_path_delay_ms", " client to router %llu ms):\n",
			   PROBE_PATH_MS);
	else
		print_null(PRINT_JSON, "softerr_policy", NULL);
	if (c->react_done) {
		print_open_array("reactions");
		for (size_t i = 0; i < NREACTIONS; i++)
			print_reaction(reaction_faults[i].fault, reaction_faults[i].kind, &c->react[i]);
		print_close_array();
	} else {
		print_null(PRINT_JSON, "reactions", NULL);
	}
	print_open_array("netns");	/* removed by now; for tests and logs */
	print_string(PRINT_JSON, NULL, NULL, p->client);
	print_string(PRINT_JSON, NULL, NULL, p->router);
	print_string(PRINT_JSON, NULL, NULL, p->server);
	print_close_array();
	print_open_object("part_ms");
	print_float(PRINT_ANY, "cad", "wall: cad %.0f ms", 0, c->ms_cad);
	print_float(PRINT_ANY, "resolution_delay", ", resolution delay %.0f ms", 0, c->ms_rd);
	print_float(PRINT_ANY, "order", ", order %.0f ms", 0, c->ms_order);
	print_float(PRINT_ANY, "reactions", ", reactions %.0f ms", 0, c->ms_react);
	print_float(PRINT_ANY, "gai", ", gai.conf %.0f ms\n", 0, c->ms_gai);
	print_close_object();
	print_uint(PRINT_ANY, "trials", "trials %llu", p->trials);
	print_float(PRINT_ANY, "wall_ms", " wall %.0f ms\n", 0, wall);
	print_close_object();
	print_end();
}

int do_clientprobe(int argc, char **argv)
{
	struct probe p = { .env_fd = -1, .runs = 3, .timeout_ms = 5000,
			   .dl6 = { .in = -1 }, .dlaaaa = { .in = -1 } };
	struct card c = { .he = -1, .cad = NAN, .cad_obs = NAN, .oh = NAN, .rd = NAN, .rd_obs = NAN, .async = -1, .inter = -1 };
	unsigned int only = PART_ALL;
	double t0 = v6fix_now_ms(), tp, sw_from = 0, sw_to = 0, sw_step = 0;
	bool sweep = false;
	char sw_junk;
	struct trial t0r;
	char self[PATH_MAX];
	int ret = 0;
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
		} else if (!strcmp(argv[0], "--sweep")) {
			if (argc < 2)
				v6fix_usage_error("--sweep needs FROM:TO:STEP (ms)");
			argc--, argv++;
			if (sscanf(argv[0], "%lf:%lf:%lf%c", &sw_from, &sw_to, &sw_step, &sw_junk) != 3 ||
			    !(sw_from >= 0) || !(sw_to >= sw_from) || !(sw_to <= PROBE_MAX_MS) ||
			    !(sw_step >= 1) || (sw_to - sw_from) / sw_step > 400)
				v6fix_invarg("--sweep (FROM:TO:STEP in ms, 0-2000, step >= 1, 400 points at most)",
					     argv[0]);
			sweep = true;
		} else if (!strcmp(argv[0], "--only")) {
			if (argc < 2)
				v6fix_usage_error("--only needs parts: cad, rd, order, reactions, gai");
			argc--, argv++;
			only = parse_parts(argv[0]);
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
	p.progress = isatty(STDERR_FILENO);
	l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l < 0) {
		v6fix_err("clientprobe: cannot find this binary: %s", strerror(errno));
		return 1;
	}
	self[l] = '\0';
	p.self = self;
	signal(SIGPIPE, SIG_IGN);

	p.phase = "namespaces";
	progress(&p, "building");
	if (env_start(&p) || line_start(&p, &p.dl6, "9")) {
		env_stop(&p);
		return 1;
	}
	/* Family order: both families working, IPv6 not delayed. */
	p.phase = "family order";
	progress(&p, "both families working");
	if (trial(&p, 0, 0, &t0r)) {
		ret = 1;
		goto out;
	}
	c.order = order_of(&t0r);
	/* A client that does not read the hosts file (c-ares, say): DNS for all. */
	if (!c.order && (enter_dns(&p) || trial(&p, 0, 0, &t0r))) {
		ret = 1;
		goto out;
	}
	c.order = order_of(&t0r);
	c.names_dns = p.dns;
	if (!c.order) {
		v6fix_err("clientprobe: the client sent no SYN at all (does COMMAND use {host} {port}?)");
		ret = 1;
		goto out;
	}
	if (sweep) {
		ret = probe_sweep(&p, sw_from, sw_to, sw_step, t0);
		goto out;
	}
	tp = v6fix_now_ms();
	if ((only & PART_CAD) && probe_cad(&p, &c))
		goto fail;
	c.ms_cad = v6fix_now_ms() - tp;
	tp = v6fix_now_ms();
	if ((only & PART_ORDER) && probe_order(&p, &c))
		goto fail;
	c.ms_order = v6fix_now_ms() - tp;
	tp = v6fix_now_ms();
	if ((only & PART_REACTIONS) && probe_reactions(&p, &c))
		goto fail;
	c.ms_react = v6fix_now_ms() - tp;
	tp = v6fix_now_ms();
	if ((only & PART_GAI) && probe_gai(&p, &c))
		goto fail;
	c.ms_gai = v6fix_now_ms() - tp;
	/* Last: the name moves from the hosts file into DNS. */
	tp = v6fix_now_ms();
	if ((only & PART_RD) && probe_rd(&p, &c))
		goto fail;
	c.ms_rd = v6fix_now_ms() - tp;
	if (p.progress)
		fprintf(stderr, "\r\033[K");
	print_card(&p, &c, v6fix_now_ms() - t0);
	goto out;
fail:
	if (p.progress)
		fprintf(stderr, "\r\033[K");
	v6fix_err("clientprobe: stopped in %s", p.phase);
	ret = 1;
out:
	env_stop(&p);
	free((char *)c.softerr);
	return ret;
}
