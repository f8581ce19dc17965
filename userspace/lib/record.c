// SPDX-License-Identifier: GPL-2.0
/*
 * The record of what v6fix created in a network namespace (record.h): a
 * text file of lines, written whole and renamed into place.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "record.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* The current namespace's name in the record tree. */
static int netns_key(char *buf, size_t len)
{
	uint64_t cookie;
	socklen_t sl = sizeof(cookie);
	struct stat st;
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &sl)) {
		snprintf(buf, len, "%" PRIu64, cookie);
	} else if (stat("/proc/self/ns/net", &st) == 0) {
		/* Before 5.14: the namespace's inode (reused only after it dies). */
		snprintf(buf, len, "ino-%ju", (uintmax_t)st.st_ino);
	} else {
		err = -errno;
	}
	close(fd);
	return err;
}

static int mkdirs(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int v6fix_record_load(const char *kind, struct v6fix_record *rec, const char **why)
{
	char key[64], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int err;

	memset(rec, 0, sizeof(*rec));
	rec->lockfd = -1;
	*why = "the namespace's cookie";
	err = netns_key(key, sizeof(key));
	if (err)
		return err;
	if ((size_t)snprintf(rec->dir, sizeof(rec->dir), "%s/%s", V6FIX_RECORD_ROOT, key) >=
	    sizeof(rec->dir) ||
	    (size_t)snprintf(rec->path, sizeof(rec->path), "%s/%s", rec->dir, kind) >=
	    sizeof(rec->path))
		return -ENAMETOOLONG;
	*why = rec->dir;
	for (;;) {
		struct stat st;

		err = mkdirs(rec->dir);
		if (err)
			return err;
		rec->lockfd = open(rec->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rec->lockfd < 0 || flock(rec->lockfd, LOCK_EX)) {
			err = -errno;
			v6fix_record_free(rec);
			return err;
		}
		/* The holder before us emptied and removed it: make it again. */
		if (fstat(rec->lockfd, &st) || st.st_nlink > 0)
			break;
		close(rec->lockfd);
		rec->lockfd = -1;
	}
	*why = rec->path;
	f = fopen(rec->path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		err = -errno;
		v6fix_record_free(rec);
		return err;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (line[0] && v6fix_record_add(rec, line)) {
			err = -ENOMEM;
			break;
		}
	}
	free(line);
	fclose(f);
	rec->changed = false;
	if (err)
		v6fix_record_free(rec);
	return err;
}

bool v6fix_record_has(const struct v6fix_record *rec, const char *line)
{
	for (size_t i = 0; i < rec->n; i++)
		if (!strcmp(rec->lines[i], line))
			return true;
	return false;
}

int v6fix_record_add(struct v6fix_record *rec, const char *line)
{
	char **lines, *copy;

	if (v6fix_record_has(rec, line))
		return 0;
	copy = strdup(line);
	lines = copy ? realloc(rec->lines, (rec->n + 1) * sizeof(*lines)) : NULL;
	if (!lines) {
		free(copy);
		return -ENOMEM;
	}
	lines[rec->n++] = copy;
	rec->lines = lines;
	rec->changed = true;
	return 0;
}

void v6fix_record_del(struct v6fix_record *rec, const char *line)
{
	for (size_t i = 0; i < rec->n; i++) {
		if (strcmp(rec->lines[i], line))
			continue;
		free(rec->lines[i]);
		memmove(&rec->lines[i], &rec->lines[i + 1], (rec->n - i - 1) * sizeof(*rec->lines));
		rec->n--;
		rec->changed = true;
		return;
	}
}

int v6fix_record_save(struct v6fix_record *rec)
{
	char tmp[PATH_MAX + 8];
	int err = 0;
	FILE *f;

	if (!rec->changed)
		goto out;
	if (!rec->n) {
		if (unlink(rec->path) && errno != ENOENT)
			err = -errno;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", rec->path);
	f = fopen(tmp, "we");
	if (!f) {
		err = -errno;
		goto out;
	}
	for (size_t i = 0; i < rec->n; i++)
		fprintf(f, "%s\n", rec->lines[i]);
	if (fflush(f) || ferror(f))
		err = -(errno ? errno : EIO);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, rec->path))
		err = -errno;
	if (err)
		unlink(tmp);
out:
	v6fix_record_free(rec);
	return err;
}

void v6fix_record_free(struct v6fix_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		free(rec->lines[i]);
	free(rec->lines);
	rec->lines = NULL;
	rec->n = 0;
	if (rec->lockfd >= 0) {
		/*
		 * No state left behind: the directories go once empty (rmdir
		 * fails while a record, of any kind, is still in them).
		 */
		if (!rmdir(rec->dir) && !rmdir(V6FIX_RECORD_ROOT))
			rmdir("/run/v6fix");
		close(rec->lockfd);
	}
	rec->lockfd = -1;
}
