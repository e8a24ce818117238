/* libxml2's HTML parser, tree and XPath, found through pkg-config (libxml-2.0). */

/*
 * Debian builds libxml2 with ICU, so encoding.h would include the system's <unicode/...> headers, whose
 * UErrorCode clashes with Foundation's own ICU copy in any Swift module that sees both
 * ("'UErrorCode' has different definitions in different modules"). We never use libxml2's ICU
 * converter fields (only pointers to xmlCharEncodingHandler, at the end of which they sit), so
 * the ICU part of the headers is switched off.
 */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/uri.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>

/*
 * libxml2 prints some errors through its "generic" error function, a variadic C function
 * pointer kept per thread (xmlGenericError), even when a structured handler is set: XPath's
 * "function not found" is one. Swift cannot write a variadic C function, so the silent handler
 * lives here; HTMLDocument installs it on the current thread before each libxml2 call that
 * can report (cheap: a thread-local store).
 */
static void clibxml2_ignore_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

static inline void clibxml2_silence_errors_on_this_thread(void) {
    xmlSetGenericErrorFunc(NULL, clibxml2_ignore_error);
}

/*
 * Abandons an XPath evaluation running on `thread` with `context` (HTML's XPathWorker): its
 * operation limit drops to 1, so libxml2 stops at its next counted operation, and the thread
 * moves to SCHED_IDLE, so what is left until then runs only on an otherwise idle core. The
 * limit is an aligned word the evaluating thread reads from memory at each check; the store
 * is atomic, and a stale read only delays the stop by one check. SCHED_IDLE needs no
 * privilege (it only lowers the thread); <sched.h> names it under _GNU_SOURCE only.
 */
#include <pthread.h>
#include <sched.h>
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
static inline void clibxml2_xpath_abandon(xmlXPathContextPtr context, pthread_t thread) {
    __atomic_store_n(&context->opLimit, 1, __ATOMIC_RELAXED);
    struct sched_param idle = {0};
    pthread_setschedparam(thread, SCHED_IDLE, &idle);
}
