/* hiredis 0.14 (sync API), found through pkg-config (hiredis). */
#include <hiredis.h>
