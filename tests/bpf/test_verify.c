// SPDX-License-Identifier: GPL-2.0
/*
 * The sock_ops verifier (bpf/verify.bpf.c through loader/verify_ctl.c),
 * with real TCP connections. Runs inside bpf_tests' private network
 * namespace (main() unshares it; loopback is brought up here). Each test
 * makes a cgroup v2 directory of its own (fk9-verify-<pid>) under the
 * cgroup v2 root, attaches the program there, and makes its connections
 * from a child process moved into that cgroup (the program sees the
 * sockets of the cgroup's processes only, so nothing else on the host is
 * verified by it), then removes the directory.
 *
 * Most tests use maps created here with the layouts of steer.bpf.c; one
 * uses the maps of a real attachment (xst_steer_attach on a veth of the
 * namespace), which is how the daemon calls it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

#include <check.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpstorm/steer_abi.h"
#include "steer_loader.h"

#define VERIFY_NS	(30ULL * 1000000000ULL)
#define IF_VERIFY	"fk9v0"		/* veth of the real-attachment test */
#define IF_VERIFY_PEER	"fk9v1"

Suite *verify_suite(void);

static struct xst_steer_maps maps;
static char cg_dir[256];		/* this test's cgroup */

/* ---- helpers ------------------------------------------------------------ */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int is_cgroup2(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == CGROUP2_SUPER_MAGIC;
}

static const char *cgroup2_root(void)
{
	if (is_cgroup2("/sys/fs/cgroup"))
		return "/sys/fs/cgroup";
	if (is_cgroup2("/sys/fs/cgroup/unified"))
		return "/sys/fs/cgroup/unified";
	return NULL;
}

static void set_verify_ns(const struct xst_steer_maps *m, uint64_t ns)
{
	struct xst_steer_config cfg = {};
	__u32 key = 0;

	ck_assert_int_eq(bpf_map_lookup_elem(m->config, &key, &cfg), 0);
	cfg.verify_ns = ns;
	ck_assert_int_eq(bpf_map_update_elem(m->config, &key, &cfg, BPF_ANY), 0);
}

static void add_local(const struct xst_steer_maps *m, int family, const char *addr)
{
	uint8_t a[16];

	ck_assert_int_eq(inet_pton(family, addr, a), 1);
	ck_assert_int_eq(xst_steer_local_add(m, family, a), 0);
}

/* The expiry of addr in verified4/6_map, 0 when absent. */
static uint64_t verified(const struct xst_steer_maps *m, int family, const char *addr)
{
	uint8_t a[16];
	uint64_t exp = 0;

	ck_assert_int_eq(inet_pton(family, addr, a), 1);
	if (bpf_map_lookup_elem(family == AF_INET ? m->verified4 : m->verified6, a, &exp))
		return 0;
	return exp;
}

static int count_entries(int fd, size_t key_size)
{
	uint8_t key[16], next[16];
	int n = 0;
	void *prev = NULL;

	ck_assert(key_size <= sizeof(key));
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

static int verified_count(const struct xst_steer_maps *m)
{
	return count_entries(m->verified4, 4) + count_entries(m->verified6, 16);
}

static void maps_create(struct xst_steer_maps *m)
{
	memset(m, -1, sizeof(*m));
	m->config = bpf_map_create(BPF_MAP_TYPE_ARRAY, "config_map", 4,
				   sizeof(struct xst_steer_config), 1, NULL);
	m->local4 = bpf_map_create(BPF_MAP_TYPE_HASH, "local4_map", 4, 4, XST_MAX_LOCAL_ADDRS, NULL);
	m->local6 = bpf_map_create(BPF_MAP_TYPE_HASH, "local6_map", 16, 4, XST_MAX_LOCAL_ADDRS,
				   NULL);
	m->verified4 = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "verified4_map", 4, 8,
				      XST_MAX_VERIFIED, NULL);
	m->verified6 = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "verified6_map", 16, 8,
				      XST_MAX_VERIFIED, NULL);
	ck_assert(m->config >= 0 && m->local4 >= 0 && m->local6 >= 0 && m->verified4 >= 0 &&
		  m->verified6 >= 0);
}

static void maps_destroy(struct xst_steer_maps *m)
{
	int *fd = (int *)m;

	for (size_t i = 0; i < sizeof(*m) / sizeof(int); i++)
		if (fd[i] >= 0)
			close(fd[i]);
	memset(m, -1, sizeof(*m));
}

