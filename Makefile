# SPDX-License-Identifier: GPL-2.0
#
# v6fix: `make` builds the CLI and the module for every installed Debian
# kernel; `make check` runs every test; `make run` is the main job. Both of
# those install what is missing first (scripts/install-deps). See README.md.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=

# Kernels to build v6fix.ko for: every installed one with headers, unless
# KVERS="..." says otherwise. Evaluated late, so a sub-make started after
# install-deps sees kernels it installed.
KVERS ?= $(shell for d in /lib/modules/*/build; do [ -e "$$d/Makefile" ] && \
	basename "$$(dirname "$$d")"; done 2>/dev/null | sort -V)
# Kernels of our own (scripts/build-kernel: build/kernels/RELEASE/): `make`
# builds v6fix.ko for them too, against their object tree; they are not in
# KVERS (make check-debug runs the VM tests on the debug kernel).
# Not the patched kernels: they have the policies as a sysctl, and a v6fix.ko
# beside them would only invite the matrix or fcnal to compare the module
# with itself.
OWN_KVERS ?= $(sort $(filter-out %-v6fix-patched %-v6fix-patched-nodebug, \
	$(patsubst build/kernels/%/key,%,$(wildcard build/kernels/*/key))))
# The tree a kernel's modules build against: Debian's headers, or ours.
kdir = $(firstword $(patsubst %/Makefile,%,$(wildcard /lib/modules/$(1)/build/Makefile \
	$(CURDIR)/build/kernels/$(1)/obj/Makefile)) /lib/modules/$(1)/build)

# Userspace: C11, warnings are errors. SAN=1 builds a separate tree with
# ASan+UBSan for the tests.
CC ?= cc
PKGS := libnl-genl-3.0 libmnl ldns libcares
ifeq ($(SAN),1)
BUILD := build/asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD := build
SANFLAGS :=
endif
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	  -Wmissing-prototypes -Wstrict-prototypes -Wno-missing-field-initializers \
	  -Iuserspace/lib -Ikmod -DV6FIX_VERSION='"$(VERSION)"' $(SANFLAGS) \
	  $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS += $(SANFLAGS)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

