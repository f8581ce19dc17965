// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix policy: the destination address policy applications get from
 * getaddrinfo() (RFC 6724 via glibc and gai.conf). With -n NETNS it edits
 * /etc/netns/NETNS/gai.conf, which `ip netns exec NETNS` (and v6fix -n)
 * bind-mount over /etc/gai.conf; without -n it only shows what it would write
 * to /etc/gai.conf unless --system is given. `explain` shows the order
 * getaddrinfo returns and, for each neighbouring pair, the rule that decided.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_addr.h>

#include "extack.h"
#include "gaiconf.h"
#include "prefix.h"
#include "print.h"
#include "rfc6724.h"
#include "rtnl.h"
#include "util.h"
#include "v6fix.h"

#define SYSTEM_GAICONF "/etc/gai.conf"
#define NETNS_ETC "/etc/netns"

/* The precedence glibc gives IPv4 by default, and what "prefer ipv4" sets. */
#define GLIBC_V4_PRECEDENCE 10
#define PREFER_V4_PRECEDENCE 100

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] policy show\n"
		"       v6fix [-n NETNS] policy set { precedence | label } PREFIX VALUE [ --system ]\n"
		"       v6fix [-n NETNS] policy prefer { ipv4 | ipv6 } [ --system ]\n"
		"       v6fix [-n NETNS] policy reset [ --system ]\n"
		"       v6fix [-n NETNS] [-j] policy explain HOST [ PORT ]\n"
		"getaddrinfo's destination address selection (RFC 6724, glibc gai.conf).\n"
		"  With -n NETNS the file is /etc/netns/NETNS/gai.conf, seen by programs\n"
		"  started with 'ip netns exec NETNS'. Without -n, changes are only printed\n"
		"  unless --system allows writing /etc/gai.conf.\n"
		"  PREFIX  an IPv6 prefix such as ::ffff:0:0/96 (or IPv4 a.b.c.d/n)\n"
		"  VALUE   0-2147483647\n"
		"  prefer ipv4  precedence ::ffff:0:0/96 %d (above ::/0)\n"
		"  prefer ipv6  precedence ::ffff:0:0/96 %d (glibc's default)\n"
		"  reset        remove every label and precedence line: glibc's defaults\n"
		"  explain      the order getaddrinfo returns and the rule behind each step\n",
		PREFER_V4_PRECEDENCE, GLIBC_V4_PRECEDENCE);
}

/* --- which file --------------------------------------------------------------------- */
struct gai_file {
	char edit[PATH_MAX];	/* the file v6fix writes */
	const char *read;	/* the file glibc reads here, or NULL (defaults) */
	bool netns;
	char note[PATH_MAX + 128];	/* why glibc does not read @edit, if it does not */
};

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void locate(struct gai_file *g)
{
	memset(g, 0, sizeof(*g));
	if (!v6fix_opts.netns) {
		snprintf(g->edit, sizeof(g->edit), "%s", SYSTEM_GAICONF);
		g->read = exists(SYSTEM_GAICONF) ? g->edit : NULL;
		return;
	}
	g->netns = true;
	snprintf(g->edit, sizeof(g->edit), NETNS_ETC "/%s/gai.conf", v6fix_opts.netns);
	/*
	 * Like ip netns exec, v6fix binds a file of /etc/netns/NAME only over
	 * an existing namesake in /etc: without /etc/gai.conf the namespace's
	 * file is not seen at all.
	 */
	if (exists(g->edit) && exists(SYSTEM_GAICONF)) {
		g->read = g->edit;
	} else if (exists(g->edit)) {
		g->read = NULL;
		snprintf(g->note, sizeof(g->note),
			 "%s is not used: 'ip netns exec' binds it only over an existing "
			 SYSTEM_GAICONF " (create an empty one)", g->edit);
	} else {
		g->read = exists(SYSTEM_GAICONF) ? SYSTEM_GAICONF : NULL;
	}
}

static int load(const char *path, struct v6fix_gaiconf *c, bool *found)
{
	int err;

	if (!path) {
		*found = false;
		return v6fix_gaiconf_parse("", 0, c);
	}
	err = v6fix_gaiconf_read(path, c, found);
	if (err)
		v6fix_err("cannot read %s: %s", path, strerror(-err));
	return err;
}

