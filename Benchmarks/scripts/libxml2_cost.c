/*
 * The floor under a crawl's instructions (issue 25): what Debian's libxml2 alone spends building
 * and freeing the tree of each page, parsed exactly as HTMLDocument.parse does it (htmlReadIO
 * with a reader handing over pieces, UTF-8 named, crawld's parse options), and nothing else.
 * libxml2-cost.sh builds it and counts it under callgrind.
 *
 * Usage: libxml2_cost FILE...   (parses each file once, in order)
 */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* HTMLDocument.parseOptions. */
static const int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
    | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;

struct unread {
    const char *bytes;
    size_t count;
};

/* The reader: as many bytes as libxml2 asks for, from where the last piece ended. */
static int read_piece(void *context, char *buffer, int length) {
    struct unread *unread = context;
    size_t count = unread->count < (size_t)length ? unread->count : (size_t)length;
    memcpy(buffer, unread->bytes, count);
    unread->bytes += count;
    unread->count -= count;
    return (int)count;
}

int main(int argc, char **argv) {
    xmlInitParser();
    for (int i = 1; i < argc; i++) {
        FILE *file = fopen(argv[i], "rb");
        if (file == NULL) { perror(argv[i]); return 1; }
        fseek(file, 0, SEEK_END);
        long size = ftell(file);
        rewind(file);
        char *body = malloc(size > 0 ? size : 1);
        if (fread(body, 1, size, file) != (size_t)size) { perror(argv[i]); return 1; }
        fclose(file);
        struct unread unread = { body, (size_t)size };
        htmlDocPtr doc = htmlReadIO(read_piece, NULL, &unread, "http://127.0.0.1/", "UTF-8", options);
        xmlFreeDoc(doc);
        free(body);
    }
    return 0;
}
