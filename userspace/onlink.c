// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix onlink: the on-link assumption of RFC 2461 section 5.2 (removed by
 * RFC 4943), as a gateway-less IPv6 default route per interface. With it, a
 * destination that is not on the link is not "unreachable at once" but waits
 * for neighbour discovery to give up: (mcast_solicit + app_solicit) x
 * retrans_time. v6fix marks its routes with its own route protocol
 * (V6FIX_RTPROT), so it removes only what it added unless told otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include "extack.h"
#include "print.h"
#include "rtnl.h"
#include "util.h"
#include "v6fix.h"

/*
 * The metric of v6fix's on-link defaults unless `metric N` says otherwise:
 * the largest, so any other default route wins. RFC 2461 assumed on-link
 * only when the Default Router List was empty; a last-resort route is the
 * closest a routing table gets to that.
 */
#define V6FIX_ONLINK_METRIC 4294967295U

#define MAX_DEVS 64

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] onlink show\n"
		"       v6fix [-n NETNS] [-j] onlink on [ dev IF [IF...] ] [ metric N ]\n"
		"       v6fix [-n NETNS] [-j] onlink off [ dev IF [IF...] ] [ --force ]\n"
		"  on     add a gateway-less IPv6 default route (::/0 dev IF, proto v6fix)\n"
		"         on each IF; without dev, on every up, non-loopback interface.\n"
		"         Default metric %u (last resort: every other default wins).\n"
		"  off    remove v6fix's on-link defaults; foreign ones are reported and\n"
		"         left alone unless --force is given.\n"
		"  show   every on-link default (v6fix's and foreign) per interface, and the\n"
		"         neighbour discovery timers that decide how long an off-link\n"
		"         destination takes to fail: (mcast_solicit + app_solicit) x retrans_time.\n",
		V6FIX_ONLINK_METRIC);
}

struct onlink_args {
	const char *devs[MAX_DEVS];
	uint32_t ifindex[MAX_DEVS];
	size_t ndevs;
	uint32_t metric;
	bool has_metric;
	bool force;
};

/* Strict: every word is known, every interface exists, before anything changes. */
static void parse_args(const char *cmd, int argc, char **argv, bool allow_metric,
		       bool allow_force, struct onlink_args *a)
{
	bool in_dev = false;

	memset(a, 0, sizeof(*a));
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "dev")) {
			if (argc < 2)
				v6fix_usage_error("\"dev\" needs an interface name");
			in_dev = true;
			continue;
		}
		if (allow_metric && !strcmp(argv[0], "metric")) {
			if (argc < 2)
				v6fix_usage_error("\"metric\" needs a value");
			if (a->has_metric)
				v6fix_usage_error("metric given twice");
			if (v6fix_parse_u32(argv[1], UINT32_MAX, &a->metric))
				v6fix_invarg("metric (0-4294967295)", argv[1]);
			a->has_metric = true;
			in_dev = false;
			argc--;
			argv++;
			continue;
		}
		if (allow_force && !strcmp(argv[0], "--force")) {
			a->force = true;
			in_dev = false;
			continue;
		}
		if (!in_dev)
			v6fix_usage_error("unknown argument \"%s\" to onlink %s (try 'v6fix onlink help')",
					  argv[0], cmd);
		if (a->ndevs == MAX_DEVS)
			v6fix_usage_error("too many interfaces (at most %d)", MAX_DEVS);
		if (!*argv[0] || strlen(argv[0]) >= IFNAMSIZ)
			v6fix_invarg("interface name", argv[0]);
		a->devs[a->ndevs++] = argv[0];
	}
}

/* Map the names to indexes; an unknown name is bad input (exit 2). */
static void resolve_devs(struct onlink_args *a, const struct v6fix_link *links, size_t nlinks)
{
	for (size_t i = 0; i < a->ndevs; i++) {
		size_t j;

		for (j = 0; j < nlinks; j++)
			if (!strcmp(links[j].name, a->devs[i]))
				break;
		if (j == nlinks)
			v6fix_usage_error("invalid interface \"%s\": no such device%s%s",
					  a->devs[i], v6fix_opts.netns ? " in namespace " : "",
					  v6fix_opts.netns ? v6fix_opts.netns : "");
		a->ifindex[i] = links[j].ifindex;
	}
}

