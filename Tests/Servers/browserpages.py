#!/usr/bin/env python3
"""Pages for the browser engine's tests and benchmark (Python 3 standard library only).

Binds 127.0.0.1 (or the address given as its first argument) on a free port
(or the port given as its second) and prints `PORT <n>` on stdout; then prints
`GET <path>` for every request, so a test knows when the browser reached a
page. Exits when stdin reaches EOF (the test process closed the pipe or died).

Routes:
  /small        a small static HTML page
  /js           a page whose content is built by JavaScript after load
  /late         a page that adds <p id="late"> 300 ms after load
  /loop         a page whose script runs while(true){}
  /hang         never answers (sleeps an hour before the status line)
  /headers      an HTML page listing the request headers, one <li> per header
  /status/N     an HTML page with status N
  /img?T        a page showing the image /pixel.png?T (T tells runs apart)
  /pixel.png?T  a 1x1 PNG
  /dialogs      a page that calls alert, confirm and prompt, then shows what they returned
  /delay?ms=N   a small page served after N ms
  /secret       a page holding the word SECRET (the private target of the deny-private tests)
  /to/KIND?u=U  a page that reaches URL U by KIND: redirect (302), jsnav (location=),
                meta (meta refresh), iframe, img, fetch, websocket
  /big?N        a page of N rows ending in <p id="end">, sent without a length and
                ended by closing the connection (HTTP/1.0 style)
  /sidechannels?udp=U&tcp=T
                a page that tries every way around a proxy towards 127.0.0.1: WebRTC
                (STUN to port U, TURN over TCP to T, a remote candidate at U),
                WebTransport to U, preconnect, dns-prefetch and prefetch to T; it
                keeps trying for 3 s, then adds <p id="done">
"""

import html
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

PAGES = {
    "/small": "<!doctype html><html><head><title>Small</title></head><body><h1>Small page</h1><a href='/js'>js</a></body></html>",
    "/js": "<!doctype html><html><head><title>JS</title></head><body><div id='root'></div>"
    "<script>const p = document.createElement('p'); p.id = 'made'; p.textContent = 'built by script';"
    "document.getElementById('root').appendChild(p);</script></body></html>",
    "/late": "<!doctype html><html><body><script>setTimeout(() => {"
    "const p = document.createElement('p'); p.id = 'late'; p.textContent = 'arrived late';"
    "document.body.appendChild(p); }, 300);</script></body></html>",
    "/loop": "<!doctype html><html><body><p>looping</p><script>while (true) {}</script></body></html>",
    "/dialogs": "<!doctype html><html><body><p id='out'></p><script>alert('hello'); const c = confirm('sure?');"
    "const p = prompt('name?', 'x'); document.getElementById('out').textContent = 'confirm=' + c + ' prompt=' + p;"
    "</script></body></html>",
    "/secret": "<!doctype html><html><body><p>SECRET</p></body></html>",
}

# How /to/KIND reaches its target U; the page also says DONE once its own script ran.
REACH = {
    "jsnav": "<script>location.href = {js};</script>",
    "meta": "<meta http-equiv='refresh' content='0; url={attr}'>",
    "iframe": "<iframe src='{attr}'></iframe>",
    "img": "<img src='{attr}'>",
    "fetch": "<script>fetch({js}).then(r => r.text()).then(t => document.body.append(t)).catch(() => {{}});</script>",
    "websocket": "<script>const ws = new WebSocket({js}); ws.onmessage = e => document.body.append(e.data);</script>",
}

# Every way a page may reach 127.0.0.1 without an HTTP request the DevTools Fetch domain holds.
SIDE_CHANNELS = """<!doctype html><html><head>
<link rel="preconnect" href="http://127.0.0.1:TCP"><link rel="preconnect" href="https://127.0.0.1:TCP">
<link rel="dns-prefetch" href="//127.0.0.1:TCP"><link rel="prefetch" href="http://127.0.0.1:TCP/prefetched">
</head><body><p>side channels</p><script>
(async () => {
  const say = text => document.body.append(text + ' ');
  try {
    const transport = new WebTransport('https://127.0.0.1:UDP/');
    transport.ready.catch(() => {}); transport.closed.catch(() => {});
    say('webtransport:started');
  } catch (e) { say('webtransport:' + e); }
  try {
    const pc = new RTCPeerConnection({iceServers: [
      {urls: 'stun:127.0.0.1:UDP'}, {urls: 'turn:127.0.0.1:TCP?transport=tcp', username: 'u', credential: 'p'}]});
    pc.createDataChannel('x');
    const offer = await pc.createOffer(); await pc.setLocalDescription(offer);
    const peer = new RTCPeerConnection(); await peer.setRemoteDescription(offer);
    const answer = await peer.createAnswer(); await peer.setLocalDescription(answer); await pc.setRemoteDescription(answer);
    await pc.addIceCandidate({candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 UDP typ host', sdpMid: '0', sdpMLineIndex: 0});
    say('rtc:started');
  } catch (e) { say('rtc:' + e); }
  setTimeout(() => { const p = document.createElement('p'); p.id = 'done'; document.body.append(p); }, 3000);
})();
</script></body></html>"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        print("GET", self.path, flush=True)
        status, body = 200, PAGES.get(self.path)
        content_type = "text/html; charset=utf-8"
        if self.path == "/hang":
            time.sleep(3600)
            return
        if self.path == "/headers":
            items = "".join(f"<li>{k.lower()}: {v}</li>" for k, v in self.headers.items())
            body = f"<!doctype html><html><body><ul>{items}</ul></body></html>"
        elif self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
            body = f"<!doctype html><html><body><p>status {status}</p></body></html>"
        elif self.path.startswith("/img?"):
            tag = self.path.split("?", 1)[1]
            body = f"<!doctype html><html><body><img src='/pixel.png?{tag}'></body></html>"
        elif self.path.startswith("/delay?ms="):
            time.sleep(int(self.path.split("=", 1)[1]) / 1000)
            body = "<!doctype html><html><body><p>delayed</p></body></html>"
        elif self.path.startswith("/to/"):
            kind, target = self.path[4:].split("?u=", 1)
            if kind == "redirect":
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            reach = REACH[kind].format(js=json.dumps(target), attr=html.escape(target, quote=True))
            body = f"<!doctype html><html><head>{reach}</head><body><p>DONE</p></body></html>"
        elif self.path.startswith("/big?"):
            rows = int(self.path.split("?", 1)[1])
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"<!doctype html><html><body>")
            for start in range(0, rows, 1000):
                self.wfile.write("".join(f"<p>row {n}</p>" for n in range(start, min(rows, start + 1000))).encode())
            self.wfile.write(b"<p id='end'>END</p></body></html>")
            self.close_connection = True
            return
        elif self.path.startswith("/sidechannels?"):
            ports = dict(item.split("=", 1) for item in self.path.split("?", 1)[1].split("&"))
            body = SIDE_CHANNELS.replace("UDP", ports["udp"]).replace("TCP", ports["tcp"])
        elif self.path.startswith("/pixel.png"):
            body, content_type = PNG_1X1, "image/png"
        elif body is None:
            status, body = 404, "<!doctype html><html><body>not found</body></html>"
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    server = ThreadingHTTPServer((host, int(sys.argv[2]) if len(sys.argv) > 2 else 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT", server.server_address[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