/* "ipv6", "ipv4" or "neither" for a global destination of each family. */
static const char *preference(const struct v6fix_rfc6724_policy *pol)
{
	struct in6_addr a6, a4;
	struct in_addr v4;
	uint32_t p6, p4;

	inet_pton(AF_INET6, "2001:db8::1", &a6);
	inet_pton(AF_INET, "198.51.100.1", &v4);
	v6fix_v4mapped(&a4, &v4);
	p6 = v6fix_policy_lookup(pol->precedence, pol->nprecedence, &a6, 0);
	p4 = v6fix_policy_lookup(pol->precedence, pol->nprecedence, &a4, 0);
	return p6 > p4 ? "ipv6" : p4 > p6 ? "ipv4" : "neither";
}

/* --- show ------------------------------------------------------------------------------ */
static void print_table(const char *key, const char *word, const struct v6fix_policy_entry *e,
			size_t n, bool from_file)
{
	char buf[V6FIX_PREFIX_STRLEN];

	print_open_object(key);
	print_string(PRINT_ANY, "source", "%s", from_file ? "file" : "glibc");
	print_text(" %s table (%s):\n", word, from_file ? "from the file" : "glibc's defaults");
	print_open_array("entries");
	for (size_t i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string(PRINT_ANY, "prefix", "    %-24s", v6fix_prefix_str(&e[i].prefix, buf,
										  sizeof(buf)));
		print_uint(PRINT_ANY, "value", " %llu\n", e[i].value);
		print_close_object();
	}
	print_close_array();
	print_close_object();
}

static int policy_show(int argc, char **argv)
{
	struct v6fix_gai_tables t;
	struct v6fix_gaiconf c;
	struct gai_file g;
	bool found;
	char a[INET_ADDRSTRLEN];

	if (argc > 0)
		v6fix_usage_error("policy show takes no arguments, got \"%s\"", argv[0]);
	locate(&g);
	if (load(g.read, &c, &found))
		return 1;
	if (v6fix_gaiconf_tables(&c, &t)) {
		v6fix_gaiconf_free(&c);
		v6fix_err("out of memory");
		return 1;
	}

	print_open_object(NULL);
	if (g.read)
		print_string(PRINT_ANY, "file", "file %s\n", g.read);
	else
		print_null(PRINT_ANY, "file", "file none: glibc's defaults\n");
	if (g.note[0]) {
		print_string(PRINT_ANY, "note", "note: %s\n", g.note);
	}
	print_string(PRINT_ANY, "prefers", "prefers %s", preference(&t.policy));
	print_text(" for a global destination of each family\n");
	print_table("precedence", "precedence", t.policy.precedence, t.policy.nprecedence,
		    t.precedence_from_file);
	print_table("label", "label", t.policy.labels, t.policy.nlabels, t.labels_from_file);

	print_open_object("scopev4");
	print_string(PRINT_ANY, "source", "%s", t.scopes_from_file ? "file" : "glibc");
	print_text(" scopev4 table (%s):\n",
		   t.scopes_from_file ? "from the file" : "glibc's defaults");
	print_open_array("entries");
	for (size_t i = 0; i < t.policy.nscopes; i++) {
		const struct v6fix_scope_entry *s = &t.policy.scopes[i];
		struct in_addr in = { htonl(s->addr) };
		char pfx[INET_ADDRSTRLEN + 4];
		int len = 0;

		for (uint32_t m = s->mask; m & 0x80000000u; m <<= 1)
			len++;
		snprintf(pfx, sizeof(pfx), "%s/%d", inet_ntop(AF_INET, &in, a, sizeof(a)), len);
		print_open_object(NULL);
		print_string(PRINT_ANY, "prefix", "    %-24s", pfx);
		print_uint(PRINT_ANY, "scope", " %llu\n", s->scope);
		print_close_object();
	}
	print_close_array();
	print_close_object();

	/* Lines glibc skips silently deserve a word. */
	print_open_array("ignored_lines");
	for (size_t i = 0; i < c.n; i++) {
		const struct v6fix_gai_line *l = &c.lines[i];

		if (l->kind == V6FIX_GAI_OTHER || (l->valid && !l->bare))
			continue;
		print_open_object(NULL);
		print_uint(PRINT_ANY, "line", "line %llu", i + 1);
		print_string(PRINT_ANY, "text", " \"%s\"", l->text);
		print_text(" %s\n", l->valid ? "has no /LENGTH: glibc may misread it" :
			   "is ignored by glibc");
		print_close_object();
	}
	print_close_array();
	print_close_object();
	print_end();
	v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);
	return 0;
}

