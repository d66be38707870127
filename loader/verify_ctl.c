// SPDX-License-Identifier: GPL-2.0
/*
 * The sock_ops verifier (bpf/verify.bpf.c): load it over the maps of an
 * attachment and attach it to a cgroup v2 through a bpf_link.
 *
 * A bpf_link, not BPF_PROG_ATTACH: the link lives as long as its fd, so the
 * program leaves the cgroup when the daemon exits, a crash or SIGKILL
 * included, and a stale program can never keep verifying for maps nobody
 * reads any more. Nothing is pinned for the same reason.
 */
#include "steer_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "verify.skel.h"

#define CGROUP_ROOT		"/sys/fs/cgroup"
#define CGROUP_ROOT_HYBRID	"/sys/fs/cgroup/unified"	/* systemd's hybrid layout */

struct xst_verify {
	struct verify_bpf *skel;
	struct bpf_link *link;
};

/* Open path as a cgroup v2 directory: the fd, or -errno (-EMEDIUMTYPE a
 * directory of another file system, e.g. the tmpfs of a v1 hierarchy). */
static int cgroup_open(const char *path)
{
	struct statfs st;
	int fd, err;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &st)) {
		err = -errno;
		goto fail;
	}
	if (st.f_type != CGROUP2_SUPER_MAGIC) {
		err = -EMEDIUMTYPE;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

/* NULL: the cgroup v2 root, wherever the distribution mounted it. */
static int cgroup_open_default(const char *path)
{
	int fd;

	if (path)
		return cgroup_open(path);
	fd = cgroup_open(CGROUP_ROOT);
	if (fd != -EMEDIUMTYPE)
		return fd;
	fd = cgroup_open(CGROUP_ROOT_HYBRID);
	return fd == -ENOENT ? -EMEDIUMTYPE : fd;	/* say why the root did not do */
}

static int reuse(struct bpf_map *map, int fd)
{
	if (fd < 0)
		return -EBADF;
	return bpf_map__reuse_fd(map, fd);
}

int xst_steer_verify_attach(const struct xst_steer_maps *m, const char *cgroup_path,
			    struct xst_verify **out)
{
	struct xst_verify *v;
	struct bpf_link *link;
	int cgfd, err;

	*out = NULL;
	if (m->config < 0 || m->local4 < 0 || m->local6 < 0 || m->verified4 < 0 ||
	    m->verified6 < 0)
		return -EBADF;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	cgfd = cgroup_open_default(cgroup_path);
	if (cgfd < 0) {
		err = cgfd;
		goto fail;
	}
	v->skel = verify_bpf__open();
	if (!v->skel) {
		err = -errno;
		goto fail;
	}
	/* The object's maps are only layouts: every one is the attachment's. */
	err = reuse(v->skel->maps.config_map, m->config);
	if (!err)
		err = reuse(v->skel->maps.local4_map, m->local4);
	if (!err)
		err = reuse(v->skel->maps.local6_map, m->local6);
	if (!err)
		err = reuse(v->skel->maps.verified4_map, m->verified4);
	if (!err)
		err = reuse(v->skel->maps.verified6_map, m->verified6);
	if (err)
		goto fail;
	err = verify_bpf__load(v->skel);
	if (err)
		goto fail;
	link = bpf_program__attach_cgroup(v->skel->progs.xst_verify, cgfd);
	if (!link) {
		err = -errno;
		goto fail;
	}
	v->link = link;
	close(cgfd);		/* the link holds the cgroup */
	*out = v;
	return 0;
fail:
	if (cgfd >= 0)
		close(cgfd);
	verify_bpf__destroy(v->skel);
	free(v);
	return err ? err : -EINVAL;
}

void xst_steer_verify_detach(struct xst_verify *v)
{
	if (!v)
		return;
	bpf_link__destroy(v->link);
	verify_bpf__destroy(v->skel);
	free(v);
}

uint32_t xst_steer_verify_prog_id(const struct xst_verify *v)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (!v || !v->skel)
		return 0;
	if (bpf_obj_get_info_by_fd(bpf_program__fd(v->skel->progs.xst_verify), &info, &len))
		return 0;
	return info.id;
}
