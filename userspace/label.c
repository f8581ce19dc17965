// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix label: the kernel's address label table, which source address
 * selection (RFC 6724 rule 6, "prefer matching label") reads, over
 * RTM_{NEW,DEL,GET}ADDRLABEL. `reset` puts back exactly the table a new
 * network namespace starts with (net/ipv6/addrlabel.c).
 *
 * The kernel keeps no owner with an entry, so v6fix keeps its own record:
 * `label add` writes each entry it made to /run/v6fix/netns/COOKIE/labels
 * (lib/record.h). `flush` and `reset` remove the kernel's defaults and the
 * recorded entries, and keep (and list) every other one, which someone else
 * added, unless --force is given: after `add` then `reset` the table is a
 * new namespace's again, byte for byte, and a foreign entry survives.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include "extack.h"
#include "prefix.h"
#include "print.h"
#include "record.h"
#include "rtnl.h"
#include "util.h"
#include "v6fix.h"

/*
 * The kernel's default table, in the order ip6addrlbl_net_init() inserts it:
 * the kernel lists entries of equal length newest first, so inserting in
 * this order gives back the very list (and dump order) of a new namespace.
 */
static const struct {
	const char *prefix;
	uint32_t label;
} kernel_defaults[] = {
	{ "::/0", 1 },
	{ "fc00::/7", 5 },
	{ "fec0::/10", 11 },
	{ "2002::/16", 2 },
	{ "3ffe::/16", 12 },
	{ "2001::/32", 6 },
	{ "2001:10::/28", 7 },
	{ "::ffff:0:0/96", 4 },
	{ "::/96", 3 },
	{ "::1/128", 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] label show\n"
		"       v6fix [-n NETNS] label add prefix PREFIX label LABEL [ dev IF ]\n"
		"       v6fix [-n NETNS] label del prefix PREFIX [ dev IF ]\n"
		"       v6fix [-n NETNS] [-j] label { flush | reset } [ --force ]\n"
		"The kernel's IPv6 address labels (source address selection, RFC 6724).\n"
		"  PREFIX  an IPv6 prefix such as 2001:db8::/32 (no bits beyond its length)\n"
		"  LABEL   0-4294967294, decimal or 0x hex\n"
		"  flush   delete the kernel's default entries and those 'label add' made\n"
		"  reset   the kernel's default table, as in a new namespace\n"
		"  --force also delete the other entries (flush, reset): by default the\n"
		"          entries v6fix did not add are kept and listed (v6fix records\n"
		"          what it adds in /run/v6fix/netns/, per namespace)\n");
}

static int rtnl_fail(const char *what, int err)
{
	if (v6fix_extack[0])
		v6fix_err("%s: %s: %s", what, strerror(-err), v6fix_extack);
	else
		v6fix_err("%s: %s", what, strerror(-err));
	return 1;
}

static void parse_prefix(const char *s, struct v6fix_addrlabel *al)
{
	struct v6fix_prefix p;
	const char *why;

	if (v6fix_prefix_parse(s, V6FIX_PREFIX_ALLOW_BARE | V6FIX_PREFIX_ALLOW_V4, &p, &why))
		v6fix_usage_error("invalid prefix \"%s\": %s", s, why);
	al->prefix = p.addr;
	al->prefixlen = (uint8_t)p.len;
}

/* An entry as its record line: "prefix P dev IFINDEX label L". */
static void entry_line(const struct v6fix_addrlabel *al, char *buf, size_t len)
{
	struct v6fix_prefix p = { .addr = al->prefix, .len = al->prefixlen };
	char pbuf[V6FIX_PREFIX_STRLEN];

	snprintf(buf, len, "prefix %s dev %u label %u",
		 v6fix_prefix_str(&p, pbuf, sizeof(pbuf)), al->ifindex, al->label);
}

/* Drop the record's lines for @al's slot (prefix and dev), whatever label. */
static void record_del_slot(struct v6fix_record *rec, const struct v6fix_addrlabel *al)
{
	char line[V6FIX_PREFIX_STRLEN + 64];
	size_t len;

	entry_line(al, line, sizeof(line));
	len = strstr(line, " label ") - line + strlen(" label ");
	for (size_t i = rec->n; i-- > 0;)
		if (!strncmp(rec->lines[i], line, len))
			v6fix_record_del(rec, rec->lines[i]);
}

static int record_fail(const char *what, const char *done, const char *why, int err)
{
	v6fix_err("%s: %s, but the record %s: %s", what, done, why, strerror(-err));
	return 1;
}

static void print_entry(const struct v6fix_addrlabel *al)
{
	struct v6fix_prefix p = { .addr = al->prefix, .len = al->prefixlen };
	char buf[V6FIX_PREFIX_STRLEN], name[IF_NAMESIZE];

	print_open_object(NULL);
	print_string(PRINT_ANY, "prefix", "prefix %s", v6fix_prefix_str(&p, buf, sizeof(buf)));
	if (al->ifindex) {
		if (!if_indextoname(al->ifindex, name))
			snprintf(name, sizeof(name), "if%u", al->ifindex);
		print_string(PRINT_ANY, "dev", " dev %s", name);
	}
	print_uint(PRINT_ANY, "label", " label %llu\n", al->label);
	print_close_object();
}