/* --- writing ---------------------------------------------------------------------------- */
/* Replace @path atomically with @text (mode of the old file, else 0644). */
static int write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	mode_t mode = 0644;
	struct stat st;
	size_t len = strlen(text);
	int fd, err = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	/* A dot file: v6fix -n skips those when binding /etc/netns/NAME. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.gai.conf.v6fix-XXXXXX", dir) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len && !err;) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (!err && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static int mkdir_netns_dir(void)
{
	char dir[PATH_MAX];

	if (mkdir(NETNS_ETC, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(dir, sizeof(dir), NETNS_ETC "/%s", v6fix_opts.netns);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Write @c to the file of this context: the namespace's file (removed when
 * nothing is left in it), /etc/gai.conf with --system, or stdout otherwise.
 */
static int commit(struct v6fix_gaiconf *c, bool system)
{
	struct v6fix_gai_tables t;
	struct gai_file g;
	bool removed = false, written = false;
	char *text;
	int err = 0;

	locate(&g);
	text = v6fix_gaiconf_format(c);
	if (!text || v6fix_gaiconf_tables(c, &t)) {
		free(text);
		v6fix_err("out of memory");
		return 1;
	}

	if (g.netns && v6fix_gaiconf_is_blank(c)) {
		if (unlink(g.edit) < 0 && errno != ENOENT)
			err = -errno;
		/* And the directory, if that was all it held (ip netns add makes none). */
		if (!err) {
			char dir[PATH_MAX];

			snprintf(dir, sizeof(dir), NETNS_ETC "/%s", v6fix_opts.netns);
			rmdir(dir);
		}
		removed = true;
	} else if (g.netns) {
		err = mkdir_netns_dir();
		if (!err)
			err = write_file(g.edit, text);
		written = true;
	} else if (system) {
		err = write_file(g.edit, text);
		written = true;
	}
	if (err) {
		v6fix_err("cannot write %s: %s", g.edit, strerror(-err));
		free(text);
		v6fix_gai_tables_free(&t);
		return 1;
	}

	print_open_object(NULL);
	print_string(PRINT_JSON, "file", NULL, g.edit);
	print_bool(PRINT_JSON, "written", NULL, written);
	print_bool(PRINT_JSON, "removed", NULL, removed);
	if (removed) {
		print_text("removed %s: the namespace falls back to " SYSTEM_GAICONF "\n", g.edit);
	} else if (written) {
		print_text("wrote %s\n", g.edit);
	} else {
		/* A dry run: stdout is exactly the would-be file; the rest on stderr. */
		print_string(PRINT_ANY, "content", "%s", text);
		fprintf(stderr, "v6fix: %s not changed (it would prefer %s); add --system to "
			"write it, or use -n NETNS for a namespace\n", g.edit,
			preference(&t.policy));
	}
	print_string(PRINT_JSON, "prefers", NULL, preference(&t.policy));
	if (written || removed)
		print_text("prefers %s for a global destination of each family\n",
			   preference(&t.policy));
	print_close_object();
	print_end();
	if (g.netns && !removed && !exists(SYSTEM_GAICONF))
		v6fix_err("warning: " SYSTEM_GAICONF " does not exist, so 'ip netns exec %s' "
			  "will not use %s; create an empty " SYSTEM_GAICONF,
			  v6fix_opts.netns, g.edit);
	free(text);
	v6fix_gai_tables_free(&t);
	return 0;
}

/* The file this context edits: the namespace's own (not the host's), or /etc/gai.conf. */
static int load_for_edit(struct v6fix_gaiconf *c)
{
	struct gai_file g;
	bool found;

	locate(&g);
	return load(g.edit, c, &found);
}

