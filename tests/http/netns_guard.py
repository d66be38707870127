# SPDX-License-Identifier: GPL-2.0
"""Refuse to send crafted traffic from the host's own network namespace.

The tools that send spoofed or relayed frames run only inside a test's
throw-away namespaces (ip netns exec); in the initial namespace they would
reach real networks.
"""
import os
import sys


def require_test_netns(tool):
    try:
        mine = os.stat("/proc/self/ns/net").st_ino
        init = os.stat("/proc/1/ns/net").st_ino
    except OSError as e:
        sys.exit("%s: cannot compare network namespaces: %s" % (tool, e))
    if mine == init and os.environ.get("XST_ALLOW_INIT_NETNS") != "1":
        sys.exit("%s: refusing to run in the initial network namespace (use ip netns exec)" % tool)
