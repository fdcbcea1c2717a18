// SPDX-License-Identifier: GPL-2.0
/*
 * C++ compatibility test of include/uapi/linux/mshv.h.
 *
 * A C++ VMM must be able to include the header and get the same layout as
 * C.  Everything here is checked at compile time (static_assert, C++11 or
 * later); the program only reports that it was built.  The complete
 * run-time layout test is uapi_layout_test.c.
 */
#include <cstddef>
#include <cstdio>
#include <type_traits>

#include <linux/mshv.h>

#define SIZE(t, size) \
	static_assert(sizeof(t) == (size), "sizeof(" #t ")")
#define OFFSET(t, m, off) \
	static_assert(offsetof(t, m) == (off), "offsetof(" #t ", " #m ")")
#define POD(t) \
	static_assert(std::is_standard_layout<t>::value && \
		      std::is_trivially_copyable<t>::value, #t " is POD")

/* every structure: size, and usable as a plain ioctl argument */
#define STRUCT(t, size) SIZE(t, size); POD(t)

STRUCT(mshv_create_partition, 16);
STRUCT(mshv_create_partition_v2, 64);
STRUCT(mshv_partition_property, 16);
STRUCT(mshv_create_vp, 4);
STRUCT(mshv_user_mem_region, 32);
STRUCT(mshv_user_irqfd, 16);
STRUCT(mshv_user_ioeventfd, 32);
STRUCT(mshv_user_irq_entry, 16);
STRUCT(mshv_user_irq_table, 8);
STRUCT(mshv_gpap_access_bitmap, 32);
STRUCT(mshv_root_hvcall, 32);
STRUCT(mshv_run_vp, 256);
STRUCT(mshv_get_set_vp_state, 16);
STRUCT(mshv_create_device, 12);
STRUCT(mshv_device_attr, 24);
STRUCT(mshv_translate_gva, 32);
STRUCT(mshv_modify_gpa_host_access, 16);
STRUCT(mshv_import_isolated_pages, 16);
STRUCT(mshv_complete_isolated_import, 3334);
STRUCT(mshv_issue_psp_guest_request, 16);
STRUCT(mshv_sev_snp_ap_create, 16);
STRUCT(mshv_vp_registers, 16);
STRUCT(mshv_install_intercept, 16);
STRUCT(mshv_assert_interrupt, 24);
STRUCT(mshv_register_intercept_result, 48);
STRUCT(mshv_signal_event_direct, 12);
STRUCT(mshv_post_message_direct, 16);
STRUCT(mshv_register_deliverabilty_notifications, 16);
STRUCT(mshv_get_vp_cpuid_values, 40);
STRUCT(mshv_read_write_gpa, 32);
STRUCT(mshv_vtl_capabilities, 8);
STRUCT(mshv_trace_config, 32);

/* packed structures, anonymous union, nested struct, flexible arrays */
static_assert(alignof(mshv_create_partition_v2) == 1, "v2 is packed");
static_assert(alignof(mshv_complete_isolated_import) == 1, "packed");
OFFSET(mshv_create_partition_v2, pt_num_cpu_fbanks, 16);
OFFSET(mshv_create_partition_v2, pt_cpu_fbanks, 24);
OFFSET(mshv_create_partition_v2, pt_disabled_xsave, 56);
OFFSET(mshv_create_partition_v2, pt_rsvd2, 56);
OFFSET(mshv_complete_isolated_import, import_data.host_data, 3300);
OFFSET(mshv_complete_isolated_import, import_data.author_key_enabled, 3333);
OFFSET(mshv_user_irq_table, entries, 8);
OFFSET(mshv_modify_gpa_host_access, guest_pfns, 16);
OFFSET(mshv_import_isolated_pages, guest_pfns, 16);
OFFSET(mshv_root_hvcall, status, 8);
OFFSET(mshv_root_hvcall, in_ptr, 16);
OFFSET(mshv_user_mem_region, flags, 24);
OFFSET(mshv_user_ioeventfd, fd, 20);
OFFSET(mshv_get_set_vp_state, buf_ptr, 8);
OFFSET(mshv_signal_event_direct, newly_signaled, 8);
OFFSET(mshv_register_intercept_result, parameters, 4);
static_assert(std::is_signed<decltype(mshv_user_irqfd::fd)>::value,
	      "irqfd fd is signed");
static_assert(std::is_signed<decltype(mshv_user_ioeventfd::fd)>::value,
	      "ioeventfd fd is signed");
static_assert(std::is_unsigned<decltype(mshv_create_device::fd)>::value,
	      "create_device fd is u32");

/* every ioctl value is a constant expression with the reference value */
#define IOCTL(name, value) \
	static_assert((name) == (value##UL), #name)

IOCTL(MSHV_CREATE_PARTITION, 0x4010B800);
IOCTL(MSHV_GET_HOST_PARTITION_PROPERTY, 0xC010B801);
IOCTL(MSHV_ROOT_HVCALL, 0xC020B807);
IOCTL(MSHV_INITIALIZE_PARTITION, 0x0000B800);
IOCTL(MSHV_CREATE_VP, 0x4004B801);
IOCTL(MSHV_SET_GUEST_MEMORY, 0x4020B802);
IOCTL(MSHV_IRQFD, 0x4010B803);
IOCTL(MSHV_IOEVENTFD, 0x4020B804);
IOCTL(MSHV_SET_MSI_ROUTING, 0x4008B805);
IOCTL(MSHV_GET_GPAP_ACCESS_BITMAP, 0xC020B806);
IOCTL(MSHV_CREATE_DEVICE, 0xC00CB808);
IOCTL(MSHV_MODIFY_GPA_HOST_ACCESS, 0x4010B809);
IOCTL(MSHV_IMPORT_ISOLATED_PAGES, 0x4010B80A);
IOCTL(MSHV_INSTALL_INTERCEPT, 0x4010B8F0);
IOCTL(MSHV_ASSERT_INTERRUPT, 0x4018B8F1);
IOCTL(MSHV_SET_PARTITION_PROPERTY, 0x4010B8F2);
IOCTL(MSHV_GET_PARTITION_PROPERTY, 0xC010B8F3);
IOCTL(MSHV_COMPLETE_ISOLATED_IMPORT, 0x4D06B8F4);
IOCTL(MSHV_ISSUE_PSP_GUEST_REQUEST, 0x4010B8F5);
IOCTL(MSHV_SEV_SNP_AP_CREATE, 0x4010B8F6);
IOCTL(MSHV_SIGNAL_EVENT_DIRECT, 0xC00CB8F7);
IOCTL(MSHV_POST_MESSAGE_DIRECT, 0x4010B8F8);
IOCTL(MSHV_REGISTER_DELIVERABILITY_NOTIFICATIONS, 0x4010B8F9);
IOCTL(MSHV_RUN_VP, 0x8100B800);
IOCTL(MSHV_GET_VP_STATE, 0xC010B801);
IOCTL(MSHV_SET_VP_STATE, 0xC010B802);
IOCTL(MSHV_GET_VP_REGISTERS, 0xC010B8F0);
IOCTL(MSHV_SET_VP_REGISTERS, 0x4010B8F1);
IOCTL(MSHV_VP_TRANSLATE_GVA, 0xC020B8F2);
IOCTL(MSHV_VP_REGISTER_INTERCEPT_RESULT, 0x4030B8F3);
IOCTL(MSHV_GET_VP_CPUID_VALUES, 0xC028B8F4);
IOCTL(MSHV_READ_GPA, 0xC020B8F5);
IOCTL(MSHV_WRITE_GPA, 0x4020B8F6);
IOCTL(MSHV_SET_DEVICE_ATTR, 0x4018B800);
IOCTL(MSHV_GET_DEVICE_ATTR, 0x4018B801);
IOCTL(MSHV_HAS_DEVICE_ATTR, 0x4018B802);

/* a few constants, usable in constant expressions */
static_assert(MSHV_IOCTL == 0xB8 && MSHV_DIAG_IOCTL == 0xB9 &&
	      MSHV_TRACE_IOCTL == 0xBA, "magics");
static_assert(MSHV_HV_PAGE_SIZE == 4096, "hypervisor page");
static_assert((1u << MSHV_PT_BIT_COUNT) - 1 == 0x3F, "pt_flags mask");
static_assert(MSHV_RUN_VP_BUF_SZ == 256, "run buffer");

int main()
{
	/* the structures are usable as ordinary C++ aggregates */
	mshv_root_hvcall call = {};
	mshv_create_partition_v2 create = {};

	call.code = 0x44;
	create.pt_flags = 1ULL << MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES;
	create.pt_num_cpu_fbanks = MSHV_NUM_CPU_FEATURES_BANKS;

	std::printf("TAP version 13\n1..1\n");
	std::printf("ok 1 linux/mshv.h layout checks in C++ (__cplusplus %ld)\n",
		    static_cast<long>(__cplusplus));
	return (call.code == 0x44 && create.pt_num_cpu_fbanks == 2) ? 0 : 1;
}