static int policy_set(int argc, char **argv, bool system)
{
	enum v6fix_gai_kind kind;
	struct v6fix_prefix p;
	struct v6fix_gaiconf c;
	const char *why;
	uint32_t value;
	int ret;

	if (argc < 1)
		v6fix_usage_error("policy set needs precedence or label (try 'v6fix policy help')");
	if (!strcmp(argv[0], "precedence"))
		kind = V6FIX_GAI_PRECEDENCE;
	else if (!strcmp(argv[0], "label"))
		kind = V6FIX_GAI_LABEL;
	else
		v6fix_usage_error("policy set: unknown table \"%s\" (precedence or label)", argv[0]);
	if (argc != 3)
		v6fix_usage_error("policy set %s needs PREFIX VALUE", argv[0]);
	if (v6fix_prefix_parse(argv[1], V6FIX_PREFIX_ALLOW_V4, &p, &why))
		v6fix_usage_error("invalid prefix \"%s\": %s", argv[1], why);
	if (v6fix_parse_gai_value(argv[2], &value))
		v6fix_invarg(kind == V6FIX_GAI_LABEL ? "label (0-2147483647)" :
			     "precedence (0-2147483647)", argv[2]);

	if (load_for_edit(&c))
		return 1;
	if (v6fix_gaiconf_set(&c, kind, &p, value)) {
		v6fix_gaiconf_free(&c);
		v6fix_err("out of memory");
		return 1;
	}
	ret = commit(&c, system);
	v6fix_gaiconf_free(&c);
	return ret;
}

static int policy_prefer(int argc, char **argv, bool system)
{
	struct v6fix_prefix mapped, any;
	struct v6fix_gai_tables t;
	struct v6fix_gaiconf c;
	struct in6_addr a6;
	bool v4;
	int ret, err;

	if (argc != 1)
		v6fix_usage_error("policy prefer needs ipv4 or ipv6");
	if (!strcmp(argv[0], "ipv4") || !strcmp(argv[0], "4"))
		v4 = true;
	else if (!strcmp(argv[0], "ipv6") || !strcmp(argv[0], "6"))
		v4 = false;
	else
		v6fix_invarg("family (ipv4 or ipv6)", argv[0]);

	v6fix_prefix_parse("::ffff:0:0/96", 0, &mapped, NULL);
	v6fix_prefix_parse("::/0", 0, &any, NULL);
	if (load_for_edit(&c))
		return 1;
	err = v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &mapped,
				v4 ? PREFER_V4_PRECEDENCE : GLIBC_V4_PRECEDENCE);
	/* IPv6 first also needs ::/0 above IPv4: put back glibc's 40 if it is not. */
	if (!err && !v4 && !(err = v6fix_gaiconf_tables(&c, &t))) {
		inet_pton(AF_INET6, "2001:db8::1", &a6);
		if (v6fix_policy_lookup(t.policy.precedence, t.policy.nprecedence, &a6, 0) <=
		    GLIBC_V4_PRECEDENCE)
			err = v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &any, 40);
		v6fix_gai_tables_free(&t);
	}
	if (err) {
		v6fix_gaiconf_free(&c);
		v6fix_err("out of memory");
		return 1;
	}
	ret = commit(&c, system);
	v6fix_gaiconf_free(&c);
	return ret;
}

static int policy_reset(int argc, char **argv, bool system)
{
	struct v6fix_gaiconf c;
	int ret;

	if (argc > 0)
		v6fix_usage_error("policy reset takes no arguments, got \"%s\"", argv[0]);
	if (load_for_edit(&c))
		return 1;
	v6fix_gaiconf_reset(&c);
	ret = commit(&c, system);
	v6fix_gaiconf_free(&c);
	return ret;
}

/* --- explain ------------------------------------------------------------------------------- */
/* The source address the kernel would use, found as glibc does: connect a UDP socket. */
static bool find_source(const struct addrinfo *ai, struct v6fix_rfc6724_dest *d)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	bool ok = false;
	int fd;

	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;

			d->src = s6->sin6_addr;
			d->src_family = IN6_IS_ADDR_V4MAPPED(&d->src) ? AF_INET : AF_INET6;
			ok = true;
		} else if (ss.ss_family == AF_INET) {
			v6fix_v4mapped(&d->src, &((const struct sockaddr_in *)&ss)->sin_addr);
			d->src_family = AF_INET;
			ok = true;
		}
	}
	close(fd);
	return ok;
}

static const char *addr_str(int family, const struct in6_addr *a, char *buf, size_t size)
{
	if (family == AF_INET)
		return inet_ntop(AF_INET, &a->s6_addr[12], buf, (socklen_t)size);
	return inet_ntop(AF_INET6, a, buf, (socklen_t)size);
}

