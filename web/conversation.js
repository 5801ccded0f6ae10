// The conversation as the page shows it: messages, the transcript of the utterance being
// spoken (partial, then final), and actions as cards, with Confirm and Cancel on the one
// the server holds pending. Only DOM work here; no network.

const ACTION_TITLES = {
  call: "Call",
  send_message: "Message",
  navigation: "Directions",
  share_location: "Share location",
  set_alarm: "Alarm",
  set_timer: "Timer",
  reminder: "Reminder",
};

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function humanize(name) {
  return ACTION_TITLES[name] || name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function formatValue(v) {
  if (Array.isArray(v)) return v.map(formatValue).join(", ");
  if (v && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function timeOf(iso) {
  const d = iso ? new Date(iso) : new Date();
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export class ConversationView {
  // onDecision(actionId, confirmed): a card's Confirm or Cancel was pressed.
  // onDone(actionId): the person followed a card's link (a tel: link for a call).
  constructor(list, { onDecision, onDone }) {
    this.list = list;
    this.onDecision = onDecision;
    this.onDone = onDone;
    this.pending = null;     // {id, card}: the action awaiting confirmation
    this.spoken = new Map(); // turn_id -> the user message showing its transcript
    this.earlier = null;     // the line above the stored history (with "Show earlier messages")
  }

  clear() {
    this.list.replaceChildren();
    this.earlier = null;
    this.pending = null;
    this.spoken.clear();
  }

  scroll(item) {
    item.scrollIntoView({ block: "end" });
  }

  message(role, text, { when, extraClass } = {}) {
    const item = el("li", `msg ${role}${extraClass ? ` ${extraClass}` : ""}`);
    const who = el("span", "who visually-hidden", role === "user" ? "You said:" : role === "assistant" ? "Hark said:" : "");
    const body = el("p", "text", text);
    item.append(who, body);
    if (role !== "note") item.append(el("time", "when", timeOf(when)));
    this.list.append(item);
    this.scroll(item);
    return item;
  }

  note(text) {
    return this.message("note", text);
  }

  // Shows or updates the transcript of a spoken utterance. A final empty one removes it.
  transcript(turnId, text, final) {
    let item = this.spoken.get(turnId);
    if (!item) {
      if (final && !text) return null;
      item = this.message("user", text, { extraClass: "spoken" });
      this.spoken.set(turnId, item);
    }
    if (final && !text) {
      item.remove();
      this.spoken.delete(turnId);
      return null;
    }
    item.querySelector(".text").textContent = text;
    item.classList.toggle("partial", !final);
    item.setAttribute("aria-busy", final ? "false" : "true");
    if (final) this.spoken.delete(turnId);
    return item;
  }

  // A response from the live conversation.
  response(resp) {
    const action = resp.action;
    const pending = this.pending;
    if (pending && (!action || action.id !== pending.id)) {
      this.settle(pending.card, "cancelled", "Cancelled");
      this.pending = null;
    }
    const item = this.message("assistant", resp.message || "");
    if (!action) return item;
    if (pending && action.id === pending.id) {
      // The answer to a confirmation: the card above shows the outcome.
      this.settle(pending.card, "confirmed", "Confirmed");
      this.link(pending.card, action);
      this.pending = null;
      return item;
    }
    const card = this.card(action, action.needs_confirmation ? "pending" : "ready");
    item.append(card);
    if (action.needs_confirmation) this.pending = { id: action.id, card };
    else this.link(card, action);
    this.scroll(item);
    return item;
  }

  // The server forgets a pending action when the connection drops.
  dropPending(reason) {
    if (!this.pending) return;
    this.settle(this.pending.card, "cancelled", reason);
    this.pending = null;
  }

  card(action, state) {
    const card = el("article", `card ${state}`);
    card.dataset.action = action.name;
    if (action.id) card.dataset.actionId = action.id;
    const title = el("h3", "card-title", humanize(action.name));
    card.setAttribute("aria-label", `Action: ${humanize(action.name)}`);
    const params = el("dl", "params");
    for (const [key, value] of Object.entries(action.params || {})) {
      params.append(el("dt", "", key.replace(/_/g, " ")), el("dd", "", formatValue(value)));
    }
    const status = el("p", "card-status", state === "pending" ? "Needs your confirmation" : state === "past" ? "Earlier" : "Ready");
    card.append(title, params, status);
    if (state === "pending") {
      const row = el("div", "row");
      const yes = el("button", "confirm", "Confirm");
      const no = el("button", "cancel secondary", "Cancel");
      yes.type = no.type = "button";
      yes.setAttribute("aria-label", `Confirm: ${humanize(action.name)} ${formatValue(Object.values(action.params || {}))}`);
      no.setAttribute("aria-label", `Cancel: ${humanize(action.name)}`);
      yes.addEventListener("click", () => this.decide(action.id, true));
      no.addEventListener("click", () => this.decide(action.id, false));
      row.append(yes, no);
      card.append(row);
    }
    return card;
  }

  // What a browser can do itself: a call to a known number opens the phone app.
  link(card, action) {
    const number = action.params && action.params.number;
    if (action.name !== "call" || typeof number !== "string" || !/^\+?[0-9 ()-]+$/.test(number)) return;
    const a = el("a", "do", `Call ${number}`);
    a.href = `tel:${number.replace(/[^0-9+]/g, "")}`;
    a.addEventListener("click", () => this.onDone(action.id), { once: true });
    card.append(a);
  }

  decide(actionId, confirmed) {
    if (!this.pending || this.pending.id !== actionId) return;
    for (const b of this.pending.card.querySelectorAll("button")) b.disabled = true;
    this.onDecision(actionId, confirmed);
  }

  settle(card, state, text) {
    card.classList.remove("pending", "ready");
    card.classList.add(state);
    card.querySelector(".card-status").textContent = text;
    const row = card.querySelector(".row");
    if (row) row.remove();
  }

  // A page of stored history, newest first as the server sends it, shown oldest first
  // above what is already there. loadMore, when given, fetches the page before it.
  history(items, loadMore) {
    const first = !this.earlier;
    if (first) {
      this.earlier = el("li", "divider");
      this.list.prepend(this.earlier);
    }
    const fragment = [];
    for (const it of [...items].reverse()) {
      const item = el("li", `msg ${it.role} past`);
      item.append(el("span", "who visually-hidden", it.role === "user" ? "You said:" : "Hark said:"),
                  el("p", "text", it.text), el("time", "when", timeOf(it.created_at)));
      if (it.action) item.append(this.card(it.action, "past"));
      fragment.push(item);
    }
    this.earlier.after(...fragment);
    const hadFocus = this.earlier.contains(document.activeElement);
    if (loadMore) {
      const more = el("button", "more secondary", "Show earlier messages");
      more.type = "button";
      more.addEventListener("click", () => {
        more.disabled = true;
        loadMore().finally(() => { more.disabled = false; });
      });
      this.earlier.replaceChildren(more);
      if (hadFocus) more.focus();
    } else {
      this.earlier.replaceChildren(items.length || !first ? "Earlier" : "");
      if (hadFocus && fragment.length) {
        fragment[0].tabIndex = -1;
        fragment[0].focus();
      }
    }
    if (first && this.list.lastElementChild) this.list.lastElementChild.scrollIntoView({ block: "end" });
  }
}
