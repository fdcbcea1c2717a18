# SPDX-License-Identifier: GPL-2.0
#
# Layout tests of the /dev/mshv uapi header (include/uapi/linux/mshv.h).
# Needs only a host C and C++ compiler and the host's linux-libc-dev.
#
# Standalone, from this directory:
#   make -f uapi.mk mshv-uapi-check
# From the repository root:
#   make -f tools/testing/selftests/mshv/uapi.mk REPO=. mshv-uapi-check
# Or include it from another Makefile after setting REPO.
#
# Variables:
#   REPO       repository root (default: ../../../.., i.e. run from here)
#   KSRC       kernel source tree; if it has tools/testing/selftests/kselftest.h
#              the C test uses it, otherwise a built-in equivalent
#   UAPI_OUT   build directory (default: $(REPO)/build/mshv-uapi)
#   UAPI_CC, UAPI_CXX  compilers (default: gcc, g++)
#
# mshv-uapi-check builds everything and runs, in this order:
#   1. the header alone in C (c99, gnu11) and C++ (c++11, c++17), with
#      -Wpadded so that any implicit padding is an error;
#   2. a variant of the C test with a deliberately wrong expectation, which
#      must fail (proves that failures are reported; output hidden);
#   3. the C++ test (compile-time checks);
#   4. the C test, whose last line is "N passed, N failed".

REPO ?= ../../../..
KSRC ?= $(HOME)/.cache/mshv/linux-source-6.12
UAPI_OUT ?= $(REPO)/build/mshv-uapi
UAPI_CC ?= gcc
UAPI_CXX ?= g++

# Run standalone (make -f uapi.mk), the default goal is mshv-uapi-check;
# included, the includer's default goal is kept.
ifeq ($(firstword $(MAKEFILE_LIST)),$(lastword $(MAKEFILE_LIST)))
mshv_uapi_saved_goal := mshv-uapi-check
else
mshv_uapi_saved_goal := $(.DEFAULT_GOAL)
endif

MSHV_UAPI_DIR := $(REPO)/tools/testing/selftests/mshv
MSHV_UAPI_HDR := $(REPO)/include/uapi/linux/mshv.h
MSHV_UAPI_INC := -I$(REPO)/include/uapi
MSHV_UAPI_KSFT := $(if $(wildcard $(KSRC)/tools/testing/selftests/kselftest.h),\
	-I$(KSRC)/tools/testing/selftests)
MSHV_UAPI_CFLAGS := -Wall -Wextra -Werror -std=gnu11 $(MSHV_UAPI_INC)
MSHV_UAPI_CXXFLAGS := -Wall -Wextra -Werror -std=c++17 $(MSHV_UAPI_INC)

MSHV_UAPI_C_TEST := $(UAPI_OUT)/uapi_layout_test
MSHV_UAPI_CXX_TEST := $(UAPI_OUT)/uapi_layout_test_cxx
MSHV_UAPI_NEG_TEST := $(UAPI_OUT)/uapi_layout_test_must_fail

.PHONY: mshv-uapi-check mshv-uapi-build mshv-uapi-header mshv-uapi-clean

mshv-uapi-build: $(MSHV_UAPI_C_TEST) $(MSHV_UAPI_CXX_TEST) \
		 $(MSHV_UAPI_NEG_TEST)

$(UAPI_OUT):
	mkdir -p $@

$(MSHV_UAPI_C_TEST): $(MSHV_UAPI_DIR)/uapi_layout_test.c $(MSHV_UAPI_HDR) \
		     | $(UAPI_OUT)
	$(UAPI_CC) $(MSHV_UAPI_CFLAGS) $(MSHV_UAPI_KSFT) -o $@ $<

$(MSHV_UAPI_NEG_TEST): $(MSHV_UAPI_DIR)/uapi_layout_test.c $(MSHV_UAPI_HDR) \
		       | $(UAPI_OUT)
	$(UAPI_CC) $(MSHV_UAPI_CFLAGS) $(MSHV_UAPI_KSFT) \
		-DMSHV_UAPI_TEST_RUNTIME_ONLY -DMSHV_UAPI_TEST_INJECT_FAILURE \
		-o $@ $<

$(MSHV_UAPI_CXX_TEST): $(MSHV_UAPI_DIR)/uapi_layout_test_cxx.cc \
		       $(MSHV_UAPI_HDR) | $(UAPI_OUT)
	$(UAPI_CXX) $(MSHV_UAPI_CXXFLAGS) -o $@ $<

mshv-uapi-header:
	@set -e; for std in c99 gnu11; do \
		echo '#include <linux/mshv.h>' | $(UAPI_CC) -Wall -Wextra \
			-Werror -Wpadded -std=$$std $(MSHV_UAPI_INC) \
			-fsyntax-only -x c -; \
		echo "# linux/mshv.h compiles alone as C ($$std)"; \
	done; \
	for std in c++11 c++17; do \
		echo '#include <linux/mshv.h>' | $(UAPI_CXX) -Wall -Wextra \
			-Werror -Wpadded -std=$$std $(MSHV_UAPI_INC) \
			-fsyntax-only -x c++ -; \
		echo "# linux/mshv.h compiles alone as C++ ($$std)"; \
	done

mshv-uapi-check: mshv-uapi-header mshv-uapi-build
	@if $(MSHV_UAPI_NEG_TEST) > $(MSHV_UAPI_NEG_TEST).log 2>&1; then \
		echo "# the must-fail variant passed: failures are not reported"; \
		exit 1; \
	fi; \
	if ! grep -qx '[0-9]* passed, 1 failed' $(MSHV_UAPI_NEG_TEST).log; then \
		echo "# the must-fail variant did not report exactly 1 failure"; \
		exit 1; \
	fi; \
	echo "# the must-fail variant failed as expected"
	$(MSHV_UAPI_CXX_TEST)
	$(MSHV_UAPI_C_TEST)

mshv-uapi-clean:
	rm -f $(MSHV_UAPI_C_TEST) $(MSHV_UAPI_CXX_TEST) $(MSHV_UAPI_NEG_TEST) \
		$(MSHV_UAPI_NEG_TEST).log
	-rmdir $(UAPI_OUT) 2>/dev/null

.DEFAULT_GOAL := $(mshv_uapi_saved_goal)
