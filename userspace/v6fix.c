// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix: measure and switch how a dual-stack host falls back from IPv6 to
 * IPv4. This file holds only the global options and the table of objects.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns.h"
#include "print.h"
#include "util.h"
#include "v6fix.h"

struct v6fix_opts v6fix_opts;

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} cmds[] = {
	{ "softerr", do_softerr, "TCP's reaction to ICMP soft errors in SYN-SENT (v6fix.ko)" },
	{ "onlink", do_onlink, "the on-link assumption: gateway-less IPv6 default routes" },
	{ "label", do_label, "the kernel's IPv6 address labels (source address selection)" },
	{ "policy", do_policy, "getaddrinfo's destination address policy (gai.conf, RFC 6724)" },
	{ "connect", do_connect, "reach HOST PORT like a dual-stack client (seq, Happy Eyeballs)" },
	{ "predict", do_predict, "what the timing model predicts for a fault, policy and client" },
	{ "clientprobe", do_clientprobe, "characterise any client by experiment (CAD, resolution delay, reactions...)" },
	{ "serve", do_serve, "the test server: a dual-stack listener, the v6pc guide's four designs" },
	{ "delayline", do_delayline, "delay packets of an NFQUEUE (path delay without netem)" },
	{ "dns", do_dns, "survey a DNS server's answers to AAAA queries (RFC 4074)" },
	{ "fwcheck", do_fwcheck, "probe a path for filtered ICMP errors and large DNS answers" },
	{ "version", do_version, "versions of this tool and of the loaded module" },
	{ "run", do_run, "run a program with a soft-error policy of its own (cgroup scope)" },
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [OPTIONS] OBJECT { COMMAND | help }\n"
		"OPTIONS := { -n | --netns NAME  run in network namespace NAME\n"
		"             -j | --json        JSON output\n"
		"             -V | --version     print version and exit\n"
		"             -h | --help }\n"
		"OBJECT :=\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "    %-9s %s\n", cmds[i].name, cmds[i].what);
	fprintf(f, "See v6fix(8) and 'v6fix OBJECT help'.\n");
}

bool v6fix_is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	int c, err;

	/* '+': options end at the object, whose own options follow it. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+n:jVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			v6fix_opts.netns = optarg;
			break;
		case 'j':
			v6fix_opts.json = true;
			break;
		case 'V':
			printf("v6fix %s\n", V6FIX_VERSION);
			return 0;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			if (optopt == 'n')
				v6fix_usage_error("option -n needs a namespace name");
			v6fix_usage_error("unknown option \"%s\" (try 'v6fix help')",
					  argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		print_usage(stderr);
		return V6FIX_EXIT_USAGE;
	}
	if (v6fix_is_help(argv[0])) {
		print_usage(stdout);
		return 0;
	}

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!v6fix_matches(argv[0], cmds[i].name))
			continue;
		if (v6fix_opts.netns) {
			if (!v6fix_netns_name_ok(v6fix_opts.netns))
				v6fix_invarg("namespace name", v6fix_opts.netns);
			err = v6fix_netns_enter(v6fix_opts.netns, &why);
			if (err == -ENOENT)
				v6fix_usage_error("no network namespace \"%s\"",
						  v6fix_opts.netns);
			if (err) {
				v6fix_err("namespace \"%s\": %s: %s", v6fix_opts.netns,
					  why, strerror(-err));
				return 1;
			}
		}
		print_init(v6fix_opts.json, stdout);
		return cmds[i].fn(argc - 1, argv + 1);
	}
	v6fix_usage_error("unknown object \"%s\" (try 'v6fix help')", argv[0]);
}
