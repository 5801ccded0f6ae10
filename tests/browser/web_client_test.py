#!/usr/bin/python3
"""The web client in a real browser: Debian's Chromium, headless, driven through
chromium-driver by Selenium, against the real `hark serve` on a free loopback port with a
fresh data directory. Chromium's fake microphone plays a WAV made by espeak-ng here.

One browser and one server for the whole file (they are slow to start); the tests run in
order and build on each other: register and type, speak, reload, log out. Every test fails
on any error in the browser's console. Screenshots go to --out.

usage: web_client_test.py --hark BUILD/hark --out DIR
"""
import argparse
import concurrent.futures
import html.parser
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ARGS = None
EMAIL = "web-client@example.test"
PASSWORD = "a long browser password"
# The card of "call mom" once the contact below is saved: the server resolves the number.
MOM = {"target": "Mom", "number": "+15551234567"}
VOICE = ["-v", "en-us+klatt", "-s", "130"]  # the voice the speech e2e tests use


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET", headers=None, body=None):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def make_fake_microphone(directory):
    """ "call mom" spoken by espeak-ng, with silence around it so that the server's end
    pointing finishes the utterance; 48 kHz, the rate a real microphone usually has.
    Chromium plays the file in a loop: the long silence after the words keeps a slow
    recognizer (a loaded machine) from hearing them twice before the client stops."""
    raw = os.path.join(directory, "espeak.wav")
    out = os.path.join(directory, "call-mom.wav")
    subprocess.run(["espeak-ng", *VOICE, "-w", raw, "call mom"], check=True)
    subprocess.run(["sox", raw, "-r", "48000", "-c", "1", "-b", "16", out, "pad", "1.0", "15.0"], check=True)
    return out


