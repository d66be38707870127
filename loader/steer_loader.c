// SPDX-License-Identifier: GPL-2.0
/*
 * Attach, detach and find the XDP steering program.
 *
 * The interface is the source of truth: the netlink XDP query says which
 * program runs there, its name says whether it is ours, and its map ids lead
 * to the maps. Pins under XST_PIN_ROOT/<ifname> are tried first (they survive
 * a daemon restart on a host with a persistent bpffs), but every `ip netns
 * exec` mounts a fresh /sys, so they cannot be relied upon.
 */
#include "steer_loader.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "core/log.h"
#include "loader_int.h"
#include "steer.skel.h"

#define DISPATCHER_NAME "xdp_dispatcher"

/* What the interface runs, as far as we are concerned. */
struct xdp_state {
	int ifindex;
	uint32_t main_id;	/* program attached to the interface, 0 none */
	uint32_t our_id;	/* our program (main or dispatcher component), 0 none */
	int dispatcher;		/* main program is libxdp's dispatcher */
	enum xst_attach_mode mode;
	__u32 xdp_flags;	/* XDP_FLAGS_DRV_MODE / XDP_FLAGS_SKB_MODE of the attachment */
};

static const char *const map_names[] = {
	XST_MAP_XSKS, XST_MAP_CONFIG, XST_MAP_STATS, XST_MAP_RULES, XST_MAP_LOCAL4,
	XST_MAP_LOCAL6, XST_MAP_BLOCK4, XST_MAP_BLOCK6, XST_MAP_QSTATS, XST_MAP_MACS,
	XST_MAP_SNAMES, XST_MAP_BUCKETS, XST_MAP_VERIFIED4, XST_MAP_VERIFIED6, XST_MAP_GUARD,
	XST_MAP_PEACE, XST_MAP_ALERTS,
};
#define NR_MAPS (sizeof(map_names) / sizeof(map_names[0]))

/* struct xst_steer_maps is NR_MAPS ints in map_names order. */
_Static_assert(sizeof(struct xst_steer_maps) == NR_MAPS * sizeof(int), "maps struct layout");

static int *map_slot(struct xst_steer_maps *m, size_t i)
{
	return &((int *)m)[i];
}

const char *xst_steer_mode_name(enum xst_attach_mode mode)
{
	return mode == XST_MODE_SKB ? "skb" : "native";
}

int xst_steer_mode_parse(const char *s, enum xst_attach_mode *mode)
{
	if (!strcmp(s, "native") || !strcmp(s, "drv"))
		*mode = XST_MODE_NATIVE;
	else if (!strcmp(s, "skb") || !strcmp(s, "generic"))
		*mode = XST_MODE_SKB;
	else
		return -EINVAL;
	return 0;
}

static int prog_name_by_id(uint32_t id, char *name, size_t size)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, err = 0;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	else
		snprintf(name, size, "%s", info.name);
	close(fd);
	return err;
}

/* Our program inside a libxdp dispatcher, or 0. */
static uint32_t find_in_dispatcher(int ifindex)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p = NULL;
	uint32_t id = 0;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (libxdp_get_error(mp))
		return 0;
	while ((p = xdp_multiprog__next_prog(p, mp))) {
		if (!strcmp(xdp_program__name(p), XST_PROG_NAME)) {
			id = xdp_program__id(p);
			break;
		}
	}
	xdp_multiprog__close(mp);
	return id;
}

/* Fill *st for ifname. 0, -ENODEV, or -errno of the query. A foreign program
 * leaves st->our_id 0 with st->main_id set. */
static int query(const char *ifname, struct xdp_state *st)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[BPF_OBJ_NAME_LEN] = "";
	int err;

	memset(st, 0, sizeof(*st));
	st->ifindex = if_nametoindex(ifname);
	if (!st->ifindex)
		return -ENODEV;
	err = bpf_xdp_query(st->ifindex, 0, &q);
	if (err)
		return err;
	if (q.drv_prog_id) {
		st->main_id = q.drv_prog_id;
		st->mode = XST_MODE_NATIVE;
		st->xdp_flags = XDP_FLAGS_DRV_MODE;
	} else if (q.skb_prog_id) {
		st->main_id = q.skb_prog_id;
		st->mode = XST_MODE_SKB;
		st->xdp_flags = XDP_FLAGS_SKB_MODE;
	} else if (q.hw_prog_id) {
		st->main_id = q.hw_prog_id;	/* never ours: we do not offload */
		st->xdp_flags = XDP_FLAGS_HW_MODE;
		return 0;
	} else {
		return 0;
	}
	err = prog_name_by_id(st->main_id, name, sizeof(name));
	if (err)
		return err;
	/* The kernel keeps 15 characters of a program name. */
	if (!strncmp(name, XST_PROG_NAME, BPF_OBJ_NAME_LEN - 1)) {
		st->our_id = st->main_id;
	} else if (!strncmp(name, DISPATCHER_NAME, BPF_OBJ_NAME_LEN - 1)) {
		st->dispatcher = 1;
		st->our_id = find_in_dispatcher(st->ifindex);
	}
	return 0;
}

