# SPDX-License-Identifier: GPL-2.0
# xdpstorm: one non-recursive Makefile; every output goes under build/.
# `make help` lists the targets.

O        ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
ARCH     := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-6s %s\n' '$(1)' '$(2)';
endif

# pkg-config runs lazily (=), so `make test` on a fresh machine can install
# the packages (deps) before anything asks for their flags.
PKG_CFLAGS = $(shell pkg-config --cflags libxdp libbpf 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs libxdp libbpf 2>/dev/null) -lelf -lz
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

WARN     := -Wall -Wextra -Werror
INCS     := -Iinclude -Iuser -Iloader -I$(O)
CFLAGS   ?= -O2 -g
XCFLAGS  := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -MMD -MP $(INCS) -pthread
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) $(WARN) -MMD -MP \
	      -Iinclude -Ibpf -idirafter /usr/include/$(MULTIARCH)
FUZZFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer

# ---- sources (discovered, so a new file needs no Makefile edit) -----------
BPF_SRCS    := $(wildcard bpf/*.bpf.c)
BPF_OBJS    := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS       := $(patsubst bpf/%.bpf.c,$(O)/%.skel.h,$(BPF_SRCS))

# The userspace libraries, one folder per layer (STYLE.md section 2, checked
# by `make check-layers`), and the daemon's wiring (user/daemon) without its
# main(), so that unit tests reach the worker loop, the services and the
# registry over the in-memory backend.
USER_LAYERS := core net io tcp dnsmsg dns http filter svc daemon
LIB_SRCS    := $(filter-out user/daemon/main.c,$(foreach l,$(USER_LAYERS),$(wildcard user/$(l)/*.c)))
LIB_OBJS    := $(patsubst %.c,$(O)/obj/%.o,$(LIB_SRCS))
SAN_OBJS    := $(patsubst %.c,$(O)/san/%.o,$(LIB_SRCS))
# Fuzzers link the protocol layers, the services and the in-memory I/O
# backend (libxdp's ring helpers are inline), not the AF_XDP socket code.
FUZZLIB_SRCS := $(wildcard user/core/*.c user/net/*.c user/dnsmsg/*.c user/dns/*.c user/tcp/*.c \
			   user/http/*.c user/filter/*.c user/svc/*.c user/io/io.c user/io/mem.c)
FUZZLIB_SRCS := $(filter-out user/svc/dns_tcp.c,$(FUZZLIB_SRCS))
FUZZLIB_OBJS := $(patsubst %.c,$(O)/fuzzobj/%.o,$(FUZZLIB_SRCS))

LOADER_SRCS := $(filter-out loader/xdpstormctl.c,$(wildcard loader/*.c))
LOADER_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(LOADER_SRCS))

DAEMON_SRCS := $(wildcard user/daemon/main.c)
DAEMON_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(DAEMON_SRCS))

UNIT_SRCS   := $(wildcard tests/unit/*.c tests/lib/*.c tools/flood/pkt.c tools/flood/netcheck.c)
UNIT_OBJS   := $(patsubst %.c,$(O)/san/%.o,$(UNIT_SRCS))
# the daemon's wiring (user/daemon) calls the loader: the unit binary links it too
SAN_LOADER_OBJS := $(patsubst %.c,$(O)/san/%.o,$(LOADER_SRCS))
BPFT_SRCS   := $(wildcard tests/bpf/*.c tests/lib/*.c)
BPFT_OBJS   := $(patsubst %.c,$(O)/obj/%.o,$(BPFT_SRCS))
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS     := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(FUZZ_SRCS))
TOOL_SRCS   := $(wildcard tools/*.c)
TOOLS       := $(patsubst tools/%.c,$(O)/tools/%,$(TOOL_SRCS))
# The flood generator (tools/flood/): one binary from its folder; its packet
# builder is also linked into the unit tests (tests/unit/test_flood.c).
FLOOD_SRCS  := $(wildcard tools/flood/*.c)
FLOOD_OBJS  := $(patsubst %.c,$(O)/obj/%.o,$(FLOOD_SRCS))
FLOOD       := $(if $(FLOOD_SRCS),$(O)/xdpstorm-flood)

LIBXST      := $(O)/libxst.a
LIBLOADER   := $(O)/libxstloader.a
CTL         := $(O)/xdpstormctl
DAEMON      := $(if $(wildcard user/daemon/main.c),$(O)/xdpstorm)

.PHONY: all deps test test-unit test-bpf test-net test-dns-diff test-fuzz fuzz demo bench bench-dns \
	bench-load bench-http bench-steer bench-flood install clean help check-layers fmt
.DEFAULT_GOAL := all

all: $(BPF_OBJS) $(SKELS) $(CTL) $(DAEMON) $(TOOLS) $(FLOOD)

help:
	@echo 'xdpstorm make targets:'
	@echo '  all          build/steer.bpf.o, its skeleton, build/xdpstormctl, build/xdpstorm (default)'
	@echo '  deps         install missing Debian packages (apt-get; idempotent, needs root)'
	@echo '  test         deps, all, then unit (ASan/UBSan), BPF, netns and bounded fuzz tests'
	@echo '  test-unit    check unit tests under ASan/UBSan'
	@echo '  test-bpf     BPF_PROG_TEST_RUN tests of the steering program (root)'
	@echo '  test-net     network-namespace integration tests (root)'
	@echo '  test-dns-diff answers compared with NSD on loopback (sample, DNS_DIFF_RANDOM random zones, DNS_DIFF_SETS every-type/DNSSEC sets)'
	@echo '  test-fuzz    each libFuzzer target for FUZZ_SECONDS (default 20) seconds'
	@echo '  fuzz         each libFuzzer target for FUZZ_LONG_SECONDS (default 300) seconds'
	@echo '  demo         deps, all, then the demo on a throw-away netns testbed'
	@echo '  bench        deps, all, then every benchmark (writes docs/BENCHMARKS.md)'
	@echo '  bench-dns    DNS benchmark against NSD and Knot (socket and XDP), then bench-load'
	@echo '  bench-load   zone load time and memory against nsd-checkzone and NSD (no netns)'
	@echo '  bench-http   HTTP benchmark against nginx and h2o (wrk; HTTP section of docs/BENCHMARKS.md)'
	@echo '  bench-flood  flood defences side by side: NSD, NSD RRL, dnsdist, Knot XDP RRL, xdpstorm --dns-filter'
	@echo '  install      binaries to $$(DESTDIR)$$(PREFIX)/sbin, man pages to share/man'
	@echo '  check-layers fail on an #include that crosses the layering rules'
	@echo '  fmt          clang-format every C source in place'
	@echo '  clean        rm -rf build'
	@echo 'Variables: V=1 prints commands, O=DIR moves the output directory.'

deps:
	$(Q)tools/install-deps.sh

# ---- BPF --------------------------------------------------------------------
$(O)/bpf/%.bpf.o: bpf/%.bpf.c
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/%.skel.h: $(O)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

# ---- userspace objects ------------------------------------------------------
$(O)/obj/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(XCFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(O)/san/%.o: %.c | $(SKELS)
	$(call msg,CC-SAN,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(XCFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(O)/fuzzobj/%.o: %.c
	$(call msg,CC-FUZ,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(WARN) -std=gnu11 -D_GNU_SOURCE -MMD -MP $(INCS) $(FUZZFLAGS) -DXST_FUZZ -c $< -o $@

$(LIBXST): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBLOADER): $(LOADER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CTL): $(O)/obj/loader/xdpstormctl.o $(LIBLOADER) $(LIBXST)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(XCFLAGS) -o $@ $^ $(PKG_LIBS)

# The daemon's wiring (in libxst) calls the loader, which calls user/core (in libxst).
$(O)/xdpstorm: $(DAEMON_OBJS) $(LIBLOADER) $(LIBXST)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(XCFLAGS) -o $@ $(DAEMON_OBJS) -Wl,--start-group $(LIBXST) $(LIBLOADER) -Wl,--end-group $(PKG_LIBS) -lpthread

$(O)/xdpstorm-flood: $(FLOOD_OBJS) $(LIBXST)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(XCFLAGS) -o $@ $^

$(O)/tools/%: $(O)/obj/tools/%.o $(LIBXST)
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(XCFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# ---- tests ------------------------------------------------------------------
$(O)/tests/unit_tests: $(UNIT_OBJS) $(SAN_OBJS) $(SAN_LOADER_OBJS)
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(XCFLAGS) $(SANFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

$(O)/tests/bpf_tests: $(BPFT_OBJS) $(LIBLOADER) $(LIBXST)
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(XCFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

$(O)/fuzz/%: tests/fuzz/%.c $(FUZZLIB_OBJS)
	$(call msg,FUZZ,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(WARN) -std=gnu11 -D_GNU_SOURCE $(INCS) $(FUZZFLAGS) -DXST_FUZZ -o $@ $^

FUZZ_SECONDS      ?= 20
FUZZ_LONG_SECONDS ?= 300

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check-layers test-unit test-bpf test-dns-diff test-net test-fuzz

test-unit: $(O)/tests/unit_tests
	$(Q)CK_FORK=yes ASAN_OPTIONS=detect_leaks=1 $(O)/tests/unit_tests

test-bpf: $(O)/tests/bpf_tests
	$(Q)$(O)/tests/bpf_tests

test-net: all
	$(Q)tests/net/run.sh

# The answers of xst_dns_respond() (behind kernel sockets: build/tools/dns-sock)
# against NSD's on loopback: the sample zones, DNS_DIFF_RANDOM random zones, then
# the every-type and DNSSEC sets (DNS_DIFF_SETS, default all: tests/dns/run.sh).
DNS_DIFF_RANDOM ?= 10
test-dns-diff: all
	$(Q)tests/dns/run.sh $(DNS_DIFF_RANDOM)

test-fuzz: $(FUZZERS)
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

fuzz: $(FUZZERS)
	$(Q)tests/fuzz/run.sh $(FUZZ_LONG_SECONDS) $(FUZZERS)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory bench-steer bench-dns bench-http bench-flood

bench-steer: $(O)/tests/bpf_tests
	$(Q)XST_BENCH=1 $(O)/tests/bpf_tests

# The generator's ceiling is measured against this XDP echo (no server).
$(O)/bench/%.bpf.o: tools/bench/%.bpf.c
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# BENCH_SECONDS, BENCH_SIZES, BENCH_RATES, BENCH_SERVERS: see tools/bench/bench-dns.sh
bench-dns: all $(O)/bench/dns_echo.bpf.o
	$(Q)O=$(O) tools/bench/bench-dns.sh

# BENCH_LOAD_SIZES, BENCH_LOAD_ROUNDS: see tools/bench/bench-load.sh
bench-load: all
	$(Q)O=$(O) tools/bench/bench-load.sh

# BENCH_SECONDS, BENCH_ROUNDS, BENCH_HTTP_SIZES, BENCH_HTTP_SERVERS: see tools/bench/bench-http.sh
bench-http: all
	$(Q)O=$(O) tools/bench/bench-http.sh

# BENCH_FLOOD_SECONDS, BENCH_FLOOD_RATES, BENCH_FLOOD_KINDS, BENCH_FLOOD_SERVERS: see tools/bench/bench-flood.sh
bench-flood: all
	$(Q)O=$(O) tools/bench/bench-flood.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(CTL) $(DAEMON) $(DESTDIR)$(PREFIX)/sbin/
	$(if $(wildcard docs/man/*.8),install -m 0644 $(wildcard docs/man/*.8) $(DESTDIR)$(PREFIX)/share/man/man8/)

check-layers:
	$(Q)tools/check-layers.sh

fmt:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(O)

.DELETE_ON_ERROR:
.SECONDARY:
-include $(shell find $(O) -name '*.d' 2>/dev/null)
