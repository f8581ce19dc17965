// SPDX-License-Identifier: GPL-2.0
/* Entering a named network namespace (see netns.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "netns.h"

#define NETNS_RUN_DIR "/run/netns"
#define NETNS_ETC_DIR "/etc/netns"

int v6fix_netns_name_ok(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < NAME_MAX;
}

static int bind_etc(const char *name)
{
	char dir[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", NETNS_ETC_DIR, name);
	d = opendir(dir);
	if (!d)
		return 0;	/* nothing to bind: the host's /etc applies */

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount("", "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) {
		int err = -errno;

		closedir(d);
		return err;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", dir, e->d_name) >= sizeof(src) ||
		    (size_t)snprintf(dst, sizeof(dst), "/etc/%s", e->d_name) >= sizeof(dst))
			continue;
		/* Like ip netns exec: a file with no namesake is skipped. */
		if (access(dst, F_OK) < 0)
			continue;
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
			int err = -errno;

			closedir(d);
			return err;
		}
	}
	closedir(d);
	return 0;
}

int v6fix_netns_enter(const char *name, const char **why)
{
	char path[PATH_MAX];
	int fd, err;

	if (!v6fix_netns_name_ok(name)) {
		*why = "bad namespace name";
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot open " NETNS_RUN_DIR "/NAME";
		return -errno;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(fd);
		*why = "cannot join the namespace";
		return err;
	}
	close(fd);
	err = bind_etc(name);
	if (err)
		*why = "cannot bind " NETNS_ETC_DIR "/NAME over /etc";
	return err;
}