static int map_id_of_fd(int fd, uint32_t *id, char *name, size_t size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	if (name)
		snprintf(name, size, "%s", info.name);
	return 0;
}

static void maps_init(struct xst_steer_maps *m)
{
	size_t i;

	for (i = 0; i < NR_MAPS; i++)
		*map_slot(m, i) = -1;
}

void xst_steer_maps_close(struct xst_steer_maps *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < NR_MAPS; i++) {
		if (*map_slot(m, i) >= 0)
			close(*map_slot(m, i));
		*map_slot(m, i) = -1;
	}
}

/* Open the maps of program prog_id into *m: pins first when they belong to
 * this very program, else through its map ids. *pinned says which. */
static int maps_of_prog(const char *ifname, uint32_t prog_id, struct xst_steer_maps *m,
			int *pinned)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], nr, i, j;
	char dir[256], path[320], name[BPF_OBJ_NAME_LEN];
	int fd, err = 0, npinned = 0;

	maps_init(m);
	*pinned = 0;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	nr = info.nr_map_ids < 64 ? info.nr_map_ids : 64;

	/* Pins, accepted only when they are this program's maps (a stale pin
	 * of an earlier attachment must not be written to). */
	if (!xst_pin_dir(ifname, dir, sizeof(dir))) {
		for (i = 0; i < NR_MAPS; i++) {
			uint32_t id = 0;

			snprintf(path, sizeof(path), "%s/%s", dir, map_names[i]);
			fd = bpf_obj_get(path);
			if (fd < 0)
				continue;
			if (map_id_of_fd(fd, &id, NULL, 0))
				id = 0;
			for (j = 0; j < nr; j++)
				if (id && id == ids[j])
					break;
			if (j == nr) {
				close(fd);
				continue;
			}
			*map_slot(m, i) = fd;
			npinned++;
		}
	}
	for (j = 0; j < nr; j++) {
		uint32_t id;

		fd = bpf_map_get_fd_by_id(ids[j]);
		if (fd < 0) {
			err = -errno;
			goto err_close;
		}
		if (map_id_of_fd(fd, &id, name, sizeof(name))) {
			close(fd);
			continue;
		}
		for (i = 0; i < NR_MAPS; i++)
			if (!strncmp(name, map_names[i], BPF_OBJ_NAME_LEN - 1))
				break;
		if (i == NR_MAPS || *map_slot(m, i) >= 0) {
			close(fd);	/* .rodata/.bss or already open by pin */
			continue;
		}
		*map_slot(m, i) = fd;
	}
	for (i = 0; i < NR_MAPS; i++) {
		if (*map_slot(m, i) < 0) {
			pr_debug("program %u has no map '%s'\n", prog_id, map_names[i]);
			err = -ENOENT;
			goto err_close;
		}
	}
	*pinned = npinned == (int)NR_MAPS;
	return 0;

err_close:
	xst_steer_maps_close(m);
	return err;
}

/*
 * config_map[0] of program prog_id, whatever its ABI version: found by name
 * among the program's map ids, read into a zeroed buffer of any size up to
 * 64 bytes (v1's was 8 bytes; abi_version is the first field in every
 * version). 0, -ENOENT no config_map (a loader killed before binding), or
 * -errno.
 */
static int config_of_prog(uint32_t prog_id, struct xst_steer_config *cfg)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], nr, j, key = 0;
	__u8 val[256];	/* any ABI version's config (v3: 80 bytes) */
	int fd, err = -ENOENT;

	memset(cfg, 0, sizeof(*cfg));
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	nr = info.nr_map_ids < 64 ? info.nr_map_ids : 64;
	for (j = 0; j < nr; j++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);

		fd = bpf_map_get_fd_by_id(ids[j]);
		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) ||
		    strncmp(mi.name, XST_MAP_CONFIG, BPF_OBJ_NAME_LEN - 1) ||
		    mi.value_size > sizeof(val) || mi.value_size < sizeof(__u32)) {
			close(fd);
			continue;
		}
		memset(val, 0, sizeof(val));
		err = bpf_map_lookup_elem(fd, &key, val) ? -errno : 0;
		close(fd);
		if (!err)
			memcpy(cfg, val, sizeof(*cfg));
		break;
	}
	return err;
}

int xst_iface_rx_queues(const char *ifname)
{
	char path[128];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "rx-", 3))
			n++;
	closedir(d);
	return n;
}