LIB_SRCS := $(sort $(wildcard userspace/lib/*.c))
CLI_SRCS := $(sort $(wildcard userspace/*.c))
TEST_SRCS := $(sort $(wildcard userspace/tests/test_*.c))
LIB_OBJS := $(LIB_SRCS:userspace/%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:userspace/%.c=$(BUILD)/obj/%.o)
TESTS := $(TEST_SRCS:userspace/tests/%.c=$(BUILD)/tests/%)
KMOD_SRCS := Kbuild $(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h)

.PHONY: all cli modules fixtures tests deps check check-all check-unit check-asan \
	check-host check-host-asan check-vm check-large check-fcnal check-debug check-patched tools selftests fuzz fuzz-smoke fuzz-build run install \
	uninstall clean help install-cli install-dkms deb check-package check-kernel-install
.DEFAULT_GOAL := all

all: cli modules tools

# Test tools in C (the VM tests' packet forger): build/netns-tests/.
tools: build/netns-tests/icmp-forge build/netns-tests/reconnect

build/netns-tests/%: netns-tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

# The matrix's Go client (net.Dial), with Debian's golang-go when it is
# there (scripts/install-deps installs it); its build cache stays in build/.
GO ?= $(shell command -v go 2>/dev/null)
ifneq ($(GO),)
tools: build/netns-tests/go-dial
endif
build/netns-tests/go-dial: netns-tests/tools/go-dial.go
	@mkdir -p $(dir $@)
	GOCACHE=$(CURDIR)/build/go-cache GO111MODULE=off GOFLAGS= $(GO) build -trimpath -o $@ $<

help:
	@echo 'make              build build/bin/v6fix and build/<KVER>/v6fix.ko for $(KVERS)'
	@echo 'make check        install what is missing, build, run every test'
	@echo 'make run          install what is missing, build, run the main job'
	@echo 'make check-unit   cmocka unit tests    make check-asan  the same under ASan+UBSan'
	@echo 'make check-host   namespace tests on this host (check-host-asan: CLI under ASan+UBSan)'
	@echo 'make fuzz         every libFuzzer target for FUZZ_SECONDS (default 300) each; fuzz-smoke: 10 s'
	@echo 'make check-vm     module and kernel tests in QEMU, each kernel in KVERS'
	@echo 'make check-large  vm-reliability.sh with the full counts (V6FIX_LARGE=1), each kernel'
	@echo '                  then check-package, check-kernel-install, check-debug and check-patched'
	@echo 'make check-package the .debs installed, autoloaded, set at load, purged in each guest'
	@echo 'make check-kernel-install  a kernel installed after v6fix-dkms gets v6fix.ko (DKMS hook)'
	@echo 'make check-debug  the debug kernel (scripts/build-kernel): its checkers on fixtures, the VM suites on it'
	@echo 'make check-patched the upstream series (build-kernel --patched): vm-patched, fcnal, matrix vs v6fix.ko'
	@echo 'make check-fcnal  upstream fcnal-test.sh (TCP, no VRF) under pass and hard, each kernel'
	@echo 'make selftests    fcnal-test.sh and nettest from linux-source-SERIES into build/selftests/'
	@echo 'make install      PREFIX=$(PREFIX) DESTDIR=$(DESTDIR): CLI, man page, completion, examples, DKMS sources'
	@echo 'make uninstall    remove exactly what make install installed (same PREFIX, DESTDIR)'
	@echo 'make deb          Debian packages v6fix and v6fix-dkms in build/deb/, checked by lintian'

# --- userspace ----------------------------------------------------------------
cli: $(BUILD)/bin/v6fix

$(BUILD)/obj/%.o: userspace/%.c $(wildcard userspace/lib/*.h) kmod/uapi/v6fix.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/lib/libv6fix.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/bin/v6fix: $(CLI_OBJS) $(BUILD)/lib/libv6fix.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

tests: $(TESTS)

$(BUILD)/tests/%: userspace/tests/%.c $(BUILD)/lib/libv6fix.a $(wildcard userspace/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iuserspace $(LDFLAGS) -o $@ $< $(BUILD)/lib/libv6fix.a \
		$(LDLIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# --- fuzzing --------------------------------------------------------------------
# Each userspace/fuzz/fuzz_*.c is a libFuzzer target linked with the lib built
# by clang with coverage and ASan+UBSan (build/fuzz). Committed seeds are in
# userspace/fuzz/corpus/TARGET/; what a run adds goes to build/fuzz/corpus/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g $(filter-out -O2 -g $(SANFLAGS),$(CFLAGS)) $(FUZZ_SAN)
FUZZ_SRCS := $(sort $(wildcard userspace/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_SRCS:userspace/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJS := $(LIB_SRCS:userspace/%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: userspace/%.c $(wildcard userspace/lib/*.h) kmod/uapi/v6fix.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libv6fix.a: $(FUZZ_LIB_OBJS)
	$(AR) rcs $@ $^

build/fuzz/fuzz_%: userspace/fuzz/fuzz_%.c userspace/fuzz/fuzz.h build/fuzz/libv6fix.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libv6fix.a $(LDLIBS)

fuzz-build: $(FUZZ_TARGETS) build/bin/v6fix

# The CLI's argument parsers exit(2) and touch the system, so they are fuzzed
# by exec (userspace/fuzz/argv-fuzz.py, ASan build, isolated namespaces).
fuzz: fuzz-build
	@$(MAKE) --no-print-directory SAN=1 cli
	@userspace/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@$(MAKE) --no-print-directory SAN=1 cli
	@userspace/fuzz/run 10 $(FUZZ_TARGETS)

# --- the module, once per kernel ------------------------------------------------
# Kbuild before 6.13 writes objects next to the sources, so each kernel
# builds from its own copy under build/<KVER>/mod (cp -p keeps mtimes, so
# unchanged sources are not rebuilt). W=1: the tree must build without warnings.
MOD_KVERS = $(sort $(KVERS) $(OWN_KVERS))
modules: $(MOD_KVERS:%=build/%/v6fix.ko)

build/%/v6fix.ko: $(KMOD_SRCS)
	@test -e $(call kdir,$*)/Makefile || { echo "no headers for kernel $*" >&2; exit 1; }
	@mkdir -p build/$*/mod/kmod/uapi
	@cp -p Kbuild build/$*/mod/
	@cp -p kmod/*.c kmod/*.h build/$*/mod/kmod/
	@cp -p kmod/uapi/*.h build/$*/mod/kmod/uapi/
	$(MAKE) -C $(call kdir,$*) M=$(CURDIR)/build/$*/mod W=1 \
		KCFLAGS=-Werror V6FIX_VERSION=$(VERSION) modules
	cp build/$*/mod/v6fix.ko $@

# --- upstream's fcnal-test.sh and nettest, from Debian's linux-source ----------
# build/selftests/SERIES/ (SERIES 6.1, 6.12: one per kernel in KVERS): the
# tree's tools/testing/selftests/net/ from /usr/src/linux-source-SERIES.tar.xz
# (installed by scripts/install-deps; reading it takes about a minute, once)
# and nettest built from it. netns-tests/peer-fcnal.sh runs them in the VM.
# A series whose linux-source is not installed is left out with a note (and
# vm-fcnal.sh, in make check's VM stage, skips that kernel); check-fcnal and
# check-large then fail on it.
KSERIES = $(sort $(foreach k,$(KVERS),$(word 1,$(subst ., ,$(k))).$(word 2,$(subst ., ,$(k)))))
KSERIES_SRC = $(foreach s,$(KSERIES),$(if $(wildcard /usr/src/linux-source-$(s).tar.xz),$(s)))
selftests: $(foreach s,$(KSERIES_SRC),build/selftests/$(s)/nettest)
	@for s in $(filter-out $(KSERIES_SRC),$(KSERIES)); do \
		echo "selftests: no /usr/src/linux-source-$$s.tar.xz (scripts/install-deps): fcnal-test.sh skipped on $$s"; \
	done

build/selftests/%/fcnal-test.sh:
	@test -r /usr/src/linux-source-$*.tar.xz || \
		{ echo "no /usr/src/linux-source-$*.tar.xz: run scripts/install-deps" >&2; exit 1; }
	@rm -rf build/selftests/$* && mkdir -p build/selftests/$*.tmp
	tar -xaf /usr/src/linux-source-$*.tar.xz -C build/selftests/$*.tmp \
		--strip-components=5 linux-source-$*/tools/testing/selftests/net/
	@mv build/selftests/$*.tmp build/selftests/$*

.PRECIOUS: build/selftests/%/fcnal-test.sh
build/selftests/%/nettest: build/selftests/%/fcnal-test.sh
	$(CC) -O2 -g -Wall -Wl,--no-as-needed -o $@ build/selftests/$*/nettest.c

# A module that WARNs on load: proves vm-run fails on a WARN.
build/%/fixtures/v6fix_warn_fixture.ko: netns-tests/fixtures/warn/warn.c
	@mkdir -p build/$*/fixtures/warn
	@cp -p netns-tests/fixtures/warn/* build/$*/fixtures/warn/
	$(MAKE) -C $(call kdir,$*) M=$(CURDIR)/build/$*/fixtures/warn modules
	cp build/$*/fixtures/warn/v6fix_warn_fixture.ko $@

fixtures: $(KVERS:%=build/%/fixtures/v6fix_warn_fixture.ko)

# A module that commits the sin its parameter names: proves the debug
# kernel's checkers fail a run (netns-tests/harness-debug.sh).
build/%/fixtures/v6fix_debug_fixture.ko: netns-tests/fixtures/debug/sins.c netns-tests/fixtures/debug/Kbuild
	@mkdir -p build/$*/fixtures/debug
	@cp -p netns-tests/fixtures/debug/* build/$*/fixtures/debug/
	$(MAKE) -C $(call kdir,$*) M=$(CURDIR)/build/$*/fixtures/debug W=1 KCFLAGS=-Werror modules
	cp build/$*/fixtures/debug/v6fix_debug_fixture.ko $@

# --- tests ----------------------------------------------------------------------
deps:
	@V6FIX_QUIET=1 scripts/install-deps

# check and run start with deps, then re-enter make so that KVERS and the
# pkg-config flags are evaluated with everything installed.
check: deps
	@$(MAKE) --no-print-directory check-all

check-all: all tests fixtures fuzz-build selftests
	@$(MAKE) --no-print-directory SAN=1 tests cli
	@scripts/check $(KVERS)

check-unit: tests
	@netns-tests/run-unit $(TESTS)

check-asan:
	@$(MAKE) --no-print-directory SAN=1 tests
	@UNIT_LABEL=asan netns-tests/run-unit $(TESTS:build/%=build/asan/%)

check-host: cli
	@netns-tests/run host

# The host tests again with the CLI built with ASan+UBSan: any report fails.
check-host-asan:
	@$(MAKE) --no-print-directory SAN=1 cli
	@netns-tests/run-sanitized host

check-vm: all fixtures selftests
	@netns-tests/run harness $(KVERS)
	@set -e; for k in $(KVERS); do \
		echo "== VM tests on $$k"; \
		scripts/vm-run -k $$k -t 3600 -m 2G -- netns-tests/run vm; \
	done

# The debug kernel (scripts/build-kernel: KASAN, lockdep, kmemleak, ...): built
# or found in build/kernels/, each checker proved on a fixture that commits
# its sin, then the module's VM suites on it and a kmemleak scan after the
# last unload. Any splat fails the run (scripts/vm-run).
DEBUG_KVER = $(shell scripts/build-kernel --print-release)
DEBUG_TESTS := vm-module.sh vm-softerr.sh vm-softerr-codes.sh vm-softerr-spoof.sh \
	vm-softerr-stock.sh vm-reliability.sh vm-debate.sh debug-kmemleak.sh
check-debug: cli tools
	@scripts/build-kernel
	@$(MAKE) --no-print-directory KVERS=$(DEBUG_KVER) OWN_KVERS= modules \
		build/$(DEBUG_KVER)/fixtures/v6fix_debug_fixture.ko
	@V6FIX_DEBUG_KVER=$(DEBUG_KVER) netns-tests/run netns-tests/harness-debug.sh
	@echo "== VM tests on $(DEBUG_KVER)"
	@scripts/vm-run -k $(DEBUG_KVER) -t 7200 -m 2G -- netns-tests/run $(DEBUG_TESTS:%=netns-tests/%)

# The upstream series (kmod/upstream/) on its own kernel (scripts/build-kernel
# --patched: the debug configuration with the patches): vm-patched.sh, upstream's
# fcnal-test.sh error path by the sysctl, and the fallback matrix on it and on
# Debian's 6.12 with v6fix.ko side by side in one run, compared cell by cell
# into results/patched-vs-module.{md,json}.
# The matrix's times want a kernel without KASAN and lockdep, so by default
# it runs on build-kernel --patched --no-debug (2026-12-02: 180 of 180 cells
# within 100 ms of v6fix.ko; on the debug build 67 differed by time only);
# PATCHED_MATRIX=debug runs it on the debug build instead.
PATCHED_KVER = $(shell scripts/build-kernel --patched --print-release)
PATCHED_MATRIX ?= nodebug
PATCHED_MX_OPTS = --patched $(if $(filter nodebug,$(PATCHED_MATRIX)),--no-debug)
PATCHED_MX_KVER = $(shell scripts/build-kernel $(PATCHED_MX_OPTS) --print-release)
PATCHED_REF ?= 6.12.117+deb12-amd64
PATCHED_OUT ?= build/patched-matrix
check-patched: cli tools selftests
	@scripts/build-kernel --patched
	@scripts/build-kernel $(PATCHED_MX_OPTS)
	@$(MAKE) --no-print-directory KVERS=$(PATCHED_REF) OWN_KVERS= modules
	@echo "== vm-patched.sh and fcnal-test.sh (error path) on $(PATCHED_KVER)"
	@scripts/vm-run -k $(PATCHED_KVER) -t 7200 -m 2G -- \
		netns-tests/run netns-tests/vm-patched.sh netns-tests/vm-fcnal.sh
	@echo "== the fallback matrix on $(PATCHED_REF) (v6fix.ko) and $(PATCHED_MX_KVER)"
	@MX_VM_TIMEOUT=$${MX_VM_TIMEOUT:-7200} scripts/fallback-matrix --no-host \
		--kernels "$(PATCHED_REF) $(PATCHED_MX_KVER)" --out $(PATCHED_OUT)
	@scripts/matrix-compare --reference $(PATCHED_REF) --candidate $(PATCHED_MX_KVER) \
		--out results/patched-$(if $(filter debug,$(PATCHED_MATRIX)),debug-)vs-module \
		$(PATCHED_OUT)/matrix.json

# Upstream's fcnal-test.sh (netns-tests/peer-fcnal.sh) in the VM: the TCP
# functions without VRF (nor TCP-MD5) under pass and hard; check-large:
# every group under every policy.
FCNAL_ALL := ipv4_ping ipv4_tcp ipv4_udp ipv4_bind ipv4_runtime ipv4_netfilter \
	ipv6_ping ipv6_tcp ipv6_udp ipv6_bind ipv6_runtime ipv6_netfilter use_cases
check-fcnal: all selftests
	@set -e; for k in $(KVERS); do \
		echo "== fcnal-test.sh on $$k"; \
		scripts/vm-run -k $$k -t 3600 -m 2G -- \
			env V6FIX_FCNAL_MD5=0 netns-tests/run fcnal; \
	done

# The reliability test with the issue's full counts (100,000 malformed errors
# per policy, 10,000 spoofed, 1,000 connects, 1,000 namespaces): long.
# Then the Debian packages in each guest (check-package), a kernel installed
# after v6fix-dkms (check-kernel-install), and the debug kernel (check-debug:
# its build alone is most of an hour on 2 cores).
check-large: all selftests
	@set -e; for k in $(KVERS); do \
		echo "== vm-reliability.sh, large, on $$k"; \
		scripts/vm-run -k $$k -t 5400 -m 2G -- \
			env V6FIX_LARGE=1 netns-tests/run netns-tests/vm-reliability.sh; \
		echo "== fcnal-test.sh, every group and policy, on $$k"; \
		scripts/vm-run -k $$k -t 21600 -m 2G -- \
			env V6FIX_FCNAL_POLICIES="stock pass hard rfc1122 bsd" \
			V6FIX_FCNAL_UPDATE=$${V6FIX_FCNAL_UPDATE:-0} \
			V6FIX_FCNAL_TESTS="$(FCNAL_ALL)" netns-tests/run fcnal; \
	done
	@$(MAKE) --no-print-directory check-package
	@$(MAKE) --no-print-directory check-kernel-install
	@$(MAKE) --no-print-directory check-debug
	@$(MAKE) --no-print-directory check-patched

# The Debian packages installed for real in each kernel's guest (whole root
# a throwaway overlay): DKMS, autoload, boot-time sysctl, purge. 90 min per
# guest: at load 13-15 the 6.12 package test took 50 min, the 6.1 kernel
# test 40 min (README, "On test hosts").
check-package: cli
	@$(MAKE) --no-print-directory deb
	@set -e; for k in $(KVERS); do \
		echo "== package tests on $$k"; \
		scripts/vm-run --overlay-root -k $$k -t 5400 -m 2G -- netns-tests/run vmroot package; \
	done

# A kernel installed after the package gets v6fix.ko from DKMS (slow under
# TCG: in check-large); the kernel's .debs come from scripts/fetch-kernel-debs.
check-kernel-install: cli
	@$(MAKE) --no-print-directory deb
	@scripts/fetch-kernel-debs >/dev/null
	@set -e; for k in $(KVERS); do \
		echo "== kernel installed after v6fix-dkms, on $$k"; \
		scripts/vm-run --overlay-root -k $$k -t 5400 -m 2G -- netns-tests/run vmroot kernel; \
	done

# The main job: the fallback matrix on the host and on every VM kernel
# (scripts/fallback-matrix; MATRIX_ARGS="--full" for stock settings).
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/fallback-matrix $(MATRIX_ARGS)

# --- install --------------------------------------------------------------------
# What the Debian packages hold, installed by hand: install-cli is package
# v6fix, install-dkms package v6fix-dkms (contrib/debian/rules calls both).
# uninstall removes exactly these files and v6fix's own directories (the
# examples, /usr/src/v6fix-VERSION), never a shared one such as share/man.
DOCDIR := $(PREFIX)/share/doc/v6fix
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
DKMSDIR := /usr/src/v6fix-$(VERSION)
INSTALL_CLI_FILES := $(PREFIX)/sbin/v6fix $(PREFIX)/share/man/man8/v6fix.8 \
	/etc/iproute2/rt_protos.d/v6fix.conf $(COMPLETIONDIR)/v6fix \
	$(DOCDIR)/examples/sysctl.d/60-v6fix.conf $(DOCDIR)/examples/modprobe.d/v6fix.conf
INSTALL_DKMS_FILES := /lib/modprobe.d/v6fix-sysctl.conf

install: install-cli install-dkms

install-cli: cli
	install -D -m 0755 build/bin/v6fix $(DESTDIR)$(PREFIX)/sbin/v6fix
	install -D -m 0644 userspace/v6fix.8 $(DESTDIR)$(PREFIX)/share/man/man8/v6fix.8
	install -D -m 0644 userspace/v6fix.rt_protos $(DESTDIR)/etc/iproute2/rt_protos.d/v6fix.conf
	install -D -m 0644 userspace/v6fix.bash-completion $(DESTDIR)$(COMPLETIONDIR)/v6fix
	install -D -m 0644 contrib/sysctl.d/60-v6fix.conf $(DESTDIR)$(DOCDIR)/examples/sysctl.d/60-v6fix.conf
	install -D -m 0644 contrib/modprobe.d/v6fix.conf $(DESTDIR)$(DOCDIR)/examples/modprobe.d/v6fix.conf

# The module sources for DKMS; dkms.conf gets the version here (dh_dkms -V
# does the same in the package). The modprobe.d hook applies the sysctl.d
# settings of net.v6fix.* when the module loads (kmod/modprobe.d/).
install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)/kmod/uapi
	install -m 0644 Kbuild $(DESTDIR)$(DKMSDIR)/
	sed 's/#MODULE_VERSION#/$(VERSION)/g' kmod/dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf
	install -m 0644 kmod/*.c kmod/*.h $(DESTDIR)$(DKMSDIR)/kmod/
	install -m 0644 kmod/uapi/*.h $(DESTDIR)$(DKMSDIR)/kmod/uapi/
	install -D -m 0644 kmod/modprobe.d/v6fix-sysctl.conf $(DESTDIR)/lib/modprobe.d/v6fix-sysctl.conf

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_CLI_FILES) $(INSTALL_DKMS_FILES))
	rm -rf $(DESTDIR)$(DKMSDIR)
	-rmdir $(DESTDIR)$(DOCDIR)/examples/sysctl.d $(DESTDIR)$(DOCDIR)/examples/modprobe.d \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

# --- Debian packages ------------------------------------------------------------
# contrib/debian/ is staged with the sources into build/deb/src/v6fix-VERSION
# (the top level keeps no debian/), its changelog written from VERSION; the
# .debs land in build/deb/, lintian's verdict in build/deb/lintian.txt.
deb:
	@scripts/build-deb $(VERSION)

clean:
	rm -rf build
