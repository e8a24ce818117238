/*
 * The baseline of HTMLBench: libxml2's htmlReadMemory + xmlFreeDoc with nothing around it.
 * Kept in C (and its libxml2 includes kept out of this header) so the benchmark measures the
 * parser alone, with the exact options HTMLDocument uses.
 */
#ifndef HTML_BASELINE_H
#define HTML_BASELINE_H

#include <stddef.h>

/* Parses `length` bytes and frees the tree; returns the number of element children of the root. */
int html_baseline_parse_free(const char *bytes, size_t length);

#endif
