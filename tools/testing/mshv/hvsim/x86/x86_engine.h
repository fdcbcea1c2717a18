/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvsim x86 execution engine: an interpreter of a documented subset of
 * x86-64 that runs a virtual processor's register state against guest
 * memory reached only through a GPA-access callback, and stops with an
 * exit carrying what a Hyper-V intercept message needs.
 *
 * The supported modes and instructions are listed in README in this
 * directory (reStructuredText, ready for Documentation/virt/mshv/).
 *
 * Contract in one paragraph: x86_run() executes instructions until one of
 * them needs the caller (I/O port, unmapped or disallowed GPA, HLT, an
 * intercepted CPUID/MSR/exception, a triple fault), until @budget
 * instructions have retired, or until the cancel callback says stop.  For
 * every intercept exit except HLT, RIP is left at the instruction and no
 * architectural state (registers or guest memory) has been changed by it;
 * for a REP string instruction, the iterations already completed stay
 * completed (RCX/RSI/RDI reflect them) and the exit is for the next one.
 */
#ifndef _HVSIM_X86_ENGINE_H
#define _HVSIM_X86_ENGINE_H

#include "x86_engine_compat.h"

/* GPR indexes (hardware encoding order). */
enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_NR_GPRS
};

/* Segment register indexes (hardware encoding order). */
enum x86_sreg {
	X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS, X86_NR_SREGS
};

/* RFLAGS bits. */
#define X86_FLAGS_CF	BIT_ULL(0)
#define X86_FLAGS_FIXED	BIT_ULL(1)
#define X86_FLAGS_PF	BIT_ULL(2)
#define X86_FLAGS_AF	BIT_ULL(4)
#define X86_FLAGS_ZF	BIT_ULL(6)
#define X86_FLAGS_SF	BIT_ULL(7)
#define X86_FLAGS_TF	BIT_ULL(8)
#define X86_FLAGS_IF	BIT_ULL(9)
#define X86_FLAGS_DF	BIT_ULL(10)
#define X86_FLAGS_OF	BIT_ULL(11)
#define X86_FLAGS_IOPL	(3ULL << 12)
#define X86_FLAGS_NT	BIT_ULL(14)
#define X86_FLAGS_RF	BIT_ULL(16)
#define X86_FLAGS_VM	BIT_ULL(17)
#define X86_FLAGS_AC	BIT_ULL(18)
#define X86_FLAGS_ID	BIT_ULL(21)

#define X86_CR0_PE	BIT_ULL(0)
#define X86_CR0_MP	BIT_ULL(1)
#define X86_CR0_EM	BIT_ULL(2)
#define X86_CR0_TS	BIT_ULL(3)
#define X86_CR0_ET	BIT_ULL(4)
#define X86_CR0_NE	BIT_ULL(5)
#define X86_CR0_WP	BIT_ULL(16)
#define X86_CR0_AM	BIT_ULL(18)
#define X86_CR0_NW	BIT_ULL(29)
#define X86_CR0_CD	BIT_ULL(30)
#define X86_CR0_PG	BIT_ULL(31)

#define X86_CR4_PSE	BIT_ULL(4)
#define X86_CR4_PAE	BIT_ULL(5)
#define X86_CR4_PGE	BIT_ULL(7)
#define X86_CR4_OSFXSR	BIT_ULL(9)
#define X86_CR4_OSXMMEXCPT BIT_ULL(10)

#define X86_EFER_SCE	BIT_ULL(0)
#define X86_EFER_LME	BIT_ULL(8)
#define X86_EFER_LMA	BIT_ULL(10)
#define X86_EFER_NXE	BIT_ULL(11)

/* Segment attribute bits, Hyper-V register format (hv-abi §11.4.2). */
#define X86_SEG_TYPE	0x000f
#define X86_SEG_S	0x0010
#define X86_SEG_DPL	0x0060
#define X86_SEG_P	0x0080
#define X86_SEG_AVL	0x1000
#define X86_SEG_L	0x2000
#define X86_SEG_DB	0x4000
#define X86_SEG_G	0x8000

