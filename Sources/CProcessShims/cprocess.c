#define _GNU_SOURCE
#include <malloc.h>
#include <spawn.h>
#include "cprocess.h"

int cprocess_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int cprocess_malloc_trim(void) {
    return malloc_trim(0);
}

int cprocess_malloc_arena_max(int arenas) {
    return mallopt(M_ARENA_MAX, arenas);
}
