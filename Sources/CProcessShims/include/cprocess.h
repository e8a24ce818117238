#ifndef CPROCESS_SHIMS_H
#define CPROCESS_SHIMS_H
#include <spawn.h>

/* glibc declares posix_spawn_file_actions_addclosefrom_np only under
 * _GNU_SOURCE, which Swift's Glibc module does not define, so Swift cannot
 * see it; this wrapper is compiled with it. */
int cprocess_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