/* Exception vectors. */
enum x86_vector {
	X86_DE = 0, X86_DB = 1, X86_NMI = 2, X86_BP = 3, X86_OF = 4,
	X86_BR = 5, X86_UD = 6, X86_NM = 7, X86_DF = 8, X86_TS = 10,
	X86_NP = 11, X86_SS_VEC = 12, X86_GP = 13, X86_PF = 14, X86_MF = 16,
	X86_AC = 17,
};

/* #PF error code bits. */
#define X86_PF_P	BIT(0)
#define X86_PF_W	BIT(1)
#define X86_PF_U	BIT(2)
#define X86_PF_RSVD	BIT(3)
#define X86_PF_I	BIT(4)

/**
 * struct x86_segment - a segment register with its descriptor cache
 * @base: linear base address
 * @limit: byte-granular limit (already expanded if G=1)
 * @selector: visible selector
 * @attributes: Hyper-V attribute format: bits 0-3 type, 4 S, 5-6 DPL,
 *	7 P, 12 AVL, 13 L, 14 D/B, 15 G (the layout of
 *	HV_X64_REGISTER_ES..GS, TR, LDTR values)
 *
 * Same field order and sizes as the 16-byte Hyper-V segment register value,
 * so hvsim can copy it field by field.
 */
struct x86_segment {
	u64 base;
	u32 limit;
	u16 selector;
	u16 attributes;
};

/**
 * struct x86_table - GDTR/IDTR
 * @base: linear base
 * @limit: limit in bytes
 */
struct x86_table {
	u64 base;
	u16 limit;
};

/**
 * struct x86_cpu - architectural state of one virtual processor
 * @gpr: RAX..R15, indexed by &enum x86_gpr
 * @rip: instruction pointer
 * @rflags: flags; bit 1 is always set
 * @seg: ES, CS, SS, DS, FS, GS (descriptor caches included), indexed by
 *	&enum x86_sreg; FS/GS bases are the FS_BASE/GS_BASE MSRs
 * @tr: task register (used for the ring-0 stack on privilege changes)
 * @ldtr: local descriptor table register
 * @gdtr: global descriptor table register
 * @idtr: interrupt descriptor table register
 * @cr0: control register 0
 * @cr2: page-fault linear address
 * @cr3: page-table base
 * @cr4: control register 4
 * @cr8: task priority (bits 3:0)
 * @efer: extended feature enable register (LMA maintained by the engine)
 * @dr: debug registers DR0-DR3 (stored only)
 * @dr6: DR6 (stored only)
 * @dr7: DR7 (stored only)
 * @tsc: time-stamp counter used when &x86_env.read_tsc is NULL; the engine
 *	advances it by one per retired instruction
 * @apic_base: IA32_APIC_BASE (stored only)
 * @kernel_gs_base: IA32_KERNEL_GS_BASE (SWAPGS)
 * @star: STAR MSR (stored only)
 * @lstar: LSTAR MSR (stored only)
 * @cstar: CSTAR MSR (stored only)
 * @sfmask: SFMASK MSR (stored only)
 * @sysenter_cs: IA32_SYSENTER_CS (stored only)
 * @sysenter_esp: IA32_SYSENTER_ESP (stored only)
 * @sysenter_eip: IA32_SYSENTER_EIP (stored only)
 * @pat: IA32_PAT (stored only)
 * @xcr0: XCR0 (stored only)
 * @interrupt_shadow: STI / MOV SS blocking for the next instruction
 * @nmi_masked: stored for the caller (HV_REGISTER_INTERRUPT_STATE bit 1)
 * @halted: set by HLT, cleared when an interrupt is injected
 * @retired: instructions retired since creation (REP iterations count one
 *	each), for statistics
 */
struct x86_cpu {
	u64 gpr[X86_NR_GPRS];
	u64 rip;
	u64 rflags;
	struct x86_segment seg[X86_NR_SREGS];
	struct x86_segment tr;
	struct x86_segment ldtr;
	struct x86_table gdtr;
	struct x86_table idtr;
	u64 cr0, cr2, cr3, cr4, cr8;
	u64 efer;
	u64 dr[4], dr6, dr7;
	u64 tsc;
	u64 apic_base;
	u64 kernel_gs_base;
	u64 star, lstar, cstar, sfmask;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 pat;
	u64 xcr0;
	bool interrupt_shadow;
	bool nmi_masked;
	bool halted;
	u64 retired;
};

