// SPDX-License-Identifier: GPL-2.0
#include "daemon/owner.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void owner_path(const char *ifname, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s.owner", XST_OWNER_DIR, ifname);
}

int xst_owner_write(const char *ifname, uint32_t prog_id)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int err = 0;

	if (mkdir(XST_OWNER_DIR, 0755) && errno != EEXIST)
		return -errno;
	owner_path(ifname, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%ld %u\n", (long)getpid(), prog_id) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))	/* never a half-written record */
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* 0 and the record's fields, or -ENOENT when there is no usable record. */
static int read_record(const char *ifname, long *pid, unsigned int *id)
{
	char path[PATH_MAX];
	FILE *f;
	int n;

	owner_path(ifname, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	n = fscanf(f, "%ld %u", pid, id);
	fclose(f);
	if (n != 2 || *pid <= 0 || *pid > INT_MAX)
		return -ENOENT;
	return 0;
}

int xst_owner_alive(const char *ifname)
{
	unsigned int id;
	long pid;

	if (read_record(ifname, &pid, &id) || pid == (long)getpid())
		return 0;
	if (kill((pid_t)pid, 0) && errno == ESRCH)
		return 0;
	return (int)pid;
}

int xst_owner_orphaned(const char *ifname, uint32_t prog_id)
{
	unsigned int id;
	long pid;

	if (read_record(ifname, &pid, &id) || id != prog_id)
		return 0;
	if (!kill((pid_t)pid, 0) || errno != ESRCH)
		return 0;	/* still running (or not ours to ask): leave it */
	return (int)pid;
}

void xst_owner_remove(const char *ifname)
{
	char path[PATH_MAX];

	owner_path(ifname, path, sizeof(path));
	unlink(path);
}
