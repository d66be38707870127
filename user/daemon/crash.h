/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Clean-up on a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT): the
 * daemon should not leave its XDP program behind when it crashes. The
 * handler runs the clean-up once, bounded by an alarm (a crash inside malloc
 * could make it hang: SIGALRM then ends the process), then the signal's
 * default action (core dump, exit status 128 + signal) takes place as if no
 * handler had been there. SIGKILL cannot be caught: that case is the owner
 * record's (owner.h).
 */
#ifndef XST_DAEMON_CRASH_H
#define XST_DAEMON_CRASH_H

/* Seconds the clean-up may take before SIGALRM ends the process. */
#define XST_CRASH_CLEANUP_SECONDS	3

/* Install the handlers; cleanup(arg) is what they run. 0 or -errno. */
int xst_crash_guard(void (*cleanup)(void *arg), void *arg);

#endif /* XST_DAEMON_CRASH_H */
