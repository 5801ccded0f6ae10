// Hark's web client: login, the conversation over the WebSocket (typed and spoken), answers
// read aloud, history and contacts. Each part lives in its own module; this one wires them.
import { Session } from "./api.js";
import { Connection } from "./connection.js";
import { ContactsEditor } from "./contacts.js";
import { ConversationView } from "./conversation.js";
import { Microphone } from "./mic.js";
import { Speaker } from "./speaker.js";

const $ = (id) => document.getElementById(id);

const ERROR_WORDS = {
  busy: "Hark is busy with other speech right now. Please say that again.",
  bad_audio: "Some of the audio could not be read (bad audio). Please try again.",
  speech_unavailable: "Speech recognition is not available yet (it may still be loading). Type your request instead.",
  too_large: "That was too much audio at once.",
  rate_limited: "Too many messages too quickly. Please slow down.",
  invalid_token: "Your login has expired. Please log in again.",
};

const STATE_WORDS = {
  connecting: "Connecting…",
  ready: "Ready",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

const session = new Session();
const conn = new Connection(() => session.token());
const mic = new Microphone();
const speaker = new Speaker();
const view = new ConversationView($("log"), {
  onDecision(actionId, confirmed) {
    if (!conn.send({ type: "confirm", action_id: actionId, confirmed })) showError("Not connected: the answer was not sent.");
    $("text").focus();  // the pressed button is about to go
  },
  onDone(actionId) {
    conn.send({ type: "action_result", action_id: actionId, status: "done" });
  },
});
const contacts = new ContactsEditor({
  list: $("contact-list"), template: $("contact-row"), add: $("add-contact"),
  save: $("save-contacts"), status: $("contacts-status"),
}, session);

// ---- messages to the person ----

let alertTimer = 0;
function showError(text) {
  const box = $("alert");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(() => { box.hidden = true; }, 10000);
}
function clearError() {
  $("alert").hidden = true;
}
// Emptied first, so that the same answer twice in a row is read twice.
function announce(text) {
  const region = $("announcer");
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 100);
}

// ---- login ----

function showLogin(message) {
  $("chat-view").hidden = true;
  $("account").hidden = true;
  $("login-view").hidden = false;
  $("login-status").textContent = message || "";
  $("password").value = "";
  view.clear();
  ($("email").value ? $("password") : $("email")).focus();
}

async function showChat() {
  $("login-view").hidden = true;
  $("chat-view").hidden = false;
  $("account").hidden = false;
  $("who").textContent = session.email;
  conn.start();
  $("text").focus();
  await loadHistory(0);
  if (session.loggedIn) contacts.load();
}

async function loadHistory(before) {
  try {
    const page = await session.api(`/conversations/history?limit=50${before ? `&before=${before}` : ""}`);
    const next = page.next_before;
    view.history(page.items || [], next ? () => loadHistory(next) : null);
  } catch (e) {
    if (session.loggedIn) showError(`History could not be loaded: ${e.message}`);
  }
}

async function withLoginForm(work) {
  const email = $("email").value.trim();
  const password = $("password").value;
  if (!email || !password) {
    $("login-status").textContent = "Enter your email and password.";
    return;
  }
  for (const b of [$("login"), $("register")]) b.disabled = true;
  $("login-status").textContent = "One moment…";
  try {
    await work(email, password);
    $("login-status").textContent = "";
    await showChat();
  } catch (e) {
    $("login-status").textContent = e.message;
  } finally {
    for (const b of [$("login"), $("register")]) b.disabled = false;
  }
}

$("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  withLoginForm((email, password) => session.login(email, password));
});
$("register").addEventListener("click", () => {
  withLoginForm((email, password) => session.register(email, password, $("display-name").value.trim()));
});
$("logout").addEventListener("click", async () => {
  await stopListening("cancel");
  conn.stop();
  await session.logout();
});
session.addEventListener("logout", () => showLogin("You are logged out."));
session.addEventListener("expired", () => {
  cancelListening();
  conn.stop();
  showLogin(ERROR_WORDS.invalid_token);
});

// ---- connection ----

conn.addEventListener("state", (ev) => {
  const { state, retryIn } = ev.detail;
  const pill = $("conn");
  pill.dataset.state = state;
  $("conn-text").textContent = state === "reconnecting" && retryIn
    ? `Reconnecting in ${Math.ceil(retryIn / 1000)} s…` : STATE_WORDS[state];
  $("mic").disabled = $("send").disabled = state !== "ready";
  if (state !== "ready") {
    cancelListening();
    view.dropPending("Cancelled: the connection was lost");
  }
});
conn.addEventListener("auth-failed", async () => {
  try {
    await session.refresh();
    conn.retryLater();
  } catch {
    // a refused refresh ends the login ("expired"); a network failure retries
    if (session.loggedIn) conn.retryLater();
  }
});

function sendConfig() {
  conn.send({
    type: "config",
    audio: { encoding: "pcm16", sample_rate: 16000, channels: 1 },
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    tts: $("server-voice").checked,
  });
}

