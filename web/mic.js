// The microphone: getUserMedia into an AudioWorklet (mic-worklet.js) that hands back
// 16 kHz 16-bit PCM chunks. One audio context for the page, made on the first use (browsers
// only allow audio after a user gesture).

export class Microphone {
  constructor() {
    this.context = null;
    this.loaded = null;
    this.stream = null;
    this.source = null;
    this.node = null;
  }

  get active() { return !!this.node; }

  // onChunk(ArrayBuffer pcm, number level) is called for every ~100 ms of audio.
  async start(onChunk) {
    if (this.node) return;
    if (!navigator.mediaDevices || !window.AudioWorkletNode) {
      throw new Error("This browser cannot record audio here (it needs a secure page and Web Audio).");
    }
    if (!this.context) {
      this.context = new AudioContext({ latencyHint: "interactive" });
      this.loaded = this.context.audioWorklet.addModule("mic-worklet.js");
    }
    await this.loaded;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true },
      });
    } catch (e) {
      if (e && e.name === "NotAllowedError") throw new Error("Microphone access was refused. Allow it in the browser to speak.");
      if (e && e.name === "NotFoundError") throw new Error("No microphone was found.");
      throw new Error("The microphone could not be opened.");
    }
    await this.context.resume();
    this.stream = stream;
    this.source = this.context.createMediaStreamSource(stream);
    this.node = new AudioWorkletNode(this.context, "pcm16-capture", {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { targetRate: 16000, chunkMs: 100 },
    });
    this.node.port.onmessage = (ev) => {
      if (ev.data.type === "chunk") onChunk(ev.data.pcm, ev.data.level);
      else if (ev.data.type === "flushed" && this.onFlushed) this.onFlushed();
    };
    this.source.connect(this.node);
    // The node writes silence; connecting it keeps the graph pulling it in every browser.
    this.node.connect(this.context.destination);
  }

  // Stops recording; resolves once the last buffered samples were handed to onChunk.
  async stop() {
    const node = this.node;
    if (!node) return;
    this.node = null;
    this.source.disconnect();
    for (const track of this.stream.getTracks()) track.stop();
    await new Promise((resolve) => {
      const timeout = setTimeout(resolve, 300);
      this.onFlushed = () => { clearTimeout(timeout); resolve(); };
      node.port.postMessage("flush");
    });
    this.onFlushed = null;
    node.disconnect();
    node.port.onmessage = null;
    this.stream = null;
    this.source = null;
  }
}
