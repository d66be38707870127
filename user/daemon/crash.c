// SPDX-License-Identifier: GPL-2.0
/*
 * Fatal-signal clean-up (crash.h). The handler's target lives in file-scope
 * variables because a signal handler has no other way to reach it; they are
 * written once at start-up, before any worker runs, and are not part of the
 * data path.
 */
#include "daemon/crash.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void (*crash_cleanup)(void *arg);
static void *crash_arg;
static volatile sig_atomic_t crash_running;

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

static void say(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));

	(void)r;
}

/* strsignal() is not async-signal-safe. */
static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGABRT: return "SIGABRT";
	default: return "?";
	}
}

static void on_fatal(int sig)
{
	/* A second fatal signal (the clean-up itself crashed, or another
	 * thread crashed meanwhile) goes straight to the default action. */
	if (!crash_running) {
		crash_running = 1;
		alarm(XST_CRASH_CLEANUP_SECONDS);
		say("xdpstorm: fatal signal ");
		say(signal_name(sig));
		say("; cleaning up the interface before exiting\n");
		crash_cleanup(crash_arg);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int xst_crash_guard(void (*cleanup)(void *arg), void *arg)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	/* SA_NODEFER: the re-raise in the handler must not wait for its return. */
	sa.sa_flags = SA_NODEFER;
	crash_cleanup = cleanup;
	crash_arg = arg;
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		if (sigaction(fatal_signals[i], &sa, NULL))
			return -errno;
	return 0;
}
