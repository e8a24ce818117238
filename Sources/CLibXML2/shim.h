/* libxml2's HTML parser, tree and XPath, found through pkg-config (libxml-2.0). */
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/uri.h>
#include <libxml/parserInternals.h>