class HarkServer:
    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(workdir, "hark.log"), "ab")
        self.start()

    def start(self, *extra):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", os.path.join(self.workdir, "data"), "--speech-decoders", "1",
             "--log-level", "warn", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_for(lambda: http(self.base + "/healthz")[0] == 200, 30, "hark to listen")

    def wait_for(self, ok, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hark exited with {self.proc.returncode} while waiting for {what}")
            try:
                if ok():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"timed out waiting for {what}")

    def speech_ready(self):
        status, _, body = http(self.base + "/readyz")
        speech = json.loads(body or b"{}").get("speech")
        if speech == "failed":
            raise RuntimeError("the server's speech recognizer failed to load")
        return speech == "ready"

    def halt(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        self.halt()
        self.log.close()


def start_chromium(workdir, fake_wav):
    opts = Options()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                 f"--user-data-dir={os.path.join(workdir, 'chromium')}",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-audio-capture={fake_wav}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver",
                      log_path=os.path.join(workdir, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=opts)


class NoInlineCode(html.parser.HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = {k for k, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for k in names:
            if k == "style" or k.startswith("on"):
                self.problems.append(f"{k}= attribute on <{tag}>")


class WebClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hark-browser-")
        os.makedirs(ARGS.out, exist_ok=True)
        cls.server = HarkServer(ARGS.hark, cls.work)
        cls.driver = start_chromium(cls.work, make_fake_microphone(cls.work))
        cls.driver.set_script_timeout(10)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.expected_errors = []  # substrings of console errors a test causes on purpose
        self.started = time.monotonic()

    def tearDown(self):
        # Any console error fails the test that caused it (SEVERE = console.error, uncaught
        # exceptions, refused resources, CSP violations).
        print(f"({time.monotonic() - self.started:.1f} s)", end=" ", file=sys.stderr, flush=True)
        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"
                  and not any(x in e["message"] for x in self.expected_errors)]
        self.assertEqual(errors, [], "errors in the browser console")

    # ---- helpers ----

    def wait(self, condition, seconds=10, what=""):
        try:
            return WebDriverWait(self.driver, seconds, poll_frequency=0.05).until(lambda d: condition())
        except TimeoutException:
            self.shot(f"failed-{self._testMethodName}")
            self.fail(f"timed out after {seconds} s waiting for {what}")

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def visible(self, selector):
        return [e for e in self.css(selector) if e.is_displayed()]

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(ARGS.out, f"{name}.png"))

    def wait_ready(self):
        self.wait(lambda: self.css('#conn[data-state="ready"]'), 15, "the connection to be ready")

    def type_request(self, text):
        box = self.driver.find_element(By.ID, "text")
        box.send_keys(text, Keys.ENTER)

    def last_card(self):
        cards = self.css("#log .msg.assistant .card")
        return cards[-1] if cards else None

    def card_params(self, card):
        dts = [e.text for e in card.find_elements(By.CSS_SELECTOR, "dt")]
        dds = [e.text for e in card.find_elements(By.CSS_SELECTOR, "dd")]
        return dict(zip(dts, dds))

    def assistant_texts(self):
        return [e.text for e in self.css("#log .msg.assistant .text")]

    # ---- tests, in order ----

    def test_0_static_files(self):
        base = self.server.base
        status, headers, body = http(base + "/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        csp = headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertIn("style-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        etag = headers["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        self.assertEqual(http(base + "/", headers={"If-None-Match": etag})[0], 304)
        self.assertEqual(http(base + "/index.html", headers={"If-None-Match": '"stale"'})[0], 200)
        self.assertEqual(http(base + "/", headers={"If-None-Match": f'"stale", W/{etag}'})[0], 304)
        status, headers, body_of_head = http(base + "/", method="HEAD")
        self.assertEqual((status, body_of_head, headers["ETag"]), (200, b"", etag))
        parser = NoInlineCode()
        parser.feed(body.decode())
        self.assertEqual(parser.problems, [])
        for path, ctype in [("/app.js", "text/javascript"), ("/mic-worklet.js", "text/javascript"),
                            ("/style.css", "text/css"), ("/icon.svg", "image/svg+xml")]:
            status, headers, _ = http(base + path)
            self.assertEqual(status, 200, path)
            self.assertTrue(headers["Content-Type"].startswith(ctype), path)
        self.assertEqual(http(base + "/no-such-file.js")[0], 404)
        self.assertEqual(http(base + "/", method="POST", body=b"x")[0], 405)

    def test_1_register_type_and_confirm(self):
        d = self.driver
        d.get(self.server.base + "/")
        self.wait(lambda: self.visible("#login-view"), 10, "the login form")
        d.find_element(By.ID, "email").send_keys(EMAIL)
        d.find_element(By.ID, "password").send_keys(PASSWORD)
        d.find_element(By.ID, "display-name").send_keys("Web Tester")
        self.shot("login")
        d.find_element(By.ID, "register").click()
        self.wait(lambda: self.visible("#chat-view"), 10, "the chat after registering")
        self.assertEqual(d.find_element(By.ID, "who").text, EMAIL)
        self.wait_ready()

        # Contacts: the name "call" uses; saved for the recognizer as well.
        d.find_element(By.CSS_SELECTOR, "#contacts summary").click()
        d.find_element(By.ID, "add-contact").click()
        row = self.css("#contact-list .contact")[-1]
        row.find_element(By.CLASS_NAME, "c-name").send_keys("Mom")
        row.find_element(By.CLASS_NAME, "c-phones").send_keys("+15551234567")
        row.find_element(By.CLASS_NAME, "c-aliases").send_keys("mother")
        d.find_element(By.ID, "save-contacts").click()
        self.wait(lambda: d.find_element(By.ID, "contacts-status").text == "Saved 1 contact.", 10,
                  "the contacts to be saved")

        self.type_request("Call Mom")
        self.wait(lambda: self.css("#log .card.pending"), 10, "a card needing confirmation")
        card = self.last_card()
        self.assertEqual(card.get_attribute("data-action"), "call")
        self.assertEqual(self.card_params(card), MOM)
        self.assertEqual(self.assistant_texts()[-1], "Calling Mom.")
        self.wait(lambda: d.find_element(By.ID, "announcer").text == "Calling Mom.", 5,
                  "the answer in the live region")
        self.shot("confirmation")
        card.find_element(By.CSS_SELECTOR, "button.confirm").click()
        self.wait(lambda: "confirmed" in card.get_attribute("class"), 10, "the card to be confirmed")
        self.assertEqual(card.find_element(By.CLASS_NAME, "card-status").text, "Confirmed")
        self.assertFalse(card.find_elements(By.TAG_NAME, "button"), "buttons left on a settled card")
        link = card.find_element(By.CSS_SELECTOR, "a.do")
        self.assertEqual(link.get_attribute("href"), "tel:+15551234567")

        # Confirming by typing "yes"; then cancelling with the button.
        self.type_request("Call Mom")
        self.wait(lambda: len(self.css("#log .card.pending")) == 1, 10, "a second pending card")
        card = self.last_card()
        self.type_request("yes")
        self.wait(lambda: "confirmed" in card.get_attribute("class"), 10, '"yes" to confirm the card')
        self.type_request("call mother")
        self.wait(lambda: len(self.css("#log .card.pending")) == 1, 10, "a third pending card")
        card = self.last_card()
        self.assertEqual(self.card_params(card), MOM)
        card.find_element(By.CSS_SELECTOR, "button.cancel").click()
        self.wait(lambda: "cancelled" in card.get_attribute("class"), 10, "the card to be cancelled")
        self.wait(lambda: self.assistant_texts()[-1] == "OK, cancelled.", 10, "the cancellation's answer")

    def test_2_speak_through_the_microphone(self):
        d = self.driver
        self.server.wait_for(self.server.speech_ready, 240, "speech recognition to be ready")
        # Record every text the spoken message shows, partial ones included.
        d.execute_script("""
            window.__seen = [];
            const log = document.getElementById('log');
            new MutationObserver(() => {
              for (const m of log.querySelectorAll('.msg.spoken')) {
                const entry = (m.classList.contains('partial') ? 'partial:' : 'final:') +
                              m.querySelector('.text').textContent;
                if (window.__seen[window.__seen.length - 1] !== entry) window.__seen.push(entry);
              }
            }).observe(log, {subtree: true, childList: true, characterData: true, attributes: true});
        """)
        cards_before = len(self.css("#log .card"))
        mic = d.find_element(By.ID, "mic")
        mic.click()
        self.wait(lambda: mic.get_attribute("aria-pressed") == "true", 5, "the microphone to start")
        self.wait(lambda: self.css("#log .msg.spoken.partial"), 20, "a partial transcript")
        self.shot("listening")
        self.wait(lambda: len(self.css("#log .card")) > cards_before, 30, "the card for the spoken request")
        self.wait(lambda: mic.get_attribute("aria-pressed") == "false", 5, "the microphone to stop")
        seen = d.execute_script("return window.__seen")
        self.assertTrue(any(s.startswith("partial:") for s in seen), seen)
        self.assertEqual(self.css("#log .msg.spoken")[-1].find_element(By.CLASS_NAME, "text").text, "call mom")
        self.assertFalse(self.css("#log .msg.spoken.partial"), "a partial transcript was not replaced")
        card = self.last_card()
        self.assertEqual(card.get_attribute("data-action"), "call")
        self.assertEqual(self.card_params(card), MOM)
        self.assertIn("pending", card.get_attribute("class"))
        self.shot("spoken")

    def test_2b_keyboard_speech_in_harks_voice(self):
        d = self.driver
        pending = self.last_card()
        d.find_element(By.ID, "server-voice").click()  # config {"tts": true}
        d.execute_script("""
            window.__played = false;
            const b = document.getElementById('stop-speaking');
            new MutationObserver(() => { if (!b.hidden) window.__played = true; })
              .observe(b, {attributes: true});
        """)
        cards_before = len(self.css("#log .card"))
        mic = d.find_element(By.ID, "mic")
        mic.send_keys(Keys.SPACE)  # the keyboard alone
        self.wait(lambda: mic.get_attribute("aria-pressed") == "true", 5, "the microphone to start")
        self.wait(lambda: len(self.css("#log .card")) > cards_before, 30, "the card for the spoken request")
        self.assertEqual(self.card_params(self.last_card()), MOM)
        self.assertIn("cancelled", pending.get_attribute("class"), "the older pending card")
        self.wait(lambda: d.execute_script("return window.__played"), 10, "Hark's voice to play the answer")
        d.find_element(By.ID, "server-voice").click()

    def test_3_history_after_reload(self):
        d = self.driver
        # More than one page of history (50 messages): 20 more requests from another client.
        token = d.execute_script("return JSON.parse(sessionStorage.getItem('hark.session')).access_token")
        def ask(_):
            return http(self.server.base + "/api/v1/chat", method="POST",
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                        body=json.dumps({"text": "what is two plus two"}).encode())[0]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            self.assertEqual(list(pool.map(ask, range(20))), [200] * 20)
        d.refresh()
        self.wait(lambda: self.css("#log .msg.past"), 10, "the history")
        self.wait_ready()
        self.assertEqual(len(self.css("#log .msg.past")), 50)
        d.find_element(By.CSS_SELECTOR, "#log button.more").click()
        self.wait(lambda: len(self.css("#log .msg.past")) > 50, 10, "the earlier page of history")
        self.assertFalse(self.css("#log button.more"), "a button for history that is not there")
        users = [e.text for e in self.css("#log .msg.user.past .text")]
        self.assertEqual(users, ["Call Mom", "Call Mom", "yes", "call mother", "call mom", "call mom"]
                         + ["what is two plus two"] * 20)
        past_cards = self.css("#log .msg.assistant.past .card")
        self.assertTrue(past_cards)
        self.assertTrue(all(c.get_attribute("data-action") == "call" for c in past_cards))
        self.assertFalse(self.css("#log .msg.past button"), "a past card offers buttons")
        self.assertEqual(d.find_element(By.ID, "who").text, EMAIL)
        names = [e.get_attribute("value") for e in self.css("#contact-list .c-name")]
        self.assertEqual(names, ["Mom"])
        self.shot("history")
        # The same page on a phone-sized screen.
        d.set_window_size(390, 844)
        self.type_request("Call Mom")
        self.wait(lambda: self.css("#log .card.pending"), 10, "a card on the small screen")
        self.shot("phone")
        d.set_window_size(1280, 900)

    def test_4_logout_and_keyboard_login(self):
        d = self.driver
        token = d.execute_script("return JSON.parse(sessionStorage.getItem('hark.session')).access_token")
        d.find_element(By.ID, "logout").click()
        self.wait(lambda: self.visible("#login-view"), 10, "the login form after logging out")
        self.assertEqual(d.find_element(By.ID, "login-status").text, "You are logged out.")
        self.assertFalse(self.visible("#chat-view"))
        self.assertIsNone(d.execute_script("return sessionStorage.getItem('hark.session')"))
        self.assertEqual(self.css("#log li"), [], "the conversation is still on the page")
        self.wait(lambda: http(self.server.base + "/api/v1/users/me",
                               headers={"Authorization": f"Bearer {token}"})[0] == 401,
                  5, "the server to refuse the old token")
        self.shot("logged-out")
        # Back in with the keyboard alone: the email field has the focus.
        active = d.switch_to.active_element
        self.assertEqual(active.get_attribute("id"), "email")
        active.send_keys(EMAIL, Keys.TAB, PASSWORD, Keys.ENTER)
        self.wait(lambda: self.visible("#chat-view"), 10, "the chat after a keyboard login")
        self.wait_ready()
        self.assertEqual(d.switch_to.active_element.get_attribute("id"), "text")

    def session(self):
        return self.driver.execute_script("return JSON.parse(sessionStorage.getItem('hark.session'))")

    def test_5_reconnect_speech_off_and_token_refresh(self):
        d = self.driver
        # The browser logs each refused WebSocket while the server is down.
        self.expected_errors = ["/api/v1/ws/stream' failed"]
        self.server.halt()
        self.wait(lambda: self.css('#conn[data-state="reconnecting"]'), 10, "the client to reconnect")
        self.wait(lambda: d.find_element(By.ID, "conn-text").text.startswith("Reconnecting in "), 10,
                  "the backoff delay to be shown")
        self.assertTrue(d.find_element(By.ID, "mic").get_attribute("disabled"))
        # Back without speech, and with short-lived access tokens (10 s) that the client
        # must refresh in time.
        self.server.start("--no-speech", "--access-ttl", "10")
        self.wait_ready()
        self.type_request("Call Mom")
        self.wait(lambda: self.css("#log .card.pending"), 10, "an answer after reconnecting")
        mic = d.find_element(By.ID, "mic")
        mic.click()
        self.wait(lambda: self.visible("#alert"), 10, "an error about speech")
        self.assertTrue(d.find_element(By.ID, "alert").text.startswith("Speech recognition is not available"))
        self.wait(lambda: mic.get_attribute("aria-pressed") == "false", 5, "the microphone to stop")
        d.find_element(By.ID, "logout").click()
        self.wait(lambda: self.visible("#login-view"), 10, "the login form")
        # The email stays filled in, so the password field has the focus.
        self.assertEqual(d.switch_to.active_element.get_attribute("id"), "password")
        d.switch_to.active_element.send_keys(PASSWORD, Keys.ENTER)
        self.wait_ready()
        first = self.session()
        self.wait(lambda: self.session()["access_token"] != first["access_token"], 15,
                  "the access token to be refreshed")
        self.assertLess(time.time() * 1000, first["expires_at"], "refreshed only after expiry")
        self.assertNotEqual(self.session()["refresh_token"], first["refresh_token"])
        self.assertEqual(http(self.server.base + "/api/v1/users/me",
                              headers={"Authorization": f"Bearer {self.session()['access_token']}"})[0], 200)

    def test_6_expired_login(self):
        d = self.driver
        # The refused calls are what this test is about.
        self.expected_errors = ["status of 401"]
        token = self.session()["access_token"]
        status, _, _ = http(self.server.base + "/api/v1/auth/logout", method="POST",
                            headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(status, 204)  # this login is now over elsewhere
        d.refresh()
        self.wait(lambda: self.visible("#login-view"), 10, "the login form after the login expired")
        self.assertEqual(d.find_element(By.ID, "login-status").text,
                         "Your login has expired. Please log in again.")
        self.assertIsNone(d.execute_script("return sessionStorage.getItem('hark.session')"))
        self.shot("expired")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--hark", required=True)
    parser.add_argument("--out", required=True)
    ARGS, rest = parser.parse_known_args()
    for tool in ("chromium", "chromedriver", "espeak-ng", "sox"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run scripts/setup.sh")
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