/* Programs attached to the cgroup dir for sock_ops (the links included). */
static int cgroup_progs(const char *dir)
{
	__u32 ids[4], cnt = 4;
	int fd, err;

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	err = bpf_prog_query(fd, BPF_CGROUP_SOCK_OPS, 0, NULL, ids, &cnt);
	close(fd);
	ck_assert_msg(!err, "bpf_prog_query %s: %s", dir, strerror(errno));
	return (int)cnt;
}

static int sockaddr_of(int family, const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		return inet_pton(AF_INET, addr, &s->sin_addr) == 1 ? (int)sizeof(*s) : -1;
	}
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	return inet_pton(AF_INET6, addr, &s->sin6_addr) == 1 ? (int)sizeof(*s) : -1;
}

/* In a child moved into cg_dir: a listener on lfam laddr:port (lfam
 * AF_INET6 with laddr "::" is dual-stack), a client from cfam caddr to
 * cfam daddr:port, one accept. Returns 0 when the connection was made. */
static int connect_in_cgroup(int lfam, const char *laddr, int cfam, const char *caddr,
			     const char *daddr, uint16_t port)
{
	char procs[300];
	pid_t pid;
	int status;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sockaddr_storage ss;
		int one = 1, zero = 0, l, c, a, len;
		FILE *f = fopen(procs, "w");

		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			_exit(10);
		l = socket(lfam, SOCK_STREAM, 0);
		if (l < 0)
			_exit(11);
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (lfam == AF_INET6)
			setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, strcmp(laddr, "::") ? &one : &zero,
				   sizeof(int));
		len = sockaddr_of(lfam, laddr, port, &ss);
		if (len < 0 || bind(l, (struct sockaddr *)&ss, len) || listen(l, 4))
			_exit(12);
		c = socket(cfam, SOCK_STREAM, 0);
		len = sockaddr_of(cfam, caddr, 0, &ss);
		if (c < 0 || len < 0 || bind(c, (struct sockaddr *)&ss, len))
			_exit(13);
		len = sockaddr_of(cfam, daddr, port, &ss);
		if (connect(c, (struct sockaddr *)&ss, len))
			_exit(14);
		a = accept(l, NULL, NULL);	/* after the server side is ESTABLISHED */
		if (a < 0)
			_exit(15);
		close(a);
		close(c);
		close(l);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void lo_up(void)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ck_assert_int_eq(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_int_eq(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
}

/* Remove the test cgroups left behind (a failed test exits before its
 * teardown): run once after the test case, in the runner's process. Only
 * empty directories go (rmdir refuses a populated cgroup). */
static void sweep(void)
{
	const char *root = cgroup2_root();
	char path[512];
	struct dirent *e;
	DIR *d;

	if (!root || !(d = opendir(root)))
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "fk9-verify-", 11)) {
			snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
			rmdir(path);
		}
	closedir(d);
}

static void setup(void)
{
	const char *root = cgroup2_root();

	ck_assert_msg(root, "no cgroup v2 hierarchy mounted");
	lo_up();
	snprintf(cg_dir, sizeof(cg_dir), "%s/fk9-verify-%d", root, (int)getpid());
	ck_assert_msg(!mkdir(cg_dir, 0755), "mkdir %s: %s", cg_dir, strerror(errno));
	maps_create(&maps);
	add_local(&maps, AF_INET, "127.0.0.1");
	add_local(&maps, AF_INET6, "::1");
	set_verify_ns(&maps, VERIFY_NS);
}

static void teardown(void)
{
	maps_destroy(&maps);
	if (cg_dir[0] && rmdir(cg_dir))
		fprintf(stderr, "test_verify: rmdir %s: %s\n", cg_dir, strerror(errno));
	cg_dir[0] = 0;
}

static struct xst_verify *attach(const struct xst_steer_maps *m)
{
	struct xst_verify *v = NULL;
	int err = xst_steer_verify_attach(m, cg_dir, &v);

	ck_assert_msg(!err, "xst_steer_verify_attach %s: %s", cg_dir, strerror(-err));
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_ne(xst_steer_verify_prog_id(v), 0);
	ck_assert_int_eq(cgroup_progs(cg_dir), 1);
	return v;
}

/* ---- tests -------------------------------------------------------------- */

/* Port 53 of a local IPv4 address: the client (not the server) address is
 * verified until the connection's time + verify_ns. */