int xst_steer_info(const char *ifname, struct xst_steer_info *info)
{
	struct xst_steer_config cfg = {};
	struct xst_steer_maps m;
	struct xdp_state st;
	int err, pinned = 0, maps_ok;

	memset(info, 0, sizeof(*info));
	err = query(ifname, &st);
	if (err)
		return err;
	info->nr_rx_queues = xst_iface_rx_queues(ifname);
	info->main_prog_id = st.main_id;
	if (!st.our_id)
		return st.main_id && !st.dispatcher ? -EBUSY : 0;
	info->attached = 1;
	info->prog_id = st.our_id;
	info->mode = st.mode;
	info->dispatcher = st.dispatcher;
	/* A loader killed before binding the maps leaves a program whose maps
	 * cannot all be found: that is an incomplete attachment, not an error.
	 * A program of another ABI may lack some of our maps too: its config
	 * is read on its own to tell the two apart. */
	maps_ok = !maps_of_prog(ifname, st.our_id, &m, &pinned);
	if (maps_ok) {
		info->pinned = pinned;
		xst_steer_maps_close(&m);
	}
	err = config_of_prog(st.our_id, &cfg);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	info->abi_version = cfg.abi_version;
	info->flags = cfg.flags;
	info->max_frame = cfg.abi_version == XST_ABI_VERSION ? cfg.max_frame : 0;
	info->complete = maps_ok && cfg.abi_version == XST_ABI_VERSION;
	return 0;
}

int xst_steer_is_attached(const char *ifname)
{
	struct xst_steer_info info;
	int err;

	err = xst_steer_info(ifname, &info);
	if (err)
		return err;
	return info.attached && info.complete;
}

/* Another build's program (config abi_version set and not ours)? */
static int other_abi(uint32_t prog_id)
{
	struct xst_steer_config cfg;

	if (config_of_prog(prog_id, &cfg))
		return 0;
	return cfg.abi_version && cfg.abi_version != XST_ABI_VERSION;
}

int xst_steer_maps_open(const char *ifname, struct xst_steer_maps *m)
{
	struct xdp_state st;
	int err, pinned;

	maps_init(m);
	err = query(ifname, &st);
	if (err)
		return err;
	if (!st.our_id)
		return -ENOENT;
	if (other_abi(st.our_id))
		return -EPROTO;
	return maps_of_prog(ifname, st.our_id, m, &pinned);
}

/* Remove our program from the interface (the kernel keeps the maps alive
 * while our fds or pins hold them). */
static int remove_prog(const struct xdp_state *st)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	struct xdp_program *p;
	int err, fd;

	if (st->dispatcher) {
		p = xdp_program__from_id(st->our_id);
		err = libxdp_get_error(p);
		if (err)
			return err;
		err = xdp_program__detach(p, st->ifindex,
					  st->mode == XST_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE,
					  0);
		xdp_program__close(p);
		return err;
	}
	/* Single-program attach: replace exactly our program with nothing, so a
	 * program attached meanwhile by someone else is never removed. */
	fd = bpf_prog_get_fd_by_id(st->our_id);
	if (fd < 0)
		return -errno;
	opts.old_prog_fd = fd;
	err = bpf_xdp_detach(st->ifindex, st->xdp_flags | XDP_FLAGS_REPLACE, &opts);
	close(fd);
	return err;
}

int xst_steer_detach(const char *ifname)
{
	struct xdp_state st;
	int err, removed = 0;

	err = query(ifname, &st);
	if (err)
		return err;
	if (st.main_id && !st.our_id && !st.dispatcher)
		return -EBUSY;
	if (st.our_id) {
		err = remove_prog(&st);
		if (err)
			return err;
		removed = 1;
	}
	err = xst_pin_remove(ifname);
	if (err < 0)
		return err;
	return removed || err ? 0 : -ENOENT;
}

