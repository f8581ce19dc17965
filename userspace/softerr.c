// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix softerr: the soft-error policy of v6fix.ko in this namespace, over
 * its generic netlink family.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "extack.h"
#include "genl.h"
#include "print.h"
#include "softerr_scope.h"
#include "util.h"
#include "v6fix.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] softerr show\n"
		"       v6fix [-n NETNS] softerr set [ family { inet | inet6 | all } ] policy POLICY\n"
		"                                    [ retries N ] [ errqueue { stock | recverr } ]\n"
		"                                    [ cgroup CGROUP | mark MARK ]\n"
		"       v6fix [-n NETNS] softerr set { retries N | errqueue { stock | recverr } }...\n"
		"                                    [ cgroup CGROUP | mark MARK ]\n"
		"       v6fix [-n NETNS] softerr del { cgroup CGROUP | mark MARK | id N }\n"
		"       v6fix [-n NETNS] softerr flush\n"
		"       v6fix [-n NETNS] [-j] softerr stats [ reset ]\n"
		"       v6fix [-n NETNS] [-j] softerr monitor\n"
		"POLICY := { pass | hard | rfc1122 | bsd | retries }\n"
		"  pass     count only; the stock kernel decides\n"
		"  hard     abort SYN-SENT at once on a soft error, even while connect() holds the lock\n"
		"  rfc1122  never abort on a soft error; report it when the SYN retries run out\n"
		"  bsd      FreeBSD: abort on a second soft error after more than N SYN\n"
		"           retransmissions (default 3); a first one is only remembered\n"
		"  retries  abort on any soft error after more than N SYN retransmissions\n"
		"Without 'family', 'set' changes inet6 (ICMPv6); 'all' changes both.\n"
		"Scopes: without cgroup or mark, 'set' changes the namespace; with one, a scope\n"
		"whose settings replace the namespace's for the sockets it matches: those made in\n"
		"cgroup v2 CGROUP or below it (a path as /proc/PID/cgroup shows it, or a directory\n"
		"of the cgroup2 mount), or those whose SO_MARK & MASK == M (MARK is M or M/MASK,\n"
		"decimal or 0x hex; MASK defaults to 0xffffffff). Precedence, per setting: mark\n"
		"(more mask bits first) > cgroup (deepest first) > namespace. 'show' lists the\n"
		"scopes with their counters; 'del' removes one, 'flush' all of them.\n"
		"errqueue: where an error v6fix does not abort on (rfc1122, bsd) still goes:\n"
		"  stock    to the error queue as the stock kernel does (IPv4: every socket)\n"
		"  recverr  only to sockets with IP_RECVERR/IPV6_RECVERR (the 2024 upstream series)\n"
		"stats: soft errors seen, by family, ICMP type/code and action; 'reset' zeroes them.\n"
		"monitor: one line per decision, as it happens (needs CAP_NET_ADMIN).\n");
}

/* One line for errors from the family, with the kernel's own words. */
static int genl_fail(const char *what, int err);

int softerr_genl_fail(const char *what, int err)
{
	return genl_fail(what, err);
}

static int genl_fail(const char *what, int err)
{
	/* The kernel's own ENOENT ("no such scope") comes with its words. */
	if (err == -ENOENT && !v6fix_extack[0])
		v6fix_err("%s: the v6fix generic netlink family is not registered "
			  "(is v6fix.ko loaded? try 'modprobe v6fix')", what);
	else if (v6fix_extack[0])
		v6fix_err("%s: %s: %s", what, strerror(-err), v6fix_extack);
	else
		v6fix_err("%s: %s", what, strerror(-err));
	return 1;
}