/* One phrase for why the first of a pair won, e.g. "precedence 40 > 10". */
static void describe(const struct v6fix_rfc6724_why *w, char *buf, size_t size)
{
	switch (w->rule) {
	case 1: snprintf(buf, size, "it has a route and a source address, the other none"); break;
	case 2: snprintf(buf, size, "its scope matches its source's, the other's does not"); break;
	case 3: snprintf(buf, size, "the other's source address is deprecated"); break;
	case 4: snprintf(buf, size, "its source is a home address"); break;
	case 5: snprintf(buf, size, "its label matches its source's, the other's does not"); break;
	case 6: snprintf(buf, size, "precedence %lld > %lld", w->a, w->b); break;
	case 7: snprintf(buf, size, "its interface is native, the other's a tunnel"); break;
	case 8: snprintf(buf, size, "scope %lld < %lld", w->a, w->b); break;
	case 9: snprintf(buf, size, "%lld > %lld bits in common with its source", w->a, w->b); break;
	default: snprintf(buf, size, "it came first from the resolver"); break;
	}
}

struct explain_ctx {
	struct v6fix_addr *addrs;
	size_t naddrs;
	struct v6fix_link *links;
	size_t nlinks;
	bool seen_ipv6;
};

/* What glibc's __check_pf tells getaddrinfo about a source address. */
static void source_details(const struct explain_ctx *x, struct v6fix_rfc6724_dest *d)
{
	d->ifindex = 0xffffffffu;
	if (!x->seen_ipv6)	/* glibc keeps no address list then */
		return;
	for (size_t i = 0; i < x->naddrs; i++) {
		const struct v6fix_addr *a = &x->addrs[i];
		const struct v6fix_link *l;

		if (memcmp(&a->addr, &d->src, sizeof(d->src)))
			continue;
		d->deprecated = a->flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC);
		d->home = a->flags & IFA_F_HOMEADDRESS;
		d->src_prefixlen = a->prefixlen;
		d->ifindex = a->ifindex;
		l = v6fix_link_by_index(x->links, x->nlinks, a->ifindex);
		d->native = l && l->type != ARPHRD_TUNNEL && l->type != ARPHRD_TUNNEL6 &&
			    l->type != ARPHRD_SIT;
		return;
	}
}

static int load_interfaces(struct explain_ctx *x)
{
	struct v6fix_rtnl r;
	int err;

	memset(x, 0, sizeof(*x));
	err = v6fix_rtnl_open(&r);
	if (!err)
		err = v6fix_rtnl_get_addrs(&r, AF_UNSPEC, &x->addrs, &x->naddrs);
	if (!err)
		err = v6fix_rtnl_get_links(&r, &x->links, &x->nlinks);
	v6fix_rtnl_close(&r);
	if (err) {
		free(x->addrs);
		free(x->links);
		memset(x, 0, sizeof(*x));
		v6fix_err("policy explain: reading addresses: %s%s%s", strerror(-err),
			  v6fix_extack[0] ? ": " : "", v6fix_extack);
		return 1;
	}
	for (size_t i = 0; i < x->naddrs; i++)
		if (x->addrs[i].family == AF_INET6 && !IN6_IS_ADDR_LOOPBACK(&x->addrs[i].addr))
			x->seen_ipv6 = true;
	return 0;
}

