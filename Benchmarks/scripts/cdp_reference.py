#!/usr/bin/env python3
"""The bare browser, for comparison with crawld in the same run.

Drives Debian's chromium-headless-shell directly over --remote-debugging-pipe
(NUL-terminated JSON on fds 3 and 4; standard library only), with the same
flags crawld uses, and measures what issue 8 compares against:

- cold: launch, one page (new context, target, attach, Page.enable,
  lifecycle events, navigate, wait for `load`, outerHTML, dispose), exit;
- pooled: that page on a running browser, p50 of N after warm-up, with the
  p50 of each round trip (where a pooled page's time goes);
- PSS of the browser's process group idle and after the pooled pages.

usage: cdp_reference.py URL [N]   (prints one line per figure)
"""

import json
import os
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

CHROMIUM = os.environ.get("CRAWLD_CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")
FLAGS = [
    "--headless", "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check", "--disable-gpu",
    "--disable-dev-shm-usage", "--disable-extensions", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-breakpad", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--metrics-recording-only", "--password-store=basic", "--use-mock-keychain",
    "--in-process-gpu", "--enable-features=NetworkServiceInProcess2",
]


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="cdp-reference-")
        parent, child = socket.socketpair()
        os.set_inheritable(child.fileno(), True)
        argv = [CHROMIUM] + FLAGS + [f"--user-data-dir={self.profile}"]
        if os.geteuid() == 0:
            argv.insert(1, "--no-sandbox")
        fd = child.fileno()
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(fd, 3), os.dup2(fd, 4), os.setpgid(0, 0)),
        )
        child.close()
        self.sock = parent
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.sock.sendall(json.dumps(message).encode() + b"\0")
        return self.next_id

    def read(self):
        while b"\0" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("browser closed the pipe")
            self.buffer += chunk
        frame, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(frame)

    def call(self, method, params=None, session=None):
        wanted = self.send(method, params, session)
        while True:
            message = self.read()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, accept):
        for i, message in enumerate(self.events):
            if accept(message):
                del self.events[i]
                return message
        while True:
            message = self.read()
            if accept(message):
                return message
            self.events.append(message)

    def page(self, url, steps=None):
        """One page the way crawld renders it; `steps` collects each round trip's ms."""
        clock = [time.perf_counter()]

        def step(name, value):
            now = time.perf_counter()
            if steps is not None:
                steps.setdefault(name, []).append((now - clock[0]) * 1000)
            clock[0] = now
            return value

        context = step("createBrowserContext", self.call("Target.createBrowserContext", {"disposeOnDetach": True})["browserContextId"])
        target = step("createTarget", self.call("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"])
        session = step("attachToTarget", self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"])
        step("Page.enable (renderer start)", self.call("Page.enable", session=session))
        step("setLifecycleEventsEnabled", self.call("Page.setLifecycleEventsEnabled", {"enabled": True}, session=session))
        loader = step("Page.navigate", self.call("Page.navigate", {"url": url}, session=session)["loaderId"])
        step("wait for load", self.wait_event(
            lambda m: m.get("sessionId") == session and m.get("method") == "Page.lifecycleEvent"
            and m["params"].get("loaderId") == loader and m["params"].get("name") == "load"
        ))
        html = step("Runtime.evaluate outerHTML", self.call(
            "Runtime.evaluate", {"expression": "document.documentElement.outerHTML", "returnByValue": True}, session=session
        )["result"]["value"])
        step("disposeBrowserContext", self.call("Target.disposeBrowserContext", {"browserContextId": context}))
        self.events = [m for m in self.events if m.get("sessionId") != session]
        return html

    def pss(self):
        total = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[2]) != self.process.pid:
                    continue
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    total += next(int(l.split()[1]) for l in f if l.startswith("Pss:")) * 1024
            except (OSError, StopIteration):
                pass
        return total

    def close(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.sock.close()
        subprocess.run(["rm", "-rf", self.profile])


def main():
    url = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    cold = []
    for _ in range(n):
        start = time.perf_counter()
        browser = Browser()
        browser.call("Browser.getVersion")
        browser.page(url)
        cold.append((time.perf_counter() - start) * 1000)
        browser.close()
    browser = Browser()
    browser.call("Browser.getVersion")
    time.sleep(0.5)
    idle = browser.pss()
    for _ in range(5):
        browser.page(url)
    pooled = []
    steps = {}
    for _ in range(n):
        start = time.perf_counter()
        browser.page(url, steps)
        pooled.append((time.perf_counter() - start) * 1000)
    for _ in range(200):
        browser.page(url)
    time.sleep(0.5)
    after = browser.pss()
    browser.close()
    print(f"  bare cold   p50 over {n}: {statistics.median(cold):7.1f} ms")
    print(f"  bare pooled p50 over {n}: {statistics.median(pooled):7.1f} ms")
    for name, samples in steps.items():
        print(f"    {name:30s} p50 {statistics.median(samples):6.1f} ms")
    print(f"  bare PSS idle: {idle / 1048576:.1f} MB, after {n + 205} pages: {after / 1048576:.1f} MB")


if __name__ == "__main__":
    main()