START_TEST(test_verify_v4)
{
	struct xst_verify *v = attach(&maps);
	uint64_t t0 = now_ns(), t1, exp;

	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.1", AF_INET, "127.0.0.2",
					   "127.0.0.1", 53), 0);
	t1 = now_ns();
	exp = verified(&maps, AF_INET, "127.0.0.2");
	ck_assert_msg(exp >= t0 + VERIFY_NS && exp <= t1 + VERIFY_NS,
		      "expiry %llu not in [%llu, %llu]", (unsigned long long)exp,
		      (unsigned long long)(t0 + VERIFY_NS), (unsigned long long)(t1 + VERIFY_NS));
	ck_assert_int_eq(verified_count(&maps), 1);
	xst_steer_verify_detach(v);
}
END_TEST

/* Not port 53, not a local address, verify_ns 0: nothing. */
START_TEST(test_verify_not)
{
	struct xst_verify *v = attach(&maps);

	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.1", AF_INET, "127.0.0.2",
					   "127.0.0.1", 54), 0);
	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.3", AF_INET, "127.0.0.2",
					   "127.0.0.3", 53), 0);
	ck_assert_int_eq(connect_in_cgroup(AF_INET6, "::1", AF_INET6, "::1", "::1", 54), 0);
	set_verify_ns(&maps, 0);
	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.1", AF_INET, "127.0.0.2",
					   "127.0.0.1", 53), 0);
	ck_assert_int_eq(connect_in_cgroup(AF_INET6, "::1", AF_INET6, "::1", "::1", 53), 0);
	ck_assert_int_eq(verified_count(&maps), 0);
	/* the same program verifies once verify_ns is set again: it was the
	 * config, not a dead program, that kept the maps empty */
	set_verify_ns(&maps, VERIFY_NS);
	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.1", AF_INET, "127.0.0.2",
					   "127.0.0.1", 53), 0);
	ck_assert_uint_ne(verified(&maps, AF_INET, "127.0.0.2"), 0);
	ck_assert_int_eq(verified_count(&maps), 1);
	xst_steer_verify_detach(v);
}
END_TEST

START_TEST(test_verify_v6)
{
	struct xst_verify *v = attach(&maps);
	uint64_t t0 = now_ns(), exp;

	ck_assert_int_eq(connect_in_cgroup(AF_INET6, "::1", AF_INET6, "::1", "::1", 53), 0);
	exp = verified(&maps, AF_INET6, "::1");
	ck_assert_uint_ge(exp, t0 + VERIFY_NS);
	ck_assert_uint_le(exp, now_ns() + VERIFY_NS);
	ck_assert_int_eq(count_entries(maps.verified4, 4), 0);
	ck_assert_int_eq(count_entries(maps.verified6, 16), 1);
	xst_steer_verify_detach(v);
}
END_TEST

/* A dual-stack listener accepting an IPv4 client: ::ffff:127.0.0.2 is
 * verified in verified4 as 127.0.0.2 (what XDP sees). */
START_TEST(test_verify_mapped)
{
	struct xst_verify *v = attach(&maps);

	ck_assert_int_eq(connect_in_cgroup(AF_INET6, "::", AF_INET, "127.0.0.2", "127.0.0.1", 53),
			 0);
	ck_assert_uint_ne(verified(&maps, AF_INET, "127.0.0.2"), 0);
	ck_assert_int_eq(count_entries(maps.verified6, 16), 0);
	ck_assert_int_eq(verified_count(&maps), 1);
	xst_steer_verify_detach(v);
}
END_TEST

/* An entry that lasts longer (written by the daemon) is not shortened. */
START_TEST(test_verify_keeps_longer)
{
	struct xst_verify *v = attach(&maps);
	uint8_t a[4];
	uint64_t far = now_ns() + 10 * VERIFY_NS;

	inet_pton(AF_INET, "127.0.0.2", a);
	ck_assert_int_eq(xst_steer_verified_add(&maps, AF_INET, a, far), 0);
	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.1", AF_INET, "127.0.0.2",
					   "127.0.0.1", 53), 0);
	ck_assert_uint_eq(verified(&maps, AF_INET, "127.0.0.2"), far);
	/* a shorter one is extended */
	ck_assert_int_eq(xst_steer_verified_add(&maps, AF_INET, a, 1), 0);
	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.1", AF_INET, "127.0.0.2",
					   "127.0.0.1", 53), 0);
	ck_assert_uint_gt(verified(&maps, AF_INET, "127.0.0.2"), now_ns());
	xst_steer_verify_detach(v);
}
END_TEST