int xst_steer_attach(const char *ifname, enum xst_attach_mode mode)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .prog_name = XST_PROG_NAME);
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct xst_steer_config cfg = { .abi_version = XST_ABI_VERSION, .flags = XST_F_ENABLED };
	struct xst_steer_maps m;
	struct xdp_program *prog = NULL;
	struct steer_bpf *skel = NULL;
	struct xdp_state st;
	struct bpf_map *map;
	char dir[256], path[320];
	uint8_t mac[6];
	__u32 key = 0;
	int err, nlocal;

	maps_init(&m);
	err = query(ifname, &st);
	if (err)
		return err;
	if (st.main_id && !st.our_id && !st.dispatcher)
		return -EBUSY;
	if (st.our_id) {
		int complete = xst_steer_is_attached(ifname);

		if (complete == 1)
			return -EEXIST;
		/* Another build's complete attachment may be in use by its
		 * daemon: never replace it behind that daemon's back. */
		if (other_abi(st.our_id))
			return -EPROTO;
		/* A loader killed mid-attach: program without config. */
		pr_info("replacing incomplete xdpstorm attachment on '%s'\n", ifname);
		err = remove_prog(&st);
		if (err)
			return err;
	}
	/* No program of ours is attached now: any pins are stale. */
	err = xst_pin_remove(ifname);
	if (err < 0)
		return err;

	err = xst_pin_prepare(ifname, dir, sizeof(dir));
	if (err) {
		pr_debug("prepare pin directory for '%s': %s\n", ifname, strerror(-err));
		goto err_pins;
	}
	xst_kill_point("pin-dir");

	oopts.pin_root_path = dir;
	skel = steer_bpf__open_opts(&oopts);
	if (!skel) {
		err = -errno;
		goto err_pins;
	}
	/* The ABI promises these names; a program without one of them could
	 * never be found again through its map ids. */
	for (size_t i = 0; i < NR_MAPS; i++) {
		if (!bpf_object__find_map_by_name(skel->obj, map_names[i])) {
			pr_err("program object has no map '%s' (steer_abi.h mismatch)\n",
			       map_names[i]);
			err = -ENOENT;
			goto err_destroy;
		}
	}
	/* Pin every map by name whatever the program's own pinning attribute. */
	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__is_internal(map))	/* .rodata/.bss: not ours to pin */
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		err = bpf_map__set_pin_path(map, path);
		if (err)
			goto err_destroy;
	}

	xopts.obj = skel->obj;
	prog = xdp_program__create(&xopts);
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		goto err_destroy;
	}
	err = xdp_program__attach(prog, st.ifindex,
				  mode == XST_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE, 0);
	if (err) {
		pr_debug("attach %s to '%s': %s\n", XST_PROG_NAME, ifname, strerror(-err));
		goto err_destroy;
	}
	xst_kill_point("attach");

	/* Maps the program never touches (qstats_map, guard_map: written by
	 * the daemon, read by xdpstormctl) are not among its map ids unless bound to it:
	 * bind them all so every map is reachable through the program. */
	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__fd(map) < 0)
			continue;
		err = bpf_prog_bind_map(xdp_program__fd(prog), bpf_map__fd(map), NULL);
		if (err) {
			pr_debug("bind map '%s': %s\n", bpf_map__name(map), strerror(-err));
			goto err_detach;
		}
	}
	xst_kill_point("bind");

	/* From here on the program runs with config_map zeroed: disabled, so
	 * every packet is passed until the config is written below. */
	err = query(ifname, &st);
	if (!err && !st.our_id)
		err = -ENOENT;
	if (!err)
		err = maps_of_prog(ifname, st.our_id, &m, &(int){ 0 });
	if (err)
		goto err_detach;
	/* No service rules: the daemon adds those of what it serves. */
	err = xst_iface_mac(ifname, mac);
	if (err < 0)
		goto err_detach;
	if (err == 1) {
		err = xst_steer_mac_add(&m, mac);
		if (err < 0)
			goto err_detach;
		cfg.flags |= XST_F_MAC_ONLY;
	}
	xst_kill_point("macs");

	nlocal = xst_ifaddr_fill(ifname, m.local4, m.local6);
	if (nlocal < 0) {
		err = nlocal;
		goto err_detach;
	}
	if (nlocal > 0)
		cfg.flags |= XST_F_LOCAL_ONLY;
	xst_kill_point("local");

	/* Last: a config with our abi_version marks the attachment complete. */
	if (bpf_map_update_elem(m.config, &key, &cfg, BPF_ANY)) {
		err = -errno;
		goto err_detach;
	}
	xst_kill_point("config");
	pr_debug("attached %s to '%s' (%s mode, program id %u, %s)\n", XST_PROG_NAME, ifname,
		xst_steer_mode_name(st.mode), st.our_id,
		st.dispatcher ? "multi-program dispatcher" : "single-program attach");

	xst_steer_maps_close(&m);
	xdp_program__close(prog);	/* drops our handle, not the attachment */
	steer_bpf__destroy(skel);
	return 0;

err_detach:
	xst_steer_maps_close(&m);
	if (!query(ifname, &st) && st.our_id)
		remove_prog(&st);
err_destroy:
	xdp_program__close(prog);
	steer_bpf__destroy(skel);
err_pins:
	xst_pin_remove(ifname);
	return err;
}

int xst_steer_find_attached(char (*names)[IF_NAMESIZE], int max)
{
	struct if_nameindex *ifs, *i;
	struct xdp_state st;
	int n = 0;

	ifs = if_nameindex();
	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		if (query(i->if_name, &st) || !st.our_id)
			continue;
		if (n < max)
			snprintf(names[n], IF_NAMESIZE, "%s", i->if_name);
		n++;
	}
	if_freenameindex(ifs);
	return n;
}