/* Access types; the values are the TLFS intercept_access_type values. */
enum x86_access {
	X86_ACCESS_READ = 0,
	X86_ACCESS_WRITE = 1,
	X86_ACCESS_EXECUTE = 2,
};

/* Results of &x86_env.gpa_access. */
enum x86_gpa_result {
	X86_GPA_OK = 0,
	X86_GPA_UNMAPPED = 1,	/* -> HVMSG_UNMAPPED_GPA */
	X86_GPA_DENIED = 2,	/* mapped, access not allowed -> HVMSG_GPA_INTERCEPT */
};

/* Results of &x86_env.msr. */
enum x86_msr_result {
	X86_MSR_UNHANDLED = 0,	/* engine handles it (its MSRs, else #GP) */
	X86_MSR_HANDLED = 1,	/* callback did it (read: *value filled) */
	X86_MSR_EXIT = 2,	/* intercept installed: exit to the caller */
	X86_MSR_GP = 3,		/* inject #GP(0) */
};

/**
 * struct x86_env - the caller's side: guest memory and policy callbacks
 * @ctx: passed back to every callback
 * @gpa_access: access @len bytes at guest physical @gpa; never crosses a
 *	4 KiB boundary.  @buf == NULL means "probe only": report whether the
 *	access would be allowed without doing it (the engine probes every
 *	write of an instruction before performing any, so an instruction is
 *	either completed or has no effect).  On a successful write the caller
 *	marks the page accessed/dirty.  Page-table accessed/dirty updates are
 *	written through this callback too.  Returns &enum x86_gpa_result.
 *	Required.
 * @msr: consulted first for every RDMSR/WRMSR (@write: *@value holds the
 *	value to write); returns &enum x86_msr_result.  Optional.
 * @cpuid: consulted for every CPUID; @res (EAX, EBX, ECX, EDX) holds the
 *	engine's default result on entry and may be changed.  Returns true to
 *	exit with %X86_EXIT_CPUID (an intercept is installed).  Optional.
 * @read_tsc: value for RDTSC/RDMSR(IA32_TSC); optional (else &x86_cpu.tsc).
 * @cancel: polled at entry and every %X86_CANCEL_INTERVAL instructions;
 *	true stops the run with %X86_EXIT_CANCELLED.  Optional.
 * @exception_bitmap: bit n set: exception vector n exits with
 *	%X86_EXIT_EXCEPTION instead of being delivered to the guest.
 * @write_sink: optional; consulted for a write that @gpa_access reports
 *	%X86_GPA_UNMAPPED.  With @commit false it only answers whether the
 *	caller takes the write (@data, @len: the bytes written at @gpa, never
 *	crossing a page); with @commit true -- once the whole instruction has
 *	succeeded -- the caller performs it.  A taken write completes without
 *	an exit and without touching guest memory (hvsim: doorbells).
 * @irq_window_exit: exit with %X86_EXIT_IRQ_WINDOW before the next
 *	instruction as soon as an external interrupt can be injected
 *	(x86_can_inject_interrupt()); set it while an interrupt is pending.
 */
struct x86_env {
	void *ctx;
	int (*gpa_access)(void *ctx, u64 gpa, void *buf, unsigned int len,
			  enum x86_access type);
	int (*msr)(void *ctx, u32 index, bool write, u64 *value);
	bool (*cpuid)(void *ctx, u32 leaf, u32 subleaf, u32 res[4]);
	u64 (*read_tsc)(void *ctx);
	bool (*cancel)(void *ctx);
	bool (*write_sink)(void *ctx, u64 gpa, const void *data, unsigned int len,
			   bool commit);
	u32 exception_bitmap;
	bool irq_window_exit;
};

#define X86_CANCEL_INTERVAL	256

