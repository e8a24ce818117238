#ifndef CPROCESS_SHIMS_H
#define CPROCESS_SHIMS_H
#include <spawn.h>

/* glibc declares posix_spawn_file_actions_addclosefrom_np only under
 * _GNU_SOURCE, which Swift's Glibc module does not define, so Swift cannot
 * see it; this wrapper is compiled with it. */
int cprocess_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/* Gives the heap the allocator keeps after frees back to the kernel. The
 * daemon runs on jemalloc (linked by the crawld target): there it purges the
 * dirty pages of every arena (mallctl "arena.<all>.purge"). Where glibc's
 * malloc serves (the test binaries link no jemalloc), malloc_trim(0), which
 * <malloc.h> declares and Swift's Glibc module does not. Returns 1 if the
 * call succeeded (jemalloc) or memory was released (glibc), else 0. */
int cprocess_heap_trim(void);

/* Moves the calling thread to SCHED_BATCH with a scheduler slice of
 * `slice_ns` (sched_attr.sched_runtime; the kernel clamps it to 0.1-100 ms).
 * Its nice value, and so its share of the CPU, does not change. Since Linux
 * 6.6 the fair scheduler (EEVDF) gives a thread with a longer slice a later
 * deadline, and since 6.12 a waking thread with a shorter slice preempts it
 * at once; older kernels ignore the slice. Needs no privilege and can be
 * undone. sched_setattr has no glibc wrapper, and Swift cannot call the
 * variadic syscall(2). Returns 0, or the errno. */
int cprocess_thread_yield_to_wakeups(unsigned long long slice_ns);

#endif
