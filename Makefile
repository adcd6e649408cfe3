# SPDX-License-Identifier: GPL-2.0-only
# crosslat top-level build: kernel modules (per target kernel), ust/, userspace/, analyze/,
# checks.
#
#   make                 modules for KDIR + ust + userspace + analyze
#   make modules         kernel modules only (KDIR=... to pick a kernel build dir)
#   make modules-debug   modules + KUnit suites + harness fixtures for the debug kernel
#   make modules-6.12    compile-only check against Debian 12's 6.12 headers
#   make analyze         crosslat-analyze, the offline trace analyzer (libbabeltrace2)
#   make check           everything: deps, builds, unit, fuzz smoke, KUnit, VM tests
#   make demo            the pipeline demo in a guest (scripts/demo)
#   make fuzz            long libFuzzer runs (FUZZ_SECONDS per target)
#   make bench           benchmarks (instruction counts of the portable fast path)
#   make bench-guest     in-guest overhead of crosslat_rtt vs tcpdump and bpftrace (~7 min;
#                        BENCH_GUEST_ARGS="--rounds 30 ..." see tests/bench/rtt-overhead -h)
#   make bench-map       in-guest overhead of crosslat_map on VXLAN pod-to-pod iperf3 (~5 min)
#   make bench-span      in-guest cost of span tracking on nginx and python http.server (~15 min)
#   make bench-reqdag    in-guest cost of crosslat_req + its LTTng capture on the three-tier
#                        test application, and the speed of crosslat-analyze dags (~12 min)
#   make bench-align     time and peak memory of crosslat-analyze align on two guests' traces
#                        against a babeltrace2 decode of both (~10 min)
#   make bench-metrics   crosslat_metrics: guest instructions per scheduler probe call beside
#                        an empty probe, then perf bench sched pipe under each mode beside
#                        bcc's and bpftrace's runqlat (~25 min)
#   make style           checkpatch.pl + sparse over kmod/
#   make install         modules_install + depmod + tools (on a real host)

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD ?= $(TOP)/build
KDIR ?= $(shell $(TOP)/scripts/kdir default)
# A built lttng-modules tree for KDIR (default: the one scripts/deps built, if any).
LTTNG_DIR ?=
V ?= 0

# kmod_build(KDIR, extra make args, tree): mirror the sources as a symlink farm in one output
# directory per kernel release, so several kernels can be built side by side. Tree "kmod"
# holds what `make install` installs; tree "kmod-tests" adds KUnit suites and the harness's
# deliberately broken fixtures, and is never installed.
define kmod_build
	@set -e; rel=$$($(TOP)/scripts/kdir release $(1)); out=$(BUILD)/$(3)/$$rel; \
	lttng=$(if $(LTTNG_DIR),$(LTTNG_DIR),$$($(TOP)/scripts/kdir lttng $(1))); \
	mkdir -p $$out; \
	cp -as --remove-destination $(TOP)/Kbuild $(TOP)/kmod $$out/; \
	mkdir -p $$out/tests/harness; \
	cp -as --remove-destination $(TOP)/tests/kunit $$out/tests/; \
	cp -as --remove-destination $(TOP)/tests/harness/fixtures $$out/tests/harness/; \
	find $$out -xtype l -delete; \
	extra="$(2)"; \
	case "$$extra" in *NO_LTTNG*) lttng= ;; esac; \
	if [ -n "$$lttng" ]; then \
		extra="$$extra CONFIG_CROSSLAT_LTTNG=y LTTNG_SRC=$$lttng KBUILD_EXTRA_SYMBOLS=$$lttng/Module.symvers"; \
	else \
		case "$$extra" in *NO_LTTNG*) ;; *) echo "note: lttng-modules not built for $$rel (scripts/deps stock): skipping lttng-probe-crosslat.ko" ;; esac; \
	fi; \
	echo "  KMOD    $$rel -> $$out"; \
	$(MAKE) -C $(1) M=$$out V=$(V) $$extra modules
