// Answers spoken aloud: the browser's speech synthesis, or Hark's own voice (the WAV audio
// the server sends when the session asked for "tts": true), played from a blob: URL.
// Events: "start" and "end" around each spoken answer, so the page can offer to stop it.

export class Speaker extends EventTarget {
  constructor() {
    super();
    this.audio = null;
    this.url = "";
    this.speaking = false;
  }

  setSpeaking(on) {
    if (on === this.speaking) return;
    this.speaking = on;
    this.dispatchEvent(new Event(on ? "start" : "end"));
  }

  say(text) {
    if (!("speechSynthesis" in window) || !text) return;
    window.speechSynthesis.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.lang = document.documentElement.lang || "en";
    u.onstart = () => this.setSpeaking(true);
    u.onend = u.onerror = () => this.setSpeaking(false);
    window.speechSynthesis.speak(u);
  }

  play(base64, format = "wav") {
    this.stop();
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    this.url = URL.createObjectURL(new Blob([bytes], { type: `audio/${format}` }));
    const audio = new Audio(this.url);
    this.audio = audio;
    audio.addEventListener("playing", () => { if (this.audio === audio) this.setSpeaking(true); });
    audio.addEventListener("ended", () => { if (this.audio === audio) this.stop(); }, { once: true });
    // A browser may refuse to play before the person interacted with the page; then the
    // answer is still on screen and read by screen readers.
    audio.play().catch(() => { if (this.audio === audio) this.stop(); });
  }

  stop() {
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
    if (this.audio) {
      this.audio.pause();
      this.audio = null;
    }
    if (this.url) {
      URL.revokeObjectURL(this.url);
      this.url = "";
    }
    this.setSpeaking(false);
  }
}