conn.addEventListener("message", (ev) => {
  const msg = ev.detail;
  switch (msg.type) {
    case "ready":
      sendConfig();
      break;
    case "transcript":
      onTranscript(msg);
      break;
    case "response":
      clearError();
      if (listening) listening.answered = true;
      else if (lastListen) lastListen.answered = true;
      view.response(msg);
      if (msg.message) {
        announce(msg.message);
        if ($("speak-answers").checked && !$("server-voice").checked) speaker.say(msg.message);
      }
      break;
    case "audio":
      if ($("speak-answers").checked && $("server-voice").checked) speaker.play(msg.content, msg.format);
      break;
    case "error":
      onServerError(msg);
      break;
    default:
      break;
  }
});

function onServerError(msg) {
  if (msg.code === "speech_unavailable" || msg.code === "busy") cancelListening();
  showError(ERROR_WORDS[msg.code] || msg.detail || "Something went wrong.");
}

// ---- typing ----

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  if (!text) return;
  if (!conn.send({ type: "text", content: text })) {
    showError("Not connected yet: wait until the status says Ready.");
    return;
  }
  clearError();
  speaker.stop();
  view.message("user", text);
  input.value = "";
});

// ---- speaking ----

let listening = null;   // the utterance being recorded: {started, heard, answered}
let lastListen = null;  // the one before, until the server has said all about it

function setMicUi(on) {
  const b = $("mic");
  b.setAttribute("aria-pressed", on ? "true" : "false");
  b.classList.toggle("listening", on);
  $("mic-status").textContent = on ? "Listening… press Speak again or let go to finish." : "";
  if (!on) $("mic-level").value = 0;
}

function startListening() {
  if (listening) return;
  if (!conn.ready) {
    showError("Not connected yet: wait until the status says Ready.");
    return;
  }
  clearError();
  speaker.stop();
  const current = { heard: false, answered: false };
  listening = current;
  setMicUi(true);
  current.started = mic.start((pcm, level) => {
    $("mic-level").value = level;
    if (listening === current) conn.sendBinary(pcm);
  }).catch((e) => {
    if (listening === current) listening = null;
    setMicUi(false);
    showError(e.message);
    throw e;
  });
}

// how: "end" (send audio_end: recognize now) or "cancel" (drop the utterance).
async function stopListening(how = "end") {
  const current = listening;
  if (!current || current.stopping) return;
  current.stopping = true;
  setMicUi(false);
  try {
    await current.started;
  } catch {
    return;
  }
  await mic.stop();
  listening = null;
  lastListen = current;
  conn.send({ type: how === "end" ? "audio_end" : "cancel" });
}

function cancelListening() {
  if (listening) stopListening("cancel");
}

function onTranscript(msg) {
  const final = !!msg.final;
  const ctx = listening || lastListen;
  if (msg.text && ctx) ctx.heard = true;
  view.transcript(msg.turn_id || "turn", msg.text || "", final);
  if (!final) return;
  if (!msg.text && ctx && !ctx.heard && !ctx.answered) {
    view.note("I didn't hear anything. Try again, a little closer to the microphone.");
  }
  // The server ended the utterance (its silence detection, or our audio_end).
  if (listening) stopListening("end");
}

const micButton = $("mic");
let pressedAt = 0;
micButton.addEventListener("pointerdown", (ev) => {
  if (ev.button !== 0 || micButton.disabled) return;
  ev.preventDefault();
  micButton.focus();
  micButton.setPointerCapture(ev.pointerId);  // letting go outside the button still ends it
  if (listening) {
    pressedAt = 0;
    stopListening("end");
  } else {
    pressedAt = performance.now();
    startListening();
  }
});
// Held for a while: hold-to-talk, so letting go ends the utterance. A short press toggles.
function released() {
  if (pressedAt && performance.now() - pressedAt > 500) stopListening("end");
  pressedAt = 0;
}
micButton.addEventListener("pointerup", released);
micButton.addEventListener("pointercancel", released);
micButton.addEventListener("click", (ev) => {
  if (ev.detail !== 0) return;  // pointer clicks were handled above; this is the keyboard
  if (listening) stopListening("end");
  else startListening();
});
micButton.addEventListener("contextmenu", (ev) => ev.preventDefault());
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && listening) {
    ev.preventDefault();
    stopListening("cancel");
    view.note("Cancelled.");
  }
});

// ---- answers read aloud ----

speaker.addEventListener("start", () => { $("stop-speaking").hidden = false; });
speaker.addEventListener("end", () => {
  const button = $("stop-speaking");
  if (document.activeElement === button) $("text").focus();
  button.hidden = true;
});
$("stop-speaking").addEventListener("click", () => speaker.stop());

// ---- settings ----

for (const id of ["speak-answers", "server-voice"]) {
  const box = $(id);
  box.checked = localStorage.getItem(`hark.${id}`) === null
    ? box.checked : localStorage.getItem(`hark.${id}`) === "true";
  box.addEventListener("change", () => {
    localStorage.setItem(`hark.${id}`, String(box.checked));
    if (!box.checked) speaker.stop();
    if (id === "server-voice" && !listening) sendConfig();
  });
}

$("clear-history").addEventListener("click", async () => {
  try {
    await session.api("/conversations/history", { method: "DELETE" });
    view.clear();
    view.note("Your history is forgotten.");
  } catch (e) {
    showError(`History was not cleared: ${e.message}`);
  }
});

window.addEventListener("offline", () => showError("You are offline. Hark will reconnect when the network is back."));

// ---- start ----

if (session.loggedIn) {
  session.schedule();
  showChat();
} else {
  showLogin();
}
