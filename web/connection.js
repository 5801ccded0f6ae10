// The WebSocket to /api/v1/ws/stream: authenticates with a first {"type": "auth"} message
// (so the token is never in a URL), reports its state (connecting, ready, reconnecting,
// offline) and reconnects with exponential backoff and jitter after a drop.
// Events: "state" (detail: {state, retryIn}), "message" (detail: the parsed JSON),
// "auth-failed" (the server refused the token: refresh it, then call start() again).

const MIN_DELAY = 500;
const MAX_DELAY = 30000;
const AUTH_REFUSED = 4401;

export class Connection extends EventTarget {
  constructor(getToken) {
    super();
    this.getToken = getToken;  // async () => access token
    this.ws = null;
    this.attempt = 0;
    this.timer = 0;
    this.wanted = false;
    this.state = "offline";
    this.onOnline = () => { if (this.wanted && this.state !== "ready") this.connectNow(); };
    this.onOffline = () => { if (this.wanted) this.setState("offline"); };
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
  }

  get ready() { return this.state === "ready"; }

  start() {
    this.wanted = true;
    this.connectNow();
  }

  stop() {
    this.wanted = false;
    this.attempt = 0;
    clearTimeout(this.timer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onmessage = ws.onopen = ws.onerror = null;
      ws.close(1000, "bye");
    }
    this.setState("offline");
  }

  send(message) {
    if (!this.ready) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  sendBinary(bytes) {
    if (!this.ready) return false;
    this.ws.send(bytes);
    return true;
  }

  setState(state, retryIn = 0) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, retryIn } }));
  }

  async connectNow() {
    clearTimeout(this.timer);
    if (this.ws) return;
    if (!navigator.onLine) {
      this.setState("offline");
      return;
    }
    this.setState(this.attempt ? "reconnecting" : "connecting");
    let token;
    try {
      token = await this.getToken();
    } catch {
      return;  // the login is over; the session says so
    }
    if (!this.wanted || this.ws) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/ws/stream`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
    ws.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.type === "ready") {
        this.attempt = 0;
        this.setState("ready");
      }
      this.dispatchEvent(new CustomEvent("message", { detail: msg }));
    };
    ws.onclose = (ev) => {
      this.ws = null;
      if (!this.wanted) return;
      if (ev.code === AUTH_REFUSED) {
        this.attempt += 1;
        this.setState("reconnecting");
        this.dispatchEvent(new Event("auth-failed"));
        return;
      }
      this.retryLater();
    };
  }

  retryLater() {
    if (!navigator.onLine) {
      this.setState("offline");
      return;
    }
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt);
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.attempt += 1;
    this.setState("reconnecting", delay);
    this.timer = setTimeout(() => this.connectNow(), delay);
  }
}