enum x86_exit_reason {
	X86_EXIT_NONE = 0,
	X86_EXIT_IO,		/* IN/OUT/INS/OUTS, always */
	X86_EXIT_MEMORY,	/* unmapped or disallowed GPA */
	X86_EXIT_HLT,		/* HLT retired: RIP is past it, cpu->halted set */
	X86_EXIT_CPUID,		/* &x86_env.cpuid returned true */
	X86_EXIT_MSR,		/* &x86_env.msr returned %X86_MSR_EXIT */
	X86_EXIT_EXCEPTION,	/* vector set in &x86_env.exception_bitmap */
	X86_EXIT_TRIPLE_FAULT,	/* -> HVMSG_UNRECOVERABLE_EXCEPTION */
	X86_EXIT_BUDGET,	/* budget instructions retired */
	X86_EXIT_CANCELLED,	/* &x86_env.cancel returned true */
	X86_EXIT_IRQ_WINDOW,	/* &x86_env.irq_window_exit and IF=1, no shadow */
};

#define X86_SCRATCH_WORDS	320

/**
 * struct x86_exit - why x86_run() stopped, with the intercept payload
 * @reason: &enum x86_exit_reason
 * @rip: RIP of the instruction that caused the exit (== cpu->rip except
 *	for HLT, where cpu->rip is past the HLT)
 * @access: READ/WRITE/EXECUTE for MEMORY; READ (IN) / WRITE (OUT) for IO;
 *	READ/WRITE for MSR
 * @insn_len: length of the instruction (0 if it could not be decoded,
 *	e.g. the fetch itself faulted)
 * @insn_count: number of valid bytes in @insn_bytes (0..16)
 * @insn_bytes: the instruction bytes fetched by the engine
 * @io: IO exit: @io.port, @io.size (1, 2, 4), @io.in, @io.string
 *	(INS/OUTS), @io.rep (REP prefix), @io.rax (RAX; for OUT the low
 *	@io.size bytes are the data), @io.seg (segment of the OUTS source:
 *	DS or the override; INS always uses ES), @io.addr_size (2, 4, 8)
 * @mem: MEMORY exit: @mem.denied (false: UNMAPPED_GPA, true:
 *	GPA_INTERCEPT), @mem.gva / @mem.gva_valid (linear address accessed),
 *	@mem.gpa, @mem.gva_gpa_valid (@mem.gpa is the translation of @mem.gva;
 *	false when the faulting access was a page-table or descriptor-table
 *	access made on behalf of the instruction)
 * @cpuid: CPUID exit: guest inputs @cpuid.eax/@cpuid.ecx and the default
 *	result @cpuid.res (EAX, EBX, ECX, EDX) for default_result_*
 * @msr: MSR exit: @msr.index, @msr.write, @msr.value (EDX:EAX of a write)
 * @exception: EXCEPTION exit (state rolled back to the faulting
 *	instruction) and TRIPLE_FAULT (the last fault): @exception.vector,
 *	@exception.error_code_valid, @exception.error_code,
 *	@exception.cr2 (#PF address, exception_parameter),
 *	@exception.software (INT3/INTO)
 * @scratch: the engine's working storage for one call (state snapshot and
 *	write buffer), kept here so that the engine's kernel stack frames stay
 *	small; contents undefined.  The structure is about 2.6 KiB: keep it in
 *	the VP object, not on the stack.
 */
struct x86_exit {
	enum x86_exit_reason reason;
	u64 rip;
	enum x86_access access;
	u8 insn_len;
	u8 insn_count;
	u8 insn_bytes[16];
	union {
		struct {
			u16 port;
			u8 size;
			bool in;
			bool string;
			bool rep;
			u8 seg;
			u8 addr_size;
			u64 rax;
		} io;
		struct {
			bool denied;
			bool gva_valid;
			bool gva_gpa_valid;
			u64 gva;
			u64 gpa;
		} mem;
		struct {
			u32 eax, ecx;
			u32 res[4];
		} cpuid;
		struct {
			u32 index;
			bool write;
			u64 value;
		} msr;
		struct {
			u8 vector;
			bool error_code_valid;
			bool software;
			u32 error_code;
			u64 cr2;
		} exception;
	};
	u64 scratch[X86_SCRATCH_WORDS];
};

