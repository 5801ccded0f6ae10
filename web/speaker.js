// Answers spoken aloud: the browser's speech synthesis, or Hark's own voice (the WAV audio
// the server sends when the session asked for "tts": true), played from a blob: URL.

export class Speaker {
  constructor() {
    this.audio = null;
    this.url = "";
  }

  say(text) {
    if (!("speechSynthesis" in window) || !text) return;
    window.speechSynthesis.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.lang = document.documentElement.lang || "en";
    window.speechSynthesis.speak(u);
  }

  play(base64, format = "wav") {
    this.stop();
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    this.url = URL.createObjectURL(new Blob([bytes], { type: `audio/${format}` }));
    const audio = new Audio(this.url);
    this.audio = audio;
    // A browser may refuse to play before the person interacted with the page; then the
    // answer is still on screen and read by screen readers.
    audio.play().catch(() => {});
    audio.addEventListener("ended", () => { if (this.audio === audio) this.stop(); }, { once: true });
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
  }
}
