#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol over --remote-debugging-pipe (the standard library
is enough: no websocket client). Opens URL, waits for the page to load, runs each JavaScript step in the page
and, for a step that navigates (a form submit), waits for the next page to load. Prints the final page's HTML.

usage: cdp_steps.py CHROMIUM URL STEPS_JSON   (STEPS_JSON: a list of JavaScript expressions)
A step that throws fails the run (exit 1) with the error on stderr.
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 60


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="herald-cdp-")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        # Chromium reads commands on fd 3 and writes answers on fd 4; bash moves the pipe ends there.
        self.process = subprocess.Popen(
            ["bash", "-c", 'exec "$@" 3<&%d 4>&%d' % (to_r, from_w), "bash", chromium, "--headless", "--no-sandbox",
             "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=None if os.environ.get("CDP_DEBUG") else subprocess.DEVNULL,
            pass_fds=(to_r, from_w))
        os.close(to_r)
        os.close(from_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_w, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(method + ": " + json.dumps(reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event):
        while True:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[index]
                    return message
            self.events.append(self.read())

    def read(self):
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_r], [], [], TIMEOUT)
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self.from_r, 65536)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError("step failed: " + json.dumps(result["exceptionDetails"].get("exception", {})))
        return result.get("result", {}).get("value")

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    chromium, url, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    browser = Browser(chromium)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        browser.session = browser.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        browser.send("Page.enable")
        browser.send("Page.navigate", {"url": url})
        browser.wait_for("Page.loadEventFired")
        for step in steps:
            browser.evaluate(step)
            browser.wait_for("Page.loadEventFired")
        print(browser.evaluate("document.documentElement.outerHTML"))
    except Exception as error:  # reported to the test, which fails with it
        print(str(error), file=sys.stderr)
        sys.exit(1)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