static void print_dest(const struct v6fix_rfc6724_dest *d, size_t pos,
		       const struct v6fix_rfc6724_policy *pol)
{
	char a[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];

	print_open_object(NULL);
	print_uint(PRINT_FP, NULL, "  %llu  ", pos + 1);
	print_string(PRINT_ANY, "address", "%-26s", addr_str(d->family, &d->addr, a, sizeof(a)));
	print_string(PRINT_JSON, "family", NULL, d->family == AF_INET ? "inet" : "inet6");
	if (d->has_source)
		print_string(PRINT_ANY, "source", " source %-26s",
			     addr_str(d->src_family, &d->src, s, sizeof(s)));
	else {
		print_null(PRINT_JSON, "source", NULL);
		print_text(" source %-26s", "none (no route)");
	}
	print_uint(PRINT_ANY, "precedence", " precedence %-3llu",
		   v6fix_policy_lookup(pol->precedence, pol->nprecedence, &d->addr, 0));
	print_uint(PRINT_ANY, "label", " label %llu",
		   v6fix_policy_lookup(pol->labels, pol->nlabels, &d->addr, 0x7fffffff));
	if (d->has_source)
		print_uint(PRINT_ANY, "source_label", "/%llu",
			   v6fix_policy_lookup(pol->labels, pol->nlabels, &d->src, 0x7fffffff));
	print_int(PRINT_ANY, "scope", " scope %lld", v6fix_rfc6724_scope(d->family, &d->addr, pol));
	if (d->has_source) {
		print_int(PRINT_ANY, "source_scope", "/%lld",
			  v6fix_rfc6724_scope(d->src_family, &d->src, pol));
		print_bool(PRINT_JSON, "deprecated", NULL, d->deprecated);
		print_bool(PRINT_JSON, "native", NULL, d->native);
		if (d->deprecated)
			print_text(" deprecated");
	}
	print_text("\n");
	print_close_object();
}

static int policy_explain(int argc, char **argv)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	struct v6fix_rfc6724_dest *gai = NULL, *model = NULL;
	struct addrinfo *res = NULL, *ai;
	struct v6fix_gai_tables t;
	struct v6fix_gaiconf c;
	struct explain_ctx x;
	struct gai_file g;
	const char *host, *port;
	bool found, agrees = true;
	size_t n = 0;
	int rc;

	if (argc < 1 || argc > 2)
		v6fix_usage_error("policy explain needs HOST [PORT]");
	host = argv[0];
	port = argc > 1 ? argv[1] : NULL;
	if (!*host)
		v6fix_invarg("host", host);
	/* glibc takes a numeric service modulo 65536 ("65536" is port 0). */
	if (port && isdigit((unsigned char)*port) && v6fix_parse_u32(port, 65535, &(uint32_t){ 0 }))
		v6fix_invarg("port", port);

	locate(&g);
	if (load(g.read, &c, &found))
		return 1;
	if (v6fix_gaiconf_tables(&c, &t)) {
		v6fix_gaiconf_free(&c);
		v6fix_err("out of memory");
		return 1;
	}

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc == EAI_SERVICE)
		v6fix_usage_error("invalid port \"%s\": %s", port, gai_strerror(rc));
	if (rc) {
		v6fix_err("policy explain: %s: %s", host,
			  rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		goto fail;
	}
	if (load_interfaces(&x))
		goto fail;
	for (ai = res; ai; ai = ai->ai_next)
		n++;
	gai = calloc(n, sizeof(*gai));
	model = calloc(n, sizeof(*model));
	if (!gai || !model) {
		v6fix_err("out of memory");
		goto fail_x;
	}
	n = 0;
	for (ai = res; ai; ai = ai->ai_next) {
		struct v6fix_rfc6724_dest *d = &gai[n];

		if (ai->ai_family == AF_INET6) {
			d->family = AF_INET6;
			d->addr = ((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		} else if (ai->ai_family == AF_INET) {
			d->family = AF_INET;
			v6fix_v4mapped(&d->addr, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr);
		} else {
			continue;
		}
		d->order = n;
		d->has_source = find_source(ai, d);
		if (d->has_source)
			source_details(&x, d);
		else
			d->ifindex = 0xffffffffu;
		n++;
	}

	/*
	 * The model sorts the addresses from the opposite order; only rule 10
	 * looks at the order, and getaddrinfo's is the received order as far
	 * as rules 1-9 leave ties. Any difference is the model's error.
	 */
	for (size_t i = 0; i < n; i++)
		model[i] = gai[n - 1 - i];
	v6fix_rfc6724_sort(model, n, &t.policy);
	for (size_t i = 0; i < n; i++)
		agrees &= model[i].order == gai[i].order;

	print_open_object(NULL);
	print_string(PRINT_ANY, "host", "getaddrinfo(\"%s\"", host);
	if (port)
		print_string(PRINT_ANY, "port", ", \"%s\")", port);
	else
		print_null(PRINT_ANY, "port", ")");
	if (v6fix_opts.netns)
		print_string(PRINT_ANY, "netns", " in namespace %s", v6fix_opts.netns);
	if (g.read)
		print_string(PRINT_ANY, "policy_file", ", policy from %s", g.read);
	else
		print_null(PRINT_ANY, "policy_file", ", glibc's default policy");
	print_text(" (precedence: %s, label: %s)\n",
		   t.precedence_from_file ? "file" : "glibc defaults",
		   t.labels_from_file ? "file" : "glibc defaults");
	print_string(PRINT_JSON, "precedence_table", NULL, t.precedence_from_file ? "file" : "glibc");
	print_string(PRINT_JSON, "label_table", NULL, t.labels_from_file ? "file" : "glibc");

	print_open_array("addresses");
	for (size_t i = 0; i < n; i++)
		print_dest(&gai[i], i, &t.policy);
	print_close_array();

	print_open_array("decisions");
	for (size_t i = 0; i + 1 < n; i++) {
		struct v6fix_rfc6724_why w = { 0 };
		char why[96];

		bool swap = v6fix_rfc6724_compare(&gai[i], &gai[i + 1], &t.policy, &w) > 0;

		describe(&w, why, sizeof(why));
		print_open_object(NULL);
		print_uint(PRINT_JSON, "first", NULL, i);
		print_uint(PRINT_JSON, "second", NULL, i + 1);
		print_uint(PRINT_FP, NULL, "  %llu before ", i + 1);
		print_uint(PRINT_FP, NULL, "%llu: ", i + 2);
		print_int(PRINT_ANY, "rule", "rule %lld", w.rule);
		print_string(PRINT_ANY, "reason", ", %s", v6fix_rfc6724_rule_name(w.rule));
		print_string(PRINT_ANY, "detail", ": %s", why);
		print_bool(PRINT_JSON, "model_agrees", NULL, !swap);
		print_text("%s\n", swap ? " (for the second: the model would swap them)" : "");
		print_close_object();
	}
	print_close_array();

	print_open_array("model_order");
	for (size_t i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN];

		print_string(PRINT_JSON, NULL, NULL,
			     addr_str(model[i].family, &model[i].addr, a, sizeof(a)));
	}
	print_close_array();
	print_bool(PRINT_JSON, "agrees", NULL, agrees);
	if (n > 1)
		print_text("%s\n", agrees ? "v6fix's model of glibc gives the same order" :
			   "v6fix's model of glibc gives a DIFFERENT order");
	print_close_object();
	print_end();
	if (!agrees)
		v6fix_err("policy explain: the model disagrees with getaddrinfo "
			  "(was %s changed since this command started?)",
			  g.read ? g.read : SYSTEM_GAICONF);

	free(x.addrs);
	free(x.links);
	free(gai);
	free(model);
	freeaddrinfo(res);
	v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);
	return agrees ? 0 : 1;

fail_x:
	free(x.addrs);
	free(x.links);
fail:
	free(gai);
	free(model);
	if (res)
		freeaddrinfo(res);
	v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);
	return 1;
}

