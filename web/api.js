// Hark's HTTP API (docs/PROTOCOL.md) and the login it needs. Tokens live in sessionStorage,
// so each tab has its own login that a reload keeps; the access token is refreshed before it
// expires, and a refused token is refreshed once before the login counts as expired.

const BASE = "/api/v1";
const KEY = "hark.session";

export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// The sentence to show for a failed call: the server's own `detail`, or one made here.
async function failure(resp) {
  let body = {};
  try {
    body = await resp.json();
  } catch {
    // not JSON: keep the generic sentence below
  }
  let message = body.detail || `The server answered ${resp.status}.`;
  if (resp.status === 429) {
    const wait = resp.headers.get("Retry-After");
    message = `Too many attempts. Try again${wait ? ` in ${wait} seconds` : " later"}.`;
  }
  return new ApiError(message, resp.status, body.code || "");
}

async function call(path, { method = "GET", token, json, form } = {}) {
  const headers = {};
  let body;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(form).toString();
  }
  let resp;
  try {
    resp = await fetch(BASE + path, { method, headers, body, cache: "no-store" });
  } catch {
    throw new ApiError("Hark cannot be reached. Check the connection.", 0, "offline");
  }
  if (!resp.ok) throw await failure(resp);
  if (resp.status === 204) return null;
  return resp.json();
}

export class Session extends EventTarget {
  constructor() {
    super();
    this.state = JSON.parse(sessionStorage.getItem(KEY) || "null");
    this.refreshTimer = 0;
    this.refreshing = null;
  }

  get loggedIn() { return !!this.state; }
  get email() { return this.state ? this.state.email : ""; }
  get accessToken() { return this.state ? this.state.access_token : ""; }

  async register(email, password, displayName) {
    const json = { email, password };
    if (displayName) json.display_name = displayName;
    await call("/auth/register", { method: "POST", json });
    await this.login(email, password);
  }

  async login(email, password) {
    const pair = await call("/auth/token", { method: "POST", form: { username: email, password } });
    this.store(pair, email);
  }

  // Every token use refreshes first when the access token is (nearly) stale.
  async token() {
    if (!this.state) throw new ApiError("Please log in.", 401, "invalid_token");
    if (Date.now() > this.state.expires_at - 5000) await this.refresh();
    return this.state.access_token;
  }

  refresh() {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  async doRefresh() {
    if (!this.state) throw new ApiError("Please log in.", 401, "invalid_token");
    try {
      const pair = await call("/auth/refresh", {
        method: "POST", json: { refresh_token: this.state.refresh_token } });
      this.store(pair, this.state.email);
    } catch (e) {
      if (e.status === 401 || e.status === 400 || e.status === 422) this.expire();
      throw e;
    }
  }

  // Calls the API as the user; a refused token is refreshed once, then the login is over.
  async api(path, options = {}) {
    const token = await this.token();
    try {
      return await call(path, { ...options, token });
    } catch (e) {
      if (e.status !== 401) throw e;
      await this.refresh();
      return call(path, { ...options, token: this.state.access_token });
    }
  }

  async logout() {
    const token = this.accessToken;
    this.clear();
    this.dispatchEvent(new Event("logout"));
    if (token) {
      try {
        await call("/auth/logout", { method: "POST", token });
      } catch {
        // the tokens are gone from this tab either way
      }
    }
  }

  expire() {
    this.clear();
    this.dispatchEvent(new Event("expired"));
  }

  store(pair, email) {
    const lifetime = (Number(pair.expires_in) > 0 ? Number(pair.expires_in) : 3600) * 1000;
    this.state = {
      email,
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      expires_at: Date.now() + lifetime,
    };
    sessionStorage.setItem(KEY, JSON.stringify(this.state));
    this.schedule();
    this.dispatchEvent(new Event("tokens"));
  }

  // Refreshes at 80% of the lifetime (at most a minute before it ends).
  schedule() {
    clearTimeout(this.refreshTimer);
    if (!this.state) return;
    const left = this.state.expires_at - Date.now();
    const margin = Math.min(60000, left * 0.2);
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), Math.max(0, left - margin));
  }

  clear() {
    clearTimeout(this.refreshTimer);
    this.state = null;
    sessionStorage.removeItem(KEY);
  }
}
