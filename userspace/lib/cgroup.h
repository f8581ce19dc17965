/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 directories for v6fix's scopes (softerr set ... cgroup PATH)
 * and for `v6fix run`'s transient cgroup. Functions return 0 or -errno.
 */
#ifndef V6FIX_CGROUP_H
#define V6FIX_CGROUP_H

#include <stddef.h>

/* Where the cgroup v2 hierarchy is mounted (the first mount, per getmntent). */
int v6fix_cgroup_mount(char *buf, size_t len);

/*
 * Open a cgroup v2 directory (O_RDONLY | O_DIRECTORY | O_CLOEXEC): PATH as a
 * file system path if it is a directory of a cgroup2 file system, else as a
 * cgroup path below the mount ("/system.slice/x", as /proc/PID/cgroup and
 * `softerr show` write it). -ENOENT when neither is a cgroup v2 directory.
 */
int v6fix_cgroup_open(const char *path, int *fd);

/* The calling process's cgroup v2 path ("/user.slice/..."), from /proc/self/cgroup. */
int v6fix_cgroup_self(char *buf, size_t len);

#endif
