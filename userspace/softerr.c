// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix softerr: the soft-error policy of v6fix.ko in this namespace, over
 * its generic netlink family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extack.h"
#include "genl.h"
#include "print.h"
#include "util.h"
#include "v6fix.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] softerr show\n"
		"       v6fix [-n NETNS] softerr set [ family { inet | inet6 } ] policy POLICY\n"
		"                                    [ retries N ]\n"
		"       v6fix [-n NETNS] softerr set retries N\n"
		"POLICY := { pass | hard | rfc1122 | bsd }\n"
		"  pass     count only; the stock kernel decides\n"
		"  hard     abort SYN-SENT at once on a soft error, even while connect() holds the lock\n"
		"  rfc1122  never abort on a soft error; report it when the SYN retries run out\n"
		"  bsd      abort on a soft error after more than N SYN retransmissions (default 3)\n"
		"Without 'family', 'set' changes inet6 (ICMPv6).\n");
}

/* One line for errors from the family, with the kernel's own words. */
static int genl_fail(const char *what, int err)
{
	if (err == -ENOENT)
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
	v6fix_genl_close(g);
	if (err)
		return genl_fail("softerr show", err);

	print_open_object(NULL);
	print_string(PRINT_ANY, "module_version", "module %s", cfg.version);
	print_uint(PRINT_ANY, "netns_inode", " netns %llu\n", cfg.netns_inum);
	print_string(PRINT_ANY, "inet6", "inet6 policy %s\n", v6fix_policy_name(cfg.policy_inet6));
	print_string(PRINT_ANY, "inet", "inet policy %s\n", v6fix_policy_name(cfg.policy_inet));
	print_uint(PRINT_ANY, "bsd_retries", "bsd retries %llu\n", cfg.bsd_retries);
	print_close_object();
	print_end();
	return 0;
}

static int softerr_set(int argc, char **argv)
{
	struct v6fix_config_set set = { 0 };
	bool inet6 = true, have_family = false;
	struct v6fix_genl *g = NULL;
	uint32_t n;
	int p, err;

	for (; argc > 0; argc--, argv++) {
		if (argc < 2)
			v6fix_usage_error("\"%s\" needs a value", argv[0]);
		if (!strcmp(argv[0], "family")) {
			if (have_family)
				v6fix_usage_error("family given twice");
			have_family = true;
			if (!strcmp(argv[1], "inet6"))
				inet6 = true;
			else if (!strcmp(argv[1], "inet"))
				inet6 = false;
			else
				v6fix_invarg("family (inet or inet6)", argv[1]);
		} else if (!strcmp(argv[0], "policy")) {
			p = v6fix_policy_parse(argv[1]);
			if (p < 0)
				v6fix_invarg("policy (pass, hard, rfc1122 or bsd)", argv[1]);
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
		} else {
			v6fix_usage_error("unknown argument \"%s\" (try 'v6fix softerr help')",
					  argv[0]);
		}
		argc--;
		argv++;
	}
	if (!inet6 && set.has_policy_inet6) {
		set.has_policy_inet6 = false;
		set.has_policy_inet = true;
	}
	if (!set.has_policy_inet6 && !set.has_policy_inet && !set.has_bsd_retries)
		v6fix_usage_error("softerr set needs policy or retries");
	if (have_family && !set.has_policy_inet6 && !set.has_policy_inet)
		v6fix_usage_error("family without policy");

	err = v6fix_genl_open(&g);
	if (err)
		return genl_fail("softerr set", err);
	err = v6fix_genl_set_config(g, &set);
	v6fix_genl_close(g);
	return err ? genl_fail("softerr set", err) : 0;
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
