#define _GNU_SOURCE
#include <malloc.h>
#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <unistd.h>
#include "cprocess.h"

int cprocess_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

/* jemalloc's control interface, weak so that binaries without jemalloc
 * link and see NULL. */
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen) __attribute__((weak));

int cprocess_heap_trim(void) {
    if (mallctl != NULL) {
        /* MALLCTL_ARENAS_ALL is 4096 in jemalloc 5. */
        return mallctl("arena.4096.purge", NULL, NULL, NULL, 0) == 0;
    }
    return malloc_trim(0);
}

/* The kernel's struct sched_attr (linux/sched/types.h, which glibc 2.36 does not include). */
struct cprocess_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};

int cprocess_thread_yield_to_wakeups(unsigned long long slice_ns) {
    struct cprocess_sched_attr attributes = {0};
    attributes.size = sizeof attributes;
    attributes.sched_policy = SCHED_BATCH;
    attributes.sched_nice = getpriority(PRIO_PROCESS, 0);
    attributes.sched_runtime = slice_ns;
    return syscall(SYS_sched_setattr, 0, &attributes, 0) == 0 ? 0 : errno;
}
