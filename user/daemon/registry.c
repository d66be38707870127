// SPDX-License-Identifier: GPL-2.0
/* The services of the daemon, in the order they are set up and listed. */
#include "daemon/registry.h"

const struct xst_service *const xst_services[] = {
	&xst_service_dns,
	&xst_service_filter,
	&xst_service_http,
	NULL,
};
