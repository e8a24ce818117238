"""A site whose frontier grows fast (frontier.sh, cluster.sh links): page /n/K links to the 50
pages /n/(50K+1) .. /n/(50K+50), so a breadth-first job of N pages queues about 50 N URLs
(bounded by the job's own frontier limits). Small pages (~2.5 KB), HTTP/1.1 keep-alive.

Usage: fanout_site.py PORT"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FANOUT = 50


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The head and the body go out in two writes: with Nagle's algorithm on, the body waited for the
    # client's delayed ACK of the head, 40 ms a page on some connections (a cluster job's ran at 350
    # pages/s, every fetch 43 ms). Servers a crawler meets (nginx) set TCP_NODELAY too.
    disable_nagle_algorithm = True

    def do_GET(self):
        try:
            k = int(self.path.rsplit("/", 1)[1])
        except ValueError:
            k = 0
        links = "".join(f'<a href="/n/{FANOUT * k + i}">p{FANOUT * k + i}</a> ' for i in range(1, FANOUT + 1))
        body = f"<html><head><title>page {k}</title></head><body>{links}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