static int label_show(int argc, char **argv)
{
	struct v6fix_addrlabel *al;
	struct v6fix_rtnl r;
	size_t n;
	int err;

	if (argc > 0)
		v6fix_usage_error("label show takes no arguments, got \"%s\"", argv[0]);
	err = v6fix_rtnl_open(&r);
	if (err)
		return rtnl_fail("label show", err);
	err = v6fix_rtnl_get_addrlabels(&r, &al, &n);
	v6fix_rtnl_close(&r);
	if (err)
		return rtnl_fail("label show", err);
	print_open_object(NULL);
	print_open_array("labels");
	for (size_t i = 0; i < n; i++)
		print_entry(&al[i]);
	print_close_array();
	print_close_object();
	print_end();
	free(al);
	return 0;
}

/* After a successful add or del: the entry is v6fix's, or no longer is. */
static int record_change(const char *what, bool add, const struct v6fix_addrlabel *al)
{
	char line[V6FIX_PREFIX_STRLEN + 64];
	struct v6fix_record rec;
	const char *why;
	int err;

	err = v6fix_record_load("labels", &rec, &why);
	if (err)
		return record_fail(what, add ? "added" : "deleted", why, err);
	record_del_slot(&rec, al);
	entry_line(al, line, sizeof(line));
	if (add)
		err = v6fix_record_add(&rec, line);
	if (!err)
		err = v6fix_record_save(&rec);
	else
		v6fix_record_free(&rec);
	return err ? record_fail(what, add ? "added" : "deleted", "cannot be written", err) : 0;
}

/* add and del: every value checked before the one request is sent. */
static int label_modify(bool add, int argc, char **argv)
{
	const char *cmd = add ? "add" : "del";
	struct v6fix_addrlabel al = { 0 };
	bool have_prefix = false, have_label = false;
	char buf[V6FIX_RTNL_REQ_SIZE], what[32];
	struct v6fix_rtnl r;
	int err;

	for (; argc > 0; argc -= 2, argv += 2) {
		if (argc < 2)
			v6fix_usage_error("\"%s\" needs a value", argv[0]);
		if (!strcmp(argv[0], "prefix")) {
			if (have_prefix)
				v6fix_usage_error("prefix given twice");
			parse_prefix(argv[1], &al);
			have_prefix = true;
		} else if (add && !strcmp(argv[0], "label")) {
			if (have_label)
				v6fix_usage_error("label given twice");
			if (v6fix_parse_addrlabel(argv[1], &al.label))
				v6fix_invarg("label (0-4294967294)", argv[1]);
			have_label = true;
		} else if (!strcmp(argv[0], "dev")) {
			if (al.ifindex)
				v6fix_usage_error("dev given twice");
			al.ifindex = if_nametoindex(argv[1]);
			if (!al.ifindex)
				v6fix_usage_error("invalid interface \"%s\": no such device", argv[1]);
		} else {
			v6fix_usage_error("unknown argument \"%s\" to label %s (try 'v6fix label help')",
					  argv[0], cmd);
		}
	}
	if (!have_prefix)
		v6fix_usage_error("label %s needs prefix PREFIX", cmd);
	if (add && !have_label)
		v6fix_usage_error("label add needs label LABEL");

	snprintf(what, sizeof(what), "label %s", cmd);
	err = v6fix_rtnl_open(&r);
	if (err)
		return rtnl_fail(what, err);
	/* The kernel wants IFAL_LABEL on delete too, and ignores its value. */
	err = v6fix_rtnl_talk(&r, v6fix_rtnl_addrlabel_msg(buf,
			      add ? RTM_NEWADDRLABEL : RTM_DELADDRLABEL,
			      NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), &al), NULL, NULL);
	v6fix_rtnl_close(&r);
	/* The kernel says ESRCH ("No such process") for a missing entry. */
	if (err == -ESRCH && !add) {
		v6fix_err("label del: no such entry (prefix and dev must match one in 'v6fix label show')");
		return 1;
	}
	if (err)
		return rtnl_fail(what, err);
	return record_change(what, add, &al);
}

static bool same_slot(const struct v6fix_addrlabel *a, const struct v6fix_addrlabel *b)
{
	return a->prefixlen == b->prefixlen && a->ifindex == b->ifindex &&
	       !memcmp(&a->prefix, &b->prefix, sizeof(a->prefix));
}

/* One of the kernel's default entries, label and all (not only its prefix). */
static bool is_default(const struct v6fix_addrlabel *al, const struct v6fix_addrlabel *defaults,
		       size_t ndefaults)
{
	for (size_t i = 0; i < ndefaults; i++)
		if (same_slot(al, &defaults[i]) && al->label == defaults[i].label)
			return true;
	return false;
}

/*
 * Delete the kernel's default entries and those in @rec (v6fix's own), and
 * with @force every other one; shared by flush and reset. Entries kept are
 * listed (array "kept") and returned in @kept (@nkept), for reset to leave
 * their slots alone. @rec keeps only the lines of entries still there.
 */
