/* libpsl: the Public Suffix List (Debian's libpsl-dev, data in the publicsuffix package), found through pkg-config (libpsl). */
#include <libpsl.h>
