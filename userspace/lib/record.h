/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What v6fix created in a network namespace, so that it can undo exactly
 * its own state later: the kernel keeps no owner with an address label, so
 * `label add` writes one line per entry it made to
 * /run/v6fix/netns/COOKIE/KIND and `label del`, `flush` and `reset` read
 * and update it. COOKIE is the namespace's SO_NETNS_COOKIE (never reused
 * while the system runs; /run goes at reboot, as the entries do), so the
 * record follows the namespace whether it was entered with -n or not.
 *
 * A record is held locked (flock on its directory) from load to save or
 * free: two v6fix runs in one namespace do not lose each other's lines.
 */
#ifndef V6FIX_RECORD_H
#define V6FIX_RECORD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define V6FIX_RECORD_ROOT "/run/v6fix/netns"

struct v6fix_record {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	char **lines;
	size_t n;
	int lockfd;
	bool changed;
};

/*
 * Load (and lock) record @kind of the current network namespace; a missing
 * record is an empty one, created only when saved with lines. 0 or -errno,
 * with @why naming the step that failed.
 */
int v6fix_record_load(const char *kind, struct v6fix_record *rec, const char **why);
bool v6fix_record_has(const struct v6fix_record *rec, const char *line);
/* Add @line unless present; 0 or -ENOMEM. */
int v6fix_record_add(struct v6fix_record *rec, const char *line);
/* Drop @line if present. */
void v6fix_record_del(struct v6fix_record *rec, const char *line);
/*
 * Write the record back if it changed (a new file renamed over the old
 * one); an empty record removes its file and directory. Then unlock and
 * free. 0 or -errno.
 */
int v6fix_record_save(struct v6fix_record *rec);
/* Unlock and free without writing. */
void v6fix_record_free(struct v6fix_record *rec);

#endif
