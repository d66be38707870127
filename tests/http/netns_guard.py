# SPDX-License-Identifier: GPL-2.0
"""Refuse to send crafted traffic outside a test's own network namespace.

The tools that send spoofed or relayed frames run only inside the throw-away
namespaces of tools/testbed.sh and tests/http/relay.sh (ip netns exec, names
starting "xst-"); anywhere else they could reach real networks.
"""
import glob
import os
import sys


def require_test_netns(tool):
    try:
        me = os.stat("/proc/self/ns/net")
    except OSError as e:
        sys.exit("%s: cannot see my network namespace: %s" % (tool, e))
    for path in glob.glob("/run/netns/xst-*"):
        try:
            st = os.stat(path)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (me.st_dev, me.st_ino):
            return os.path.basename(path)
    sys.exit("%s: refusing to run outside a test namespace (ip netns exec xst-...)" % tool)