static bool wanted(const struct onlink_args *a, uint32_t ifindex)
{
	if (!a->ndevs)
		return true;
	for (size_t i = 0; i < a->ndevs; i++)
		if (a->ifindex[i] == ifindex)
			return true;
	return false;
}

static int rtnl_fail(const char *what, int err)
{
	if (v6fix_extack[0])
		v6fix_err("%s: %s: %s", what, strerror(-err), v6fix_extack);
	else
		v6fix_err("%s: %s", what, strerror(-err));
	return 1;
}

struct state {
	struct v6fix_rtnl rtnl;
	struct v6fix_link *links;
	size_t nlinks;
	struct v6fix_route *routes;
	size_t nroutes;
};

static int load_state(struct state *s, const char *what)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = v6fix_rtnl_open(&s->rtnl);
	if (err)
		return rtnl_fail(what, err);
	err = v6fix_rtnl_get_links(&s->rtnl, &s->links, &s->nlinks);
	if (!err)
		err = v6fix_rtnl_get_routes(&s->rtnl, AF_INET6, &s->routes, &s->nroutes);
	if (err) {
		v6fix_rtnl_close(&s->rtnl);
		free(s->links);
		return rtnl_fail(what, err);
	}
	return 0;
}

static void free_state(struct state *s)
{
	v6fix_rtnl_close(&s->rtnl);
	free(s->links);
	free(s->routes);
}

static const char *ifname(const struct state *s, uint32_t ifindex, char *buf, size_t size)
{
	const struct v6fix_link *l = v6fix_link_by_index(s->links, s->nlinks, ifindex);

	if (l)
		return l->name;
	snprintf(buf, size, "if%u", ifindex);
	return buf;
}

/* The fields every on-link default is printed with, in text and JSON. */
static void print_route_fields(const struct v6fix_route *rt)
{
	char pbuf[16], tbuf[16];

	print_string(PRINT_ANY, "protocol", "proto %s",
		     v6fix_rtprot_name(rt->protocol, pbuf, sizeof(pbuf)));
	print_uint(PRINT_JSON, "protocol_num", NULL, rt->protocol);
	if (rt->has_priority)
		print_uint(PRINT_ANY, "metric", " metric %llu", rt->priority);
	else
		print_null(PRINT_JSON, "metric", NULL);
	print_string(PRINT_ANY, "table", " table %s",
		     v6fix_rttable_name(rt->table, tbuf, sizeof(tbuf)));
	print_bool(PRINT_JSON, "v6fix", NULL, rt->protocol == V6FIX_RTPROT);
}

