# SPDX-License-Identifier: GPL-2.0
#
# mshv_root project commands (this is not a kernel Makefile; the kernel
# build files are drivers/hv/Makefile and tools/testing/mshv/*/Makefile).
#
#   make run     build and boot the rig, run the demo VMM in it
#   make check   every test: uapi, static checks, KUnit + selftests on hvsim
#   make bench   benchmarks (prints numbers)
#
# Both install what they need on Debian 12 (run as root the first time);
# the UML kernel is cached in $(MSHV_CACHE) (default ~/.cache/mshv).

RIG := tools/testing/mshv/rig
MSHV_CACHE ?= $(HOME)/.cache/mshv
export MSHV_CACHE

.PHONY: run check bench deps static clean

run:
	@$(RIG) run -- $(MSHV_CACHE)/build/demo/mshv_demo

check:
	@tools/testing/mshv/check-all

static:
	@$(RIG) static

deps:
	@$(RIG) deps

bench:
	@$(RIG) run --mem 3G --hvsim rep_slice=0 -- $(MSHV_CACHE)/build/bench/mshv_bench
	@$(RIG) run --hvsim scheduler=root -- $(MSHV_CACHE)/build/bench/mshv_bench --run-only

clean:
	find drivers tools -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name 'Module.symvers' \
		-o -name 'modules.order' | xargs rm -f