static int softerr_show(int argc, char **argv)
{
	struct v6fix_config cfg;
	struct v6fix_genl *g = NULL;
	int err;

	if (argc > 0)
		v6fix_usage_error("softerr show takes no arguments, got \"%s\"", argv[0]);
	err = v6fix_genl_open(&g);
	if (err)
		return genl_fail("softerr show", err);
	err = v6fix_genl_get_config(g, &cfg);
	if (err) {
		v6fix_genl_close(g);
		return genl_fail("softerr show", err);
	}

	print_open_object(NULL);
	print_string(PRINT_ANY, "module_version", "module %s", cfg.version);
	print_uint(PRINT_ANY, "netns_inode", " netns %llu\n", cfg.netns_inum);
	print_string(PRINT_ANY, "inet6", "inet6 policy %s\n", v6fix_policy_name(cfg.policy_inet6));
	print_string(PRINT_ANY, "inet", "inet policy %s\n", v6fix_policy_name(cfg.policy_inet));
	print_uint(PRINT_ANY, "bsd_retries", "bsd retries %llu\n", cfg.bsd_retries);
	if (v6fix_errqueue_name(cfg.errqueue))
		print_string(PRINT_ANY, "errqueue", "errqueue %s\n",
			     v6fix_errqueue_name(cfg.errqueue));
	else
		print_uint(PRINT_ANY, "errqueue", "errqueue %llu\n", cfg.errqueue);
	err = softerr_scope_print(g);
	v6fix_genl_close(g);
	print_close_object();
	print_end();
	return err ? genl_fail("softerr show: scopes", err) : 0;
}

static int softerr_set(int argc, char **argv)
{
	struct v6fix_config_set set = { 0 };
	struct v6fix_scope_key key = { 0 };
	bool inet6 = true, inet = false, have_family = false;
	struct v6fix_genl *g = NULL;
	uint32_t n;
	int p, err;

	for (; argc > 0; argc--, argv++) {
		if (softerr_scope_key(argc, argv, &key, false)) {
			argc--;
			argv++;
			continue;
		}
		if (argc < 2)
			v6fix_usage_error("\"%s\" needs a value", argv[0]);
		if (!strcmp(argv[0], "family")) {
			if (have_family)
				v6fix_usage_error("family given twice");
			have_family = true;
			if (!strcmp(argv[1], "inet6"))
				inet6 = true;
			else if (!strcmp(argv[1], "inet"))
				inet6 = false, inet = true;
			else if (!strcmp(argv[1], "all"))
				inet6 = inet = true;
			else
				v6fix_invarg("family (inet, inet6 or all)", argv[1]);
		} else if (!strcmp(argv[0], "policy")) {
			p = v6fix_policy_parse(argv[1]);
			if (p < 0)
				v6fix_invarg("policy (pass, hard, rfc1122, bsd or retries)", argv[1]);
			if (set.has_policy_inet6 || set.has_policy_inet)
				v6fix_usage_error("policy given twice");
			/* Which family is known only after all arguments. */
			set.policy_inet6 = set.policy_inet = (uint32_t)p;
			set.has_policy_inet6 = true;
		} else if (!strcmp(argv[0], "retries")) {
			if (v6fix_parse_u32(argv[1], V6FIX_BSD_RETRIES_MAX, &n))
				v6fix_invarg("retries (0-127)", argv[1]);
			set.bsd_retries = n;
			set.has_bsd_retries = true;
		} else if (!strcmp(argv[0], "errqueue")) {
			p = v6fix_errqueue_parse(argv[1]);
			if (p < 0)
				v6fix_invarg("errqueue (stock or recverr)", argv[1]);
			if (set.has_errqueue)
				v6fix_usage_error("errqueue given twice");
			set.errqueue = (uint32_t)p;
			set.has_errqueue = true;
		} else {
			v6fix_usage_error("unknown argument \"%s\" (try 'v6fix softerr help')",
					  argv[0]);
		}
		argc--;
		argv++;
	}
	if (set.has_policy_inet6) {
		set.has_policy_inet6 = inet6;
		set.has_policy_inet = inet;
	}
	if (!set.has_policy_inet6 && !set.has_policy_inet && !set.has_bsd_retries &&
	    !set.has_errqueue)
		v6fix_usage_error("softerr set needs policy, retries or errqueue");
	if (have_family && !set.has_policy_inet6 && !set.has_policy_inet)
		v6fix_usage_error("family without policy");
	if (key.kind)
		return softerr_scope_set(&key, &set);

	err = v6fix_genl_open(&g);
	if (err)
		return genl_fail("softerr set", err);
	err = v6fix_genl_set_config(g, &set);
	v6fix_genl_close(g);
	return err ? genl_fail("softerr set", err) : 0;
}