static int flush_all(struct v6fix_rtnl *r, const char *what, bool force,
		     const struct v6fix_addrlabel *defaults, size_t ndefaults,
		     struct v6fix_record *rec,
		     struct v6fix_addrlabel **kept, size_t *nkept)
{
	char buf[V6FIX_RTNL_REQ_SIZE], line[V6FIX_PREFIX_STRLEN + 64];
	struct v6fix_addrlabel *al;
	size_t n;
	int err;

	*kept = NULL;
	*nkept = 0;
	err = v6fix_rtnl_get_addrlabels(r, &al, &n);
	if (err)
		return rtnl_fail(what, err);
	print_open_array("kept");
	for (size_t i = 0; i < n; i++) {
		entry_line(&al[i], line, sizeof(line));
		if (!force && !is_default(&al[i], defaults, ndefaults) &&
		    !v6fix_record_has(rec, line)) {
			print_text("%s: kept foreign ", what);
			print_entry(&al[i]);
			al[(*nkept)++] = al[i];	/* i >= *nkept: compacts in place */
			continue;
		}
		err = v6fix_rtnl_talk(r, v6fix_rtnl_addrlabel_msg(buf, RTM_DELADDRLABEL,
								  NLM_F_ACK, &al[i]), NULL, NULL);
		/* Gone already (a concurrent flush) is what we wanted. */
		if (err && err != -ESRCH) {
			print_close_array();
			free(al);
			return rtnl_fail(what, err);
		}
	}
	print_close_array();
	/* Every recorded entry is gone now (deleted, or by someone else). */
	for (size_t i = rec->n; i-- > 0;)
		v6fix_record_del(rec, rec->lines[i]);
	if (*nkept)
		print_text("%s: %zu foreign entr%s kept; --force removes %s\n", what, *nkept,
			   *nkept == 1 ? "y" : "ies", *nkept == 1 ? "it" : "them");
	*kept = al;
	return 0;
}

static int label_flush(bool reset, int argc, char **argv)
{
	const char *what = reset ? "label reset" : "label flush";
	char buf[V6FIX_RTNL_REQ_SIZE];
	struct v6fix_addrlabel defaults[sizeof(kernel_defaults) / sizeof(kernel_defaults[0])];
	const size_t ndefaults = sizeof(defaults) / sizeof(defaults[0]);
	struct v6fix_addrlabel *kept = NULL;
	struct v6fix_record rec;
	size_t nkept = 0;
	struct v6fix_rtnl r;
	bool force = false;
	const char *why;
	int err;

	if (argc > 0 && !strcmp(argv[0], "--force")) {
		force = true;
		argc--, argv++;
	}
	if (argc > 0)
		v6fix_usage_error("%s takes no arguments but --force, got \"%s\"", what, argv[0]);
	memset(defaults, 0, sizeof(defaults));
	for (size_t i = 0; i < ndefaults; i++) {
		parse_prefix(kernel_defaults[i].prefix, &defaults[i]);
		defaults[i].label = kernel_defaults[i].label;
	}

	err = v6fix_record_load("labels", &rec, &why);
	if (err) {
		v6fix_err("%s: the record %s: %s", what, why, strerror(-err));
		return 1;
	}
	err = v6fix_rtnl_open(&r);
	if (err) {
		v6fix_record_free(&rec);
		return rtnl_fail(what, err);
	}
	print_open_object(NULL);
	err = flush_all(&r, what, force, defaults, ndefaults, &rec, &kept, &nkept);
	for (size_t i = 0; !err && reset && i < ndefaults; i++) {
		bool taken = false;

		/* A kept foreign entry holds this prefix: it stays as it is. */
		for (size_t j = 0; j < nkept; j++)
			taken |= same_slot(&kept[j], &defaults[i]);
		if (taken)
			continue;
		err = v6fix_rtnl_talk(&r, v6fix_rtnl_addrlabel_msg(buf, RTM_NEWADDRLABEL,
				      NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &defaults[i]),
				      NULL, NULL);
		if (err)
			err = rtnl_fail(what, err);
	}
	v6fix_rtnl_close(&r);
	free(kept);
	print_close_object();
	print_end();
	if (err) {
		v6fix_record_free(&rec);
		return 1;
	}
	err = v6fix_record_save(&rec);
	return err ? record_fail(what, "done", "cannot be written", err) : 0;
}

int do_label(int argc, char **argv)
{
	if (argc < 1 || v6fix_is_help(argv[0])) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? V6FIX_EXIT_USAGE : 0;
	}
	if (v6fix_matches(argv[0], "show") || v6fix_matches(argv[0], "list"))
		return label_show(argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "add"))
		return label_modify(true, argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "del") || v6fix_matches(argv[0], "delete"))
		return label_modify(false, argc - 1, argv + 1);
	if (v6fix_matches(argv[0], "flush"))
		return label_flush(false, argc - 1, argv + 1);
	if (!strcmp(argv[0], "reset"))
		return label_flush(true, argc - 1, argv + 1);
	v6fix_usage_error("unknown label command \"%s\" (try 'v6fix label help')", argv[0]);
}
