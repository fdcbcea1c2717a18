// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace driver of the x86 engine fuzzer (x86_fuzz_core.c); build it
 * with ASan/UBSan (make fuzz).  It reports the instructions executed.
 *
 *   x86_fuzz [-n INSTRUCTIONS] [-s SEED]     (default 10000000, seed 1)
 *
 * With -DLIBFUZZER it is a libFuzzer target instead: byte 0 selects the
 * mode, the rest is guest code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "x86_test.h"

#ifdef LIBFUZZER
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct xt t;
	int n;

	if (!t.mem)
		t.mem = calloc(1, XT_MEM_SIZE);
	if (!size)
		return 0;
	xt_fuzz_seed(size ^ ((u64)data[0] << 32));
	xt_fuzz_load(&t, data, size > 0x2001 ? 0x2001 : size);
	for (n = 0; n < 4; n++)
		xt_fuzz_step(&t, 5000);
	return 0;
}
#else
int main(int argc, char **argv)
{
	static struct xt t;
	u64 target = 10000000, done, seed = 1, runs;
	int i;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "-n"))
			target = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-s"))
			seed = strtoull(argv[++i], NULL, 0);
	}
	t.mem = calloc(1, XT_MEM_SIZE);
	if (!t.mem)
		return 2;
	done = xt_fuzz(&t, seed, target, &runs);
	printf("fuzz: seed %llu: %llu instructions in %llu runs\n",
	       (unsigned long long)seed, (unsigned long long)done,
	       (unsigned long long)runs);
	free(t.mem);
	return 0;
}
#endif