endef

.PHONY: all modules modules-debug modules-fixtures modules-bench modules-6.12 ust userspace analyze \
	check demo \
	fuzz bench bench-guest bench-map bench-span bench-reqdag bench-align bench-metrics style \
	install clean deps

all: modules ust userspace analyze

deps:
	$(TOP)/scripts/deps all

modules:
	$(call kmod_build,$(KDIR),,kmod)

modules-debug:
	$(call kmod_build,$(shell $(TOP)/scripts/kdir debug),,kmod)
	$(call kmod_build,$(shell $(TOP)/scripts/kdir debug),NO_LTTNG=1 CONFIG_CROSSLAT_KUNIT=y CONFIG_CROSSLAT_FIXTURES=y,kmod-tests)

modules-fixtures:
	$(call kmod_build,$(KDIR),NO_LTTNG=1 CONFIG_CROSSLAT_FIXTURES=y,kmod-tests)

# The benchmark build of crosslat_metrics (its probes' microbenchmark in debugfs), never
# installed: tests/bench/metrics-micro.
modules-bench:
	$(call kmod_build,$(KDIR),NO_LTTNG=1 CONFIG_CROSSLAT_BENCH=y,kmod-bench)

modules-6.12:
	$(call kmod_build,$(shell $(TOP)/scripts/kdir 6.12),NO_LTTNG=1,kmod)

ust:
	$(MAKE) -C $(TOP)/ust O=$(BUILD)/ust

userspace: ust
	$(MAKE) -C $(TOP)/userspace O=$(BUILD)/userspace

analyze:
	$(MAKE) -C $(TOP)/analyze O=$(BUILD)/analyze

check:
	$(TOP)/scripts/check

demo:
	$(TOP)/scripts/demo

fuzz:
	$(MAKE) -C $(TOP)/tests/fuzz long O=$(BUILD)/fuzz

bench:
	$(MAKE) --no-print-directory -C $(TOP)/tests/bench callgrind O=$(BUILD)/bench

# Not part of `check`: a measurement (paired rounds of iperf3 in a qemu guest), not a test.
bench-guest: modules
	$(TOP)/tests/bench/rtt-overhead $(BENCH_GUEST_ARGS)

# The same over the VXLAN overlay testbed: pod to pod with and without crosslat_map.
bench-map: modules
	$(TOP)/tests/bench/rtt-overhead --topology vxlan --modes base,base2,map,tcpdump \
		--rounds 12 $(BENCH_GUEST_ARGS)

# Span tracking: guest instructions per operation, then crosslat_span + the LD_PRELOAD library
# on nginx and python3 -m http.server.
bench-span: modules ust
	$(TOP)/tests/bench/span-micro
	$(TOP)/tests/bench/span-overhead --server nginx $(BENCH_GUEST_ARGS)
	$(TOP)/tests/bench/span-overhead --server python $(BENCH_GUEST_ARGS)

bench-reqdag: modules analyze
	$(TOP)/tests/bench/reqdag-overhead $(BENCH_GUEST_ARGS)

bench-align: modules analyze
	$(TOP)/tests/bench/align-speed $(BENCH_GUEST_ARGS)

bench-metrics: modules userspace
	$(TOP)/tests/bench/metrics-micro
	$(TOP)/tests/bench/metrics-overhead $(BENCH_GUEST_ARGS)

style:
	$(TOP)/scripts/style

install: all
	@set -e; rel=$$($(TOP)/scripts/kdir release $(KDIR)); \
	$(MAKE) -C $(KDIR) M=$(BUILD)/kmod/$$rel INSTALL_MOD_DIR=updates/crosslat modules_install; \
	depmod -a $$rel
	$(MAKE) -C $(TOP)/userspace O=$(BUILD)/userspace install
	$(MAKE) -C $(TOP)/analyze O=$(BUILD)/analyze install
	$(MAKE) -C $(TOP)/ust O=$(BUILD)/ust install

clean:
	rm -rf $(BUILD)