int do_policy(int argc, char **argv)
{
	bool system = false;
	int n = 0;

	/* --system may stand anywhere; take it out before the strict parsing. */
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--system"))
			system = true;
		else
			argv[n++] = argv[i];
	}
	argc = n;
	if (system && v6fix_opts.netns)
		v6fix_usage_error("--system and -n exclude each other: -n edits "
				  NETNS_ETC "/NETNS/gai.conf");
	/* A bare "policy" prints the usage, as "ip route" does; a bare
	 * "policy --system" is a command line missing its command. */
	if (argc < 1 && system)
		v6fix_usage_error("policy --system needs a command: set, prefer or reset");
	if (argc < 1 || v6fix_is_help(argv[0])) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? V6FIX_EXIT_USAGE : 0;
	}
	if (v6fix_matches(argv[0], "show") || v6fix_matches(argv[0], "list"))
		return policy_show(argc - 1, argv + 1);
	if (!strcmp(argv[0], "set"))
		return policy_set(argc - 1, argv + 1, system);
	if (v6fix_matches(argv[0], "prefer"))
		return policy_prefer(argc - 1, argv + 1, system);
	if (!strcmp(argv[0], "reset"))
		return policy_reset(argc - 1, argv + 1, system);
	if (v6fix_matches(argv[0], "explain"))
		return policy_explain(argc - 1, argv + 1);
	v6fix_usage_error("unknown policy command \"%s\" (try 'v6fix policy help')", argv[0]);
}
