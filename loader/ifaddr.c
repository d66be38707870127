// SPDX-License-Identifier: GPL-2.0
/* Local addresses of an interface into local4_map / local6_map. */
#include "loader_int.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

#include <bpf/bpf.h>

#include "core/log.h"
#include "xdpstorm/steer_abi.h"

int xst_ifaddr_fill(const char *ifname, int local4_fd, int local6_fd)
{
	struct ifaddrs *ifa, *i;
	__u32 one = 1;
	int n = 0, err = 0;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const void *)i->ifa_addr;
			__be32 a = sin->sin_addr.s_addr;	/* network order, as the program reads it */

			if (bpf_map_update_elem(local4_fd, &a, &one, BPF_ANY)) {
				err = -errno;
				break;
			}
			n++;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const void *)i->ifa_addr;
			struct xst_in6 a;

			memcpy(a.addr, &sin6->sin6_addr, sizeof(a.addr));
			if (bpf_map_update_elem(local6_fd, &a, &one, BPF_ANY)) {
				err = -errno;
				break;
			}
			n++;
		}
	}
	freeifaddrs(ifa);
	if (err)
		pr_debug("fill local addresses of '%s': %s\n", ifname, strerror(-err));
	return err ? err : n;
}
