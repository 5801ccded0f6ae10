// AudioWorklet processor: turns the microphone's float samples (at the audio context's rate,
// often 48 kHz) into 16 kHz mono 16-bit little-endian PCM, posted to the page in chunks.
// Resampling: a windowed-sinc low-pass below the new Nyquist frequency, then linear
// interpolation at the output instants (the filtered signal is smooth enough for that).
// Messages in: "flush" (post what is buffered, then {type: "flushed"}).
// Messages out: {type: "chunk", pcm: ArrayBuffer, level: 0..1}, {type: "flushed"}.

const TAPS = 63;

function lowPass(cutoff) {  // cutoff in cycles per input sample, < 0.5
  const h = new Float32Array(TAPS);
  const mid = (TAPS - 1) / 2;
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const t = i - mid;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const blackman = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (TAPS - 1)) +
                     0.08 * Math.cos((4 * Math.PI * i) / (TAPS - 1));
    h[i] = sinc * blackman;
    sum += h[i];
  }
  for (let i = 0; i < TAPS; i++) h[i] /= sum;
  return h;
}

class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = options.processorOptions || {};
    this.outRate = opts.targetRate || 16000;
    this.ratio = sampleRate / this.outRate;       // input samples per output sample
    this.filter = this.ratio > 1 ? lowPass((0.45 * this.outRate) / sampleRate) : null;
    this.history = new Float32Array(TAPS * 2);    // each sample twice: no wrap in the loop
    this.pos = 0;
    this.n = 0;                                    // index of the current filtered sample
    this.next = 0;                                 // input position of the next output sample
    this.prev = 0;
    this.chunk = new DataView(new ArrayBuffer(2 * Math.round((this.outRate * (opts.chunkMs || 100)) / 1000)));
    this.fill = 0;
    this.energy = 0;
    this.port.onmessage = (ev) => {
      if (ev.data === "flush") {
        this.post();
        this.port.postMessage({ type: "flushed" });
      }
    };
  }

  filtered(x) {
    if (!this.filter) return x;
    this.history[this.pos] = x;
    this.history[this.pos + TAPS] = x;
    this.pos = (this.pos + 1) % TAPS;
    // history[pos .. pos+TAPS) holds the last TAPS samples, oldest first.
    let acc = 0;
    const h = this.filter;
    for (let k = 0; k < TAPS; k++) acc += h[k] * this.history[this.pos + k];
    return acc;
  }

  emit(v) {
    const s = Math.max(-1, Math.min(1, v));
    this.energy += s * s;
    this.chunk.setInt16(this.fill, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    this.fill += 2;
    if (this.fill === this.chunk.byteLength) this.post();
  }

  post() {
    if (this.fill === 0) return;
    const pcm = this.chunk.buffer.slice(0, this.fill);
    const level = Math.min(1, Math.sqrt(this.energy / (this.fill / 2)) * 4);
    this.port.postMessage({ type: "chunk", pcm, level }, [pcm]);
    this.fill = 0;
    this.energy = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const left = input[0];
    const right = input.length > 1 ? input[1] : null;
    for (let i = 0; i < left.length; i++) {
      const y = this.filtered(right ? (left[i] + right[i]) / 2 : left[i]);
      // Output instants in (n-1, n] fall between the previous filtered sample and this one.
      while (this.next <= this.n) {
        this.emit(this.prev + (y - this.prev) * (1 - (this.n - this.next)));
        this.next += this.ratio;
      }
      this.prev = y;
      this.n += 1;
    }
    // Keep the counters small: only their difference matters.
    if (this.n > 1e6) {
      this.n -= 1e6;
      this.next -= 1e6;
    }
    return true;
  }
}

registerProcessor("pcm16-capture", Pcm16Capture);
