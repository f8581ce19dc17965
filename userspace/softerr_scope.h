/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scopes of `v6fix softerr` (softerr_scope.c): per cgroup v2 and per
 * socket mark settings, shared by softerr.c and run.c.
 */
#ifndef V6FIX_SOFTERR_SCOPE_H
#define V6FIX_SOFTERR_SCOPE_H

#include <stdbool.h>

#include "genl.h"

/*
 * If argv[0] is a scope key word ("cgroup PATH", "mark M[/MASK]", and with
 * @allow_id "id N"), fill @key (a cgroup is opened: its fd stays open) and
 * return 2, the arguments used; 0 if it is not one. Bad values: exit 2.
 */
int softerr_scope_key(int argc, char **argv, struct v6fix_scope_key *key, bool allow_id);

/* softerr set ... cgroup|mark: create or change the scope. */
int softerr_scope_set(const struct v6fix_scope_key *key, const struct v6fix_config_set *set);

/* softerr del { cgroup PATH | mark M[/MASK] | id N }, softerr flush. */
int softerr_scope_del(int argc, char **argv);
int softerr_scope_flush(int argc, char **argv);

/* The "scopes" array of softerr show, through the one printer. */
int softerr_scope_print(struct v6fix_genl *g);

/* One line for an error of the family, with the kernel's extack (softerr.c). */
int softerr_genl_fail(const char *what, int err);

/* "inet6" / "inet" for AF_INET6 / AF_INET (softerr.c). */
const char *softerr_family_name(unsigned char family);

#endif