/* --- on ---------------------------------------------------------------------------- */
static int onlink_on(int argc, char **argv)
{
	struct onlink_args a;
	struct state s;
	int status = 0;

	size_t shown = 0;

	parse_args("on", argc, argv, true, false, &a);
	if (load_state(&s, "onlink on"))
		return 1;
	resolve_devs(&a, s.links, s.nlinks);

	print_open_object(NULL);
	print_open_array("interfaces");
	for (size_t i = 0; i < s.nlinks; i++) {
		const struct v6fix_link *l = &s.links[i];
		const struct v6fix_route *mine = NULL, *foreign = NULL;
		struct v6fix_route rt = { 0 };
		char buf[V6FIX_RTNL_REQ_SIZE], what[64];
		int err;

		if (a.ndevs ? !wanted(&a, l->ifindex) :
		    (!(l->flags & IFF_UP) || (l->flags & IFF_LOOPBACK)))
			continue;
		shown++;
		for (size_t j = 0; j < s.nroutes; j++) {
			const struct v6fix_route *r = &s.routes[j];

			if (!v6fix_route_is_onlink_default(r) || r->oif != l->ifindex)
				continue;
			if (r->protocol == V6FIX_RTPROT)
				mine = r;
			else if (!foreign)
				foreign = r;
		}

		print_open_object(NULL);
		print_string(PRINT_ANY, "ifname", "dev %s: ", l->name);
		if (mine) {
			print_string(PRINT_JSON, "action", NULL, "already");
			print_text("already on (");
			print_route_fields(mine);
			print_text(")\n");
		} else if (foreign) {
			/* One on-link default per interface is enough; not ours to touch. */
			print_string(PRINT_JSON, "action", NULL, "skipped");
			print_text("skipped, it has a foreign on-link default (");
			print_route_fields(foreign);
			print_text(")\n");
		} else {
			rt.family = AF_INET6;
			rt.table = RT_TABLE_MAIN;
			rt.protocol = V6FIX_RTPROT;
			rt.scope = RT_SCOPE_UNIVERSE;
			rt.type = RTN_UNICAST;
			rt.oif = l->ifindex;
			rt.has_priority = true;
			rt.priority = a.has_metric ? a.metric : V6FIX_ONLINK_METRIC;
			err = v6fix_rtnl_talk(&s.rtnl,
					      v6fix_rtnl_route_msg(buf, RTM_NEWROUTE,
								   NLM_F_CREATE | NLM_F_ACK, &rt),
					      NULL, NULL);
			if (err) {
				print_string(PRINT_ANY, "action", "%s\n", "failed");
				print_string(PRINT_JSON, "error", NULL, strerror(-err));
				if (v6fix_extack[0])
					print_string(PRINT_JSON, "extack", NULL, v6fix_extack);
				snprintf(what, sizeof(what), "onlink on: dev %s", l->name);
				status = rtnl_fail(what, err);
			} else {
				print_string(PRINT_JSON, "action", NULL, "added");
				print_text("added on-link default (");
				print_route_fields(&rt);
				print_text(")\n");
			}
		}
		print_close_object();
	}
	print_close_array();
	if (!shown)
		print_text("no up, non-loopback interface: nothing to do\n");
	print_close_object();
	print_end();
	free_state(&s);
	return status;
}

/* --- off --------------------------------------------------------------------------- */
static int onlink_off(int argc, char **argv)
{
	struct onlink_args a;
	struct state s;
	int status = 0, kept = 0, seen = 0;
	char nbuf[IFNAMSIZ + 16];

	parse_args("off", argc, argv, false, true, &a);
	if (load_state(&s, "onlink off"))
		return 1;
	resolve_devs(&a, s.links, s.nlinks);

	print_open_object(NULL);
	print_open_array("routes");
	for (size_t i = 0; i < s.nroutes; i++) {
		const struct v6fix_route *r = &s.routes[i];
		bool mine = r->protocol == V6FIX_RTPROT;
		const char *name;

		if (!v6fix_route_is_onlink_default(r) || !wanted(&a, r->oif))
			continue;
		seen++;
		name = ifname(&s, r->oif, nbuf, sizeof(nbuf));
		print_open_object(NULL);
		print_string(PRINT_ANY, "ifname", "dev %s: ", name);
		if (!mine && !a.force) {
			print_string(PRINT_JSON, "action", NULL, "kept");
			print_text("kept foreign on-link default (");
			print_route_fields(r);
			print_text("); --force removes it\n");
			kept++;
		} else {
			char buf[V6FIX_RTNL_REQ_SIZE], what[64];
			struct v6fix_route del = *r;
			int err;

			del.scope = RT_SCOPE_UNIVERSE;
			err = v6fix_rtnl_talk(&s.rtnl,
					      v6fix_rtnl_route_msg(buf, RTM_DELROUTE, NLM_F_ACK, &del),
					      NULL, NULL);
			if (err) {
				print_string(PRINT_ANY, "action", "%s\n", "failed");
				print_string(PRINT_JSON, "error", NULL, strerror(-err));
				snprintf(what, sizeof(what), "onlink off: dev %s", name);
				status = rtnl_fail(what, err);
			} else {
				print_string(PRINT_JSON, "action", NULL, "removed");
				print_text("removed %son-link default (", mine ? "" : "foreign ");
				print_route_fields(r);
				print_text(")%s\n", mine ? "" : " because of --force");
			}
		}
		print_close_object();
	}
	print_close_array();
	if (!seen)
		print_text("no on-link default%s\n", a.ndevs ? " on these interfaces" : "");
	print_uint(PRINT_JSON, "foreign_kept", NULL, (unsigned long long)kept);
	print_close_object();
	print_end();
	free_state(&s);
	return status;
}

