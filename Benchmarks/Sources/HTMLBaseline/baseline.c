#include "HTMLBaseline.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

int html_baseline_parse_free(const char *bytes, size_t length) {
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                  HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
    htmlDocPtr document = htmlReadMemory(bytes, (int)length, NULL, NULL, options);
    if (document == NULL) return -1;
    int children = (int)xmlChildElementCount(xmlDocGetRootElement(document));
    xmlFreeDoc(document);
    return children;
}
