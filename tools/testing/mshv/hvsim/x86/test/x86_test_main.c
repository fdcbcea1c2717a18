// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace runner of the hvsim x86 engine tests: one line per case and a
 * final "N passed, N failed"; exit status 1 if any case failed.
 *
 *   x86_test [-o ITERATIONS]	(host-CPU oracle iterations per form)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "x86_test.h"

#ifdef __x86_64__
void xt_oracle(struct xt *t, int iters, unsigned int *pass,
	       unsigned int *fail);
#endif

int main(int argc, char **argv)
{
	static struct xt t;
	unsigned int i, pass = 0, fail = 0;
	int iters = 2000;

	if (argc == 3 && !strcmp(argv[1], "-o"))
		iters = atoi(argv[2]);
	t.mem = calloc(1, XT_MEM_SIZE);
	if (!t.mem)
		return 2;
	for (i = 0; i < xt_ncases; i++) {
		if (xt_run_case(&t, &xt_cases[i])) {
			pass++;
			printf("ok   %s\n", xt_cases[i].name);
		} else {
			fail++;
			printf("FAIL %s: %s (%d checks failed)\n",
			       xt_cases[i].name, t.msg, t.fails);
		}
	}
#ifdef __x86_64__
	xt_oracle(&t, iters, &pass, &fail);
#endif
	printf("%u passed, %u failed\n", pass, fail);
	free(t.mem);
	return fail ? 1 : 0;
}
