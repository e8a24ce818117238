#define _GNU_SOURCE
#include <malloc.h>
#include <spawn.h>
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