/* The soft errors' names, as nft and tcpdump call them. */
static const char *icmp_name(uint8_t family, uint8_t type, uint8_t code)
{
	static const char *const du6[] = {
		"no-route", "admin-prohibited", "beyond-scope", "addr-unreachable",
		"port-unreachable", "policy-fail", "reject-route",
	};
	static const char *const du4[] = {
		"net-unreachable", "host-unreachable", "prot-unreachable",
		"port-unreachable", "frag-needed", "source-route-failed",
		"net-unknown", "host-unknown", "host-isolated", "net-prohibited",
		"host-prohibited", "net-unreachable-for-tos", "host-unreachable-for-tos",
	};

	if (family == AF_INET6) {
		if (type == 1 && code < sizeof(du6) / sizeof(du6[0]))
			return du6[code];
		if (type == 3)
			return code == 0 ? "hop-limit-exceeded" : "frag-time-exceeded";
	} else {
		if (type == 3 && code < sizeof(du4) / sizeof(du4[0]))
			return du4[code];
		if (type == 11)
			return code == 0 ? "ttl-exceeded" : "frag-time-exceeded";
		if (type == 12)
			return "parameter-problem";
	}
	return "?";
}

static const char *family_name(uint8_t family)
{
	return family == AF_INET6 ? "inet6" : "inet";
}

const char *softerr_family_name(unsigned char family)
{
	return family_name(family);
}

static int softerr_stats(int argc, char **argv)
{
	struct v6fix_stats *st;
	struct v6fix_genl *g = NULL;
	bool reset = false;
	size_t i;
	int err;

	if (argc > 0) {
		if (!v6fix_matches(argv[0], "reset"))
			v6fix_usage_error("unknown softerr stats argument \"%s\"", argv[0]);
		if (argc > 1)
			v6fix_usage_error("softerr stats reset takes no arguments, got \"%s\"",
					  argv[1]);
		reset = true;
	}
	err = v6fix_genl_open(&g);
	if (err)
		return genl_fail("softerr stats", err);
	if (reset) {
		err = v6fix_genl_reset_stats(g);
		v6fix_genl_close(g);
		return err ? genl_fail("softerr stats reset", err) : 0;
	}

	st = malloc(sizeof(*st));
	if (!st) {
		v6fix_genl_close(g);
		return genl_fail("softerr stats", -ENOMEM);
	}
	err = v6fix_genl_get_stats(g, st);
	v6fix_genl_close(g);
	if (err) {
		free(st);
		return genl_fail("softerr stats", err);
	}

	/*
	 * Text: one line per ICMP type/code, its actions after it (the
	 * module sends them grouped so). JSON: one flat object per counter.
	 */
	print_open_object(NULL);
	print_uint(PRINT_JSON, "netns_inode", NULL, st->netns_inum);
	print_open_array("stats");
	for (i = 0; i < st->n; i++) {
		const struct v6fix_stat *e = &st->entry[i];
		const struct v6fix_stat *prev = i ? &st->entry[i - 1] : NULL;
		const char *action = v6fix_action_name(e->action);
		bool same = prev && prev->family == e->family &&
			    prev->icmp_type == e->icmp_type &&
			    prev->icmp_code == e->icmp_code;

		if (!print_is_json() && !same)
			print_text("%s%s type %u code %u (%s):", i ? "\n" : "",
				   family_name(e->family), e->icmp_type, e->icmp_code,
				   icmp_name(e->family, e->icmp_type, e->icmp_code));
		print_open_object(NULL);
		print_string(PRINT_JSON, "family", NULL, family_name(e->family));
		print_uint(PRINT_JSON, "icmp_type", NULL, e->icmp_type);
		print_uint(PRINT_JSON, "icmp_code", NULL, e->icmp_code);
		if (action) {
			print_string(PRINT_ANY, "action", " %s", action);
		} else {
			/* A newer module's action: show its number. */
			print_uint(PRINT_ANY, "action", " action-%llu", e->action);
		}
		print_uint(PRINT_ANY, "count", " %llu", e->count);
		print_close_object();
	}
	print_close_array();
	if (!print_is_json())
		print_text(st->n ? "\n" : "no soft errors seen\n");
	print_close_object();
	print_end();
	free(st);
	return 0;
}

static void print_addr(const char *key, const char *fmt, uint8_t family,
		       const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, buf, sizeof(buf));
	print_string(PRINT_ANY, key, fmt, buf);
}