/**
 * x86_cpu_reset() - put @cpu in the architectural power-on state
 * @cpu: state to initialise
 *
 * Real mode, CS = F000 with base FFFF0000, RIP = FFF0, RFLAGS = 2,
 * CR0 = 60000010, data segments 0 with limit FFFF, EDX = 0x600.
 */
void x86_cpu_reset(struct x86_cpu *cpu);

/**
 * x86_run() - execute guest instructions until an exit
 * @cpu: VP state, updated in place
 * @env: memory and policy callbacks
 * @exit: filled with the exit reason and payload
 * @budget: maximum number of instructions to retire (REP iterations and
 *	interrupt/exception deliveries count one each); 0 exits at once with
 *	%X86_EXIT_BUDGET
 *
 * A HLTed @cpu (cpu->halted) returns %X86_EXIT_HLT without executing.
 *
 * Return: @exit->reason.
 */
enum x86_exit_reason x86_run(struct x86_cpu *cpu, const struct x86_env *env,
			     struct x86_exit *exit, u64 budget);

/**
 * x86_can_inject_interrupt() - whether an external interrupt is accepted now
 * @cpu: VP state
 *
 * Return: true when RFLAGS.IF = 1 and there is no interrupt shadow.
 */
bool x86_can_inject_interrupt(const struct x86_cpu *cpu);

/**
 * x86_inject_interrupt() - deliver external interrupt @vector now
 * @cpu: VP state
 * @env: memory callbacks
 * @vector: 0..255
 * @exit: filled if the delivery needs the caller
 *
 * Delivers through the IVT in real mode and the IDT otherwise, exactly as
 * hardware delivers an external interrupt (no IF check: call
 * x86_can_inject_interrupt() first).  Clears cpu->halted.
 *
 * Return: %X86_EXIT_NONE when delivered, else the exit (MEMORY when the
 * IDT/stack is unmapped, TRIPLE_FAULT, EXCEPTION).
 */
enum x86_exit_reason x86_inject_interrupt(struct x86_cpu *cpu,
					  const struct x86_env *env, u8 vector,
					  struct x86_exit *exit);

/**
 * x86_inject_exception() - deliver exception @vector to the guest now
 * @cpu: VP state
 * @env: memory callbacks
 * @vector: exception vector
 * @has_error: push @error_code
 * @error_code: error code
 * @exit: filled if the delivery needs the caller
 *
 * For hvsim's HV_REGISTER_PENDING_INTERRUPTION of type "hardware
 * exception".  The exception_bitmap is not consulted.
 *
 * Return: as x86_inject_interrupt().
 */
enum x86_exit_reason x86_inject_exception(struct x86_cpu *cpu,
					  const struct x86_env *env, u8 vector,
					  bool has_error, u32 error_code,
					  struct x86_exit *exit);

/**
 * x86_execution_state() - TLFS intercept-header execution_state bits
 * @cpu: VP state
 *
 * Return: bits 0-1 CPL, 2 CR0.PE, 3 CR0.AM, 4 EFER.LMA, 12 interrupt
 * shadow (hv-abi §13.4.1).
 */
u16 x86_execution_state(const struct x86_cpu *cpu);

/**
 * x86_translate() - translate a linear address as the guest would
 * @cpu: VP state (CR0/CR3/CR4/EFER)
 * @env: memory callbacks
 * @gva: linear address
 * @access: access type checked against the page tables
 * @user: check as a CPL-3 access
 * @gpa: result
 * @pf_error: #PF error code if the translation fails
 *
 * No accessed/dirty bits are set.  For HVCALL_TRANSLATE_VIRTUAL_ADDRESS.
 *
 * Return: 0 on success, X86_PF if the walk faults, -1 if a page-table
 * GPA is unmapped or unreadable.
 */
int x86_translate(const struct x86_cpu *cpu, const struct x86_env *env,
		  u64 gva, enum x86_access access, bool user, u64 *gpa,
		  u32 *pf_error);

#endif /* _HVSIM_X86_ENGINE_H */