/* After detach the cgroup has no program and connections verify nothing. */
START_TEST(test_verify_detach)
{
	struct xst_verify *v = attach(&maps);

	xst_steer_verify_detach(v);
	ck_assert_int_eq(cgroup_progs(cg_dir), 0);
	ck_assert_int_eq(connect_in_cgroup(AF_INET, "127.0.0.1", AF_INET, "127.0.0.2",
					   "127.0.0.1", 53), 0);
	ck_assert_int_eq(verified_count(&maps), 0);
	xst_steer_verify_detach(NULL);
}
END_TEST

/* The link goes away with the process that made it, SIGKILL included. */
START_TEST(test_verify_crash)
{
	int pipefd[2], status;
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct xst_verify *v = NULL;

		close(pipefd[0]);
		if (xst_steer_verify_attach(&maps, cg_dir, &v))
			_exit(1);
		if (write(pipefd[1], "a", 1) != 1)
			_exit(2);
		pause();
		_exit(3);
	}
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	ck_assert_int_eq(cgroup_progs(cg_dir), 1);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	/* the link is released with the last fd; give the kernel a moment */
	for (int i = 0; i < 100 && cgroup_progs(cg_dir); i++)
		usleep(10000);
	ck_assert_int_eq(cgroup_progs(cg_dir), 0);
}
END_TEST

START_TEST(test_verify_errors)
{
	struct xst_steer_maps m = maps;
	struct xst_verify *v = (struct xst_verify *)&m;	/* must be reset to NULL */

	m.verified6 = -1;
	ck_assert_int_eq(xst_steer_verify_attach(&m, cg_dir, &v), -EBADF);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(xst_steer_verify_attach(&maps, "/tmp", &v), -EMEDIUMTYPE);
	ck_assert_int_eq(xst_steer_verify_attach(&maps, "/nonexistent/fk9", &v), -ENOENT);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(cgroup_progs(cg_dir), 0);
}
END_TEST

/* The maps of a real attachment (as the daemon calls it): the program loads
 * over them (the layouts match steer.bpf.c's) and verifies a client of the
 * veth's address, which xst_steer_attach put into local4_map. */
START_TEST(test_verify_attachment)
{
	struct xst_steer_maps m;
	struct xst_verify *v = NULL;
	int err;

	ck_assert_int_eq(system("ip link add " IF_VERIFY " type veth peer name " IF_VERIFY_PEER
				" && ip link set " IF_VERIFY " up && ip link set " IF_VERIFY_PEER
				" up && ip addr add 10.99.9.1/24 dev " IF_VERIFY
				" && ip addr add 10.99.9.2/24 dev " IF_VERIFY), 0);
	err = xst_steer_attach(IF_VERIFY, XST_MODE_SKB);
	ck_assert_msg(!err, "attach: %s", strerror(-err));
	ck_assert_int_eq(xst_steer_maps_open(IF_VERIFY, &m), 0);
	set_verify_ns(&m, VERIFY_NS);
	err = xst_steer_verify_attach(&m, cg_dir, &v);
	ck_assert_msg(!err, "verify attach: %s", strerror(-err));
	ck_assert_int_eq(connect_in_cgroup(AF_INET, "10.99.9.1", AF_INET, "10.99.9.2", "10.99.9.1",
					   53), 0);
	ck_assert_uint_ne(verified(&m, AF_INET, "10.99.9.2"), 0);
	ck_assert_uint_eq(verified(&m, AF_INET, "127.0.0.2"), 0);
	/* the XDP program reads the same map: the daemon's view agrees */
	ck_assert_int_eq(xst_steer_verified_expire(&m, now_ns()), 1);
	xst_steer_verify_detach(v);
	xst_steer_maps_close(&m);
	ck_assert_int_eq(xst_steer_detach(IF_VERIFY), 0);
	ck_assert_int_eq(system("ip link del " IF_VERIFY), 0);
}
END_TEST

Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("sockops");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_unchecked_fixture(tc, NULL, sweep);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_verify_v4);
	tcase_add_test(tc, test_verify_not);
	tcase_add_test(tc, test_verify_v6);
	tcase_add_test(tc, test_verify_mapped);
	tcase_add_test(tc, test_verify_keeps_longer);
	tcase_add_test(tc, test_verify_detach);
	tcase_add_test(tc, test_verify_crash);
	tcase_add_test(tc, test_verify_errors);
	tcase_add_test(tc, test_verify_attachment);
	suite_add_tcase(s, tc);
	return s;
}