/* --- show -------------------------------------------------------------------------- */
static const struct v6fix_nd_parms *nd_for(const struct v6fix_nd_parms *p, size_t n,
					   uint32_t ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].ifindex == ifindex)
			return &p[i];
	return NULL;
}

static int onlink_show(int argc, char **argv)
{
	struct v6fix_nd_parms *nd = NULL;
	size_t nnd = 0, shown = 0;
	struct state s;
	int err;

	if (argc > 0)
		v6fix_usage_error("onlink show takes no arguments, got \"%s\"", argv[0]);
	if (load_state(&s, "onlink show"))
		return 1;
	err = v6fix_rtnl_get_nd_parms(&s.rtnl, &nd, &nnd);
	if (err) {
		free_state(&s);
		return rtnl_fail("onlink show: neighbour table", err);
	}

	print_open_object(NULL);
	print_open_array("interfaces");
	for (size_t i = 0; i < s.nlinks; i++) {
		const struct v6fix_link *l = &s.links[i];
		const struct v6fix_nd_parms *p;
		size_t nroutes = 0;

		for (size_t j = 0; j < s.nroutes; j++)
			if (v6fix_route_is_onlink_default(&s.routes[j]) &&
			    s.routes[j].oif == l->ifindex)
				nroutes++;
		/* What `on` would act on, and wherever an on-link default is. */
		if (!nroutes && (!(l->flags & IFF_UP) || (l->flags & IFF_LOOPBACK)))
			continue;
		shown++;

		print_open_object(NULL);
		print_string(PRINT_ANY, "ifname", "dev %s", l->name);
		print_uint(PRINT_JSON, "ifindex", NULL, l->ifindex);
		print_bool(PRINT_JSON, "up", NULL, l->flags & IFF_UP);
		print_text(" %s\n", (l->flags & IFF_UP) ? "up" : "down");
		print_open_array("onlink_defaults");
		for (size_t j = 0; j < s.nroutes; j++) {
			const struct v6fix_route *r = &s.routes[j];

			if (!v6fix_route_is_onlink_default(r) || r->oif != l->ifindex)
				continue;
			print_open_object(NULL);
			print_text("    onlink default ");
			print_route_fields(r);
			print_text(" (%s)\n", r->protocol == V6FIX_RTPROT ? "v6fix" : "foreign");
			print_close_object();
		}
		print_close_array();
		if (!nroutes)
			print_text("    no onlink default\n");

		p = nd_for(nd, nnd, l->ifindex);
		if (p) {
			uint64_t delay = ((uint64_t)p->mcast_probes + p->app_probes) *
					 p->retrans_time_ms;

			print_open_object("nd");
			print_uint(PRINT_ANY, "mcast_solicit", "    nd mcast_solicit %llu",
				   p->mcast_probes);
			print_uint(PRINT_ANY, "app_solicit", " app_solicit %llu", p->app_probes);
			print_uint(PRINT_ANY, "retrans_time_ms", " retrans_time_ms %llu",
				   p->retrans_time_ms);
			print_uint(PRINT_ANY, "ucast_solicit", " ucast_solicit %llu",
				   p->ucast_probes);
			print_uint(PRINT_ANY, "expected_delay_ms", "\n    expected delay %llu ms",
				   delay);
			print_text(" for an off-link destination through an on-link default\n");
			print_close_object();
		} else {
			print_null(PRINT_ANY, "nd", "    nd no IPv6 on this interface\n");
		}
		print_close_object();
	}
	print_close_array();
	if (!shown)
		print_text("no up, non-loopback interface and no on-link default\n");
	print_close_object();
	print_end();
	free(nd);
	free_state(&s);
	return 0;
}

int do_onlink(int argc, char **argv)
{
	if (argc < 1 || v6fix_is_help(argv[0])) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? V6FIX_EXIT_USAGE : 0;
	}
	if (v6fix_matches(argv[0], "show") || v6fix_matches(argv[0], "list"))
		return onlink_show(argc - 1, argv + 1);
	if (!strcmp(argv[0], "on"))
		return onlink_on(argc - 1, argv + 1);
	if (!strcmp(argv[0], "off"))
		return onlink_off(argc - 1, argv + 1);
	v6fix_usage_error("unknown onlink command \"%s\" (try 'v6fix onlink help')", argv[0]);
}
