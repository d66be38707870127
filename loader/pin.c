// SPDX-License-Identifier: GPL-2.0
/* bpffs mounting and the pin directory XST_PIN_ROOT/<ifname>. */
#include "loader_int.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "core/log.h"
#include "xdpstorm/steer_abi.h"

#define BPFFS_ROOT "/sys/fs/bpf"

bool xst_pin_is_bpffs(const char *path)
{
	struct statfs st;

	if (statfs(path, &st))
		return false;
	return st.f_type == BPF_FS_MAGIC;
}

int xst_pin_dir(const char *ifname, char *dir, size_t size)
{
	int n = snprintf(dir, size, "%s/%s", XST_PIN_ROOT, ifname);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int mkdir_one(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Mount a bpffs on /sys/fs/bpf. Inside `ip netns exec` this lands in the
 * command's private mount namespace and disappears with it: the maps stay
 * reachable through the attached program (see steer_loader.c). */
static int mount_bpffs(void)
{
	int err;

	if (xst_pin_is_bpffs(BPFFS_ROOT))
		return 0;
	err = mkdir_one(BPFFS_ROOT);
	if (err)
		return err;
	if (mount("bpf", BPFFS_ROOT, "bpf", 0, "mode=0700")) {
		err = -errno;
		pr_debug("mount bpffs '%s': %s\n", BPFFS_ROOT, strerror(errno));
		return err;
	}
	return 0;
}

int xst_pin_prepare(const char *ifname, char *dir, size_t size)
{
	int err;

	err = xst_pin_dir(ifname, dir, size);
	if (err)
		return err;
	err = mount_bpffs();
	if (err)
		return err;
	err = mkdir_one(XST_PIN_ROOT);
	if (err)
		return err;
	return mkdir_one(dir);
}

int xst_pin_remove(const char *ifname)
{
	char dir[256], path[512];
	struct dirent *de;
	int removed = 0, err = 0;
	DIR *d;

	if (!xst_pin_is_bpffs(BPFFS_ROOT))
		return 0;
	if (xst_pin_dir(ifname, dir, sizeof(dir)))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path)) {
			err = -errno;
			pr_debug("unlink pin '%s': %s\n", path, strerror(errno));
			continue;
		}
		removed = 1;
	}
	closedir(d);
	if (rmdir(dir) == 0)
		removed = 1;
	else if (!err)
		err = -errno;
	rmdir(XST_PIN_ROOT);	/* only succeeds when no other interface uses it */
	return err ? err : removed;
}

void xst_kill_point(const char *step)
{
	const char *want = getenv("XST_TEST_KILL_AFTER");

	if (want && !strcmp(want, step)) {
		fprintf(stderr, "xdpstorm: XST_TEST_KILL_AFTER=%s: killing myself\n", step);
		raise(SIGKILL);
	}
}
