// SPDX-License-Identifier: GPL-2.0
/* cgroup v2 directories (see cgroup.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup.h"

int v6fix_cgroup_mount(char *buf, size_t len)
{
	struct mntent *m;
	FILE *f;
	int ret = -ENOENT;

	f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		if ((size_t)snprintf(buf, len, "%s", m->mnt_dir) >= len)
			ret = -ENAMETOOLONG;
		else
			ret = 0;
		break;
	}
	endmntent(f);
	return ret;
}

/* @fd is a directory of a cgroup2 file system. */
static int is_cgroup2(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (!is_cgroup2(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

int v6fix_cgroup_open(const char *path, int *fdp)
{
	char mnt[4096], *full;
	int fd, ret;

	if (!*path)
		return -ENOENT;
	fd = open_dir(path);
	if (fd < 0) {
		ret = v6fix_cgroup_mount(mnt, sizeof(mnt));
		if (ret)
			return ret;
		if (asprintf(&full, "%s/%s", mnt, path + (*path == '/')) < 0)
			return -ENOMEM;
		fd = open_dir(full);
		free(full);
	}
	if (fd < 0)
		return -ENOENT;
	*fdp = fd;
	return 0;
}

int v6fix_cgroup_self(char *buf, size_t len)
{
	char *line = NULL;
	size_t n = 0;
	FILE *f;
	int ret = -ENOENT;

	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -errno;
	/* cgroup v2's line is "0::PATH". */
	while (getline(&line, &n, f) > 0) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		ret = (size_t)snprintf(buf, len, "%s", line + 3) >= len ? -ENAMETOOLONG : 0;
		break;
	}
	free(line);
	fclose(f);
	return ret;
}
