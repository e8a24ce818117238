#ifndef CPROCESS_SHIMS_H
#define CPROCESS_SHIMS_H
#include <spawn.h>

/* glibc declares posix_spawn_file_actions_addclosefrom_np only under
 * _GNU_SOURCE, which Swift's Glibc module does not define, so Swift cannot
 * see it; this wrapper is compiled with it. */
int cprocess_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/* <malloc.h> is not part of Swift's Glibc module either. */

/* malloc_trim(0): gives the free pages of every malloc arena back to the
 * kernel. Returns 1 if memory was released, 0 if there was none to release. */
int cprocess_malloc_trim(void);

/* mallopt(M_ARENA_MAX, arenas): caps the arenas glibc creates for threads
 * (by default 8 per core). Returns 1 on success. */
int cprocess_malloc_arena_max(int arenas);

#endif