static int print_event(const struct v6fix_event_msg *ev, void *arg)
{
	const char *errname = v6fix_errno_name((int)ev->err);
	const char *policy = v6fix_policy_name(ev->policy);
	const char *action = v6fix_action_name(ev->action);
	bool v6 = ev->family == AF_INET6;

	(void)arg;
	print_open_object(NULL);
	print_uint(PRINT_JSON, "timestamp_ns", NULL, ev->timestamp_ns);
	print_float(PRINT_FP, NULL, "%.6f ", 6, (double)ev->timestamp_ns / 1e9);
	print_string(PRINT_ANY, "family", "%s", family_name(ev->family));
	if (ev->has_conn) {
		print_addr("saddr", v6 ? " [%s]" : " %s", ev->family, ev->saddr);
		print_uint(PRINT_ANY, "sport", ":%llu", ev->sport);
		print_addr("daddr", v6 ? " > [%s]" : " > %s", ev->family, ev->daddr);
		print_uint(PRINT_ANY, "dport", ":%llu", ev->dport);
	}
	print_uint(PRINT_ANY, "icmp_type", " type %llu", ev->icmp_type);
	print_uint(PRINT_ANY, "icmp_code", " code %llu", ev->icmp_code);
	print_string(PRINT_FP, NULL, " (%s)", icmp_name(ev->family, ev->icmp_type,
							 ev->icmp_code));
	print_addr("icmp_source", " from %s", ev->family, ev->icmp_source);
	if (errname)
		print_string(PRINT_ANY, "errno", " %s", errname);
	else
		print_uint(PRINT_ANY, "errno", " errno %llu", ev->err);
	if (ev->has_retrans)
		print_uint(PRINT_ANY, "syn_retrans", " syn-retrans %llu", ev->syn_retrans);
	if (policy)
		print_string(PRINT_ANY, "policy", " policy %s", policy);
	else
		print_uint(PRINT_ANY, "policy", " policy %llu", ev->policy);
	if (action)
		print_string(PRINT_ANY, "action", " %s", action);
	else
		print_uint(PRINT_ANY, "action", " action-%llu", ev->action);
	if (ev->has_scope)
		print_uint(PRINT_ANY, "scope", " scope %llu", ev->scope_id);
	if (ev->has_delay) {
		print_uint(PRINT_JSON, "delay_ns", NULL, ev->delay_ns);
		print_float(PRINT_FP, NULL, " after %.3f ms", 3, (double)ev->delay_ns / 1e6);
	}
	print_text("\n");
	print_close_object();
	print_end();
	return 0;
}

static void events_lost(void *arg)
{
	(void)arg;
	v6fix_err("softerr monitor: events lost (receive buffer full)");
}

static int softerr_monitor(int argc, char **argv)
{
	struct v6fix_genl *g = NULL;
	int err;

	if (argc > 0)
		v6fix_usage_error("softerr monitor takes no arguments, got \"%s\"", argv[0]);
	err = v6fix_genl_open(&g);
	if (err)
		return genl_fail("softerr monitor", err);
	err = v6fix_genl_monitor(g, print_event, events_lost, NULL);
	v6fix_genl_close(g);
	if (err == -EPERM) {
		v6fix_err("softerr monitor: joining the events group needs CAP_NET_ADMIN");
		return 1;
	}
	return err ? genl_fail("softerr monitor", err) : 0;
}

int do_softerr(int argc, char **argv)
{
	if (argc < 1 || v6fix_is_help(argv[0])) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? V6FIX_EXIT_USAGE : 0;
	}
	if (v6fix_matches(argv[0], "show"))
		return softerr_show(argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "set"))
		return softerr_set(argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "stats"))
		return softerr_stats(argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "monitor"))
		return softerr_monitor(argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "del"))
		return softerr_scope_del(argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "flush"))
		return softerr_scope_flush(argc - 1, argv + 1);
	v6fix_usage_error("unknown softerr command \"%s\" (try 'v6fix softerr help')", argv[0]);
}

int do_version(int argc, char **argv)
{
	struct v6fix_config cfg;
	struct v6fix_genl *g = NULL;

	(void)argv;
	if (argc > 0)
		v6fix_usage_error("version takes no arguments");
	print_open_object(NULL);
	print_string(PRINT_ANY, "version", "v6fix %s\n", V6FIX_VERSION);
	if (!v6fix_genl_open(&g) && !v6fix_genl_get_config(g, &cfg))
		print_string(PRINT_ANY, "module_version", "v6fix.ko %s\n", cfg.version);
	else
		print_null(PRINT_ANY, "module_version", "v6fix.ko not loaded\n");
	v6fix_genl_close(g);
	print_close_object();
	print_end();
	return 0;
}
