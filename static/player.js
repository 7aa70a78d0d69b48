/* Animation players: every training GIF that has player data becomes a canvas you can
 * play, pause, step, scrub and slow down.
 *
 * Progressive enhancement. Without JavaScript the page shows the GIF (or, for readers who
 * prefer reduced motion, its poster). With it, this script finds each figure's <picture>
 * whose GIF has player data (this script's data-animations attribute maps GIF URLs to
 * "<stem>.frames.js" URLs, both relative to the page). As a figure nears the viewport it
 * loads that data with an injected <script>, which works from file:// where fetch does
 * not, then hides the <picture> (kept as the fallback) and puts a player in its place. The player redraws the run from that data in the GIF's colours and layout (see
 * site_builder/figures/frames.py for the format), on a white background like the GIF:
 * the figures are designed on white, and the stylesheet's dark-theme filter turns canvas and GIF alike.
 *
 * It plays once and stops on the last frame (play again to replay); readers who prefer
 * reduced motion get the poster's frame (the last, or the representative one), paused. Keyboard: every control is a native
 * button, slider or select; with focus anywhere in the player, Space or K plays and
 * pauses and the arrow keys step (the slider and the select keep their own arrows).
 */
(function () {
  "use strict";

  const dataScripts = animationData(document.currentScript);
  const SPEEDS = [0.5, 1, 2];
  const SVG = "http://www.w3.org/2000/svg";
  const ICONS = {
    play: "M7 4.5v15l12-7.5z",
    pause: "M6 4.5h4.5v15H6zM13.5 4.5H18v15h-4.5z",
    replay: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
    back: "M6 5h2.5v14H6zM19 5v14l-9.5-7z",
    forward: "M15.5 5H18v14h-2.5zM5 5v14l9.5-7z",
  };
  const VLQ = {};
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((c, i) => { VLQ[c] = i; });

  function prefersReducedMotion() {
    return typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  /* --- data ---------------------------------------------------------------------- */

  /** Rows of curve values, one per frame, from frames.py's VLQ second differences. */
  function decodeCurves(text, frames, points, quantum) {
    let position = 0;
    function next() {
      let value = 0;
      let scale = 1;
      let digit;
      do {
        digit = VLQ[text[position++]];
        if (digit === undefined) throw new Error("bad animation data");
        value += (digit % 32) * scale;
        scale *= 32;
      } while (digit >= 32);
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    const rows = [];
    let previous = new Float64Array(points);
    for (let f = 0; f < frames; f++) {
      const quanta = new Float64Array(points);
      let change = 0;
      for (let g = 0; g < points; g++) {
        change += next();
        quanta[g] = previous[g] + change;
      }
      rows.push(Array.from(quanta, (q) => q * quantum));
      previous = quanta;
    }
    return rows;
  }

  /** The same text as format_mse in figures/animation.py. */
  function formatMse(loss) {
    if (!Number.isFinite(loss)) return "diverged";
    if (loss !== 0 && !(Math.abs(loss) >= 1e-4 && Math.abs(loss) < 1e4)) {
      return loss.toExponential(1).replace(/e([+-])(\d)$/, "e$10$2");
    }
    return loss.toFixed(4);
  }

  /** An animation the player can show: frames, width, height, frame_ms, draw(ctx, index), text(index). */
  function prepare(data) {
    if (data.kind === "raster") return prepareRaster(data);
    const frames = data.steps.length;
    const points = data.x.length;
    const animation = Object.assign({}, data, {
      frames: frames,
      width: data.layout.width,
      height: data.layout.height,
      predictions: decodeCurves(data.prediction, frames, points, data.quantum),
      draw: (ctx, index) => drawFrame(ctx, animation, index),
      text: (index) => "step " + data.steps[index] + " of " + data.steps[frames - 1] + ", MSE " + formatMse(data.losses[index]),
    });
    if (data.neurons) {
      animation.contributions = data.neurons.contributions.map((t) => decodeCurves(t, frames, points, data.quantum));
    }
    return animation;
  }

  /* --- pictures: figures drawn by an author's own code --------------------------- */

  /** A GIF's frames, decoded on demand: the player can show any one of them, in any order. */
  function prepareRaster(data) {
    const gif = decodeGif(Uint8Array.from(atob(data.gif), (c) => c.charCodeAt(0)));
    if (gif.frames.length !== data.labels.length) throw new Error("bad animation data");
    const screen = new Uint8ClampedArray(gif.width * gif.height * 4);
    const saved = new Map(); // every KEYFRAME-th composed frame, so stepping back is cheap
    const KEYFRAME = 16;
    let shown = -1;
    const offscreen = document.createElement("canvas");
    offscreen.width = gif.width;
    offscreen.height = gif.height;
    function compose(index) {
      if (index < shown || shown < 0) {
        const start = Math.floor(index / KEYFRAME) * KEYFRAME;
        const base = saved.get(start - 1);
        if (base) { screen.set(base); shown = start - 1; } else { screen.fill(0); shown = -1; }
      }
      while (shown < index) {
        shown += 1;
        paintFrame(screen, gif, gif.frames[shown]);
        if ((shown + 1) % KEYFRAME === 0 && !saved.has(shown)) saved.set(shown, screen.slice());
      }
    }
    return {
      kind: "raster",
      frames: gif.frames.length,
      width: gif.width,
      height: gif.height,
      frame_ms: data.frame_ms,
      draw(ctx, index) {
        compose(index);
        offscreen.getContext("2d").putImageData(new ImageData(screen, gif.width, gif.height), 0, 0);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(offscreen, 0, 0);
      },
      text: (index) => data.labels[index],
    };
  }

  /** Draw one decoded GIF frame over ``screen`` (RGBA), leaving transparent pixels as they were. */
  function paintFrame(screen, gif, frame) {
    const palette = frame.palette || gif.palette;
    for (let y = 0; y < frame.height; y++) {
      const row = (frame.top + y) * gif.width;
      for (let x = 0; x < frame.width; x++) {
        const index = frame.indices[y * frame.width + x];
        if (index === frame.transparent || frame.left + x >= gif.width || frame.top + y >= gif.height) continue;
        const at = (row + frame.left + x) * 4;
        screen[at] = palette[index * 3];
        screen[at + 1] = palette[index * 3 + 1];
        screen[at + 2] = palette[index * 3 + 2];
        screen[at + 3] = 255;
      }
    }
  }

  /** The frames of a GIF89a: each one's rectangle, palette indices, transparent index and palette. */
  function decodeGif(bytes) {
    let at = 0;
    const byte = () => { if (at >= bytes.length) throw new Error("truncated GIF"); return bytes[at++]; };
    const word = () => byte() | (byte() << 8);
    const table = (flags) => { const size = 3 * (2 << (flags & 7)); const t = bytes.subarray(at, at + size); at += size; return t; };
    const blocks = () => { const parts = []; for (let n = byte(); n > 0; n = byte()) { parts.push(bytes.subarray(at, at + n)); at += n; } return parts; };
    if (String.fromCharCode(...bytes.subarray(0, 6)) !== "GIF89a" && String.fromCharCode(...bytes.subarray(0, 6)) !== "GIF87a") throw new Error("not a GIF");
    at = 6;
    const gif = { width: word(), height: word(), frames: [], palette: null };
    const screenFlags = byte();
    at += 2;
    if (screenFlags & 0x80) gif.palette = table(screenFlags);
    let transparent = -1;
    for (;;) {
      const introducer = byte();
      if (introducer === 0x3b) break;
      if (introducer === 0x21) {
        const label = byte();
        const parts = blocks();
        if (label === 0xf9 && parts[0] && parts[0].length >= 4) transparent = parts[0][0] & 1 ? parts[0][3] : -1;
      } else if (introducer === 0x2c) {
        const frame = { left: word(), top: word(), width: word(), height: word(), transparent: transparent, palette: null };
        const flags = byte();
        if (flags & 0x80) frame.palette = table(flags);
        if (flags & 0x40) throw new Error("interlaced GIFs are not supported");
        const minimum = byte();
        frame.indices = lzwDecode(minimum, blocks(), frame.width * frame.height);
        gif.frames.push(frame);
        transparent = -1;
      } else {
        throw new Error("bad GIF block");
      }
    }
    return gif;
  }

  /** GIF's variable-width LZW, from the image data's sub-blocks to ``count`` palette indices. */
  function lzwDecode(minimum, parts, count) {
    const out = new Uint8Array(count);
    const clear = 1 << minimum;
    const end = clear + 1;
    const prefix = new Int32Array(4096);
    const suffix = new Uint8Array(4096);
    const first = new Uint8Array(4096);
    const stack = new Uint8Array(4097);
    for (let i = 0; i < clear; i++) { prefix[i] = -1; suffix[i] = i; first[i] = i; }
    let size = minimum + 1;
    let next = end + 1;
    let previous = -1;
    let written = 0;
    let bits = 0;
    let buffer = 0;
    for (const part of parts) {
      for (let i = 0; i < part.length; i++) {
        buffer |= part[i] << bits;
        bits += 8;
        while (bits >= size) {
          const code = buffer & ((1 << size) - 1);
          buffer >>>= size;
          bits -= size;
          if (code === clear) { size = minimum + 1; next = end + 1; previous = -1; continue; }
          if (code === end) return out;
          let current = code;
          let depth = 0;
          if (code >= next) { // the code being defined: previous string plus its own first byte
            if (previous < 0) throw new Error("bad GIF data");
            stack[depth++] = first[previous];
            current = previous;
          }
          while (current >= 0) { stack[depth++] = suffix[current]; current = prefix[current]; }
          while (depth > 0 && written < count) out[written++] = stack[--depth];
          if (previous >= 0 && next < 4096) {
            prefix[next] = previous;
            suffix[next] = first[code < next ? code : previous];
            first[next] = first[previous];
            next += 1;
            if (next === 1 << size && size < 12) size += 1;
          }
          previous = code;
        }
      }
    }
    return out;
  }

  /* --- drawing ------------------------------------------------------------------- */

  /** Round tick values as matplotlib's MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]) picks them. */
  function ticks(low, high) {
    const magnitude = Math.pow(10, Math.floor(Math.log10((high - low) / 6)));
    for (const multiple of [1, 2, 2.5, 5, 10]) {
      const step = multiple * magnitude;
      if (step >= ((high - low) / 6) * (1 - 1e-9)) {
        const values = [];
        for (let k = Math.ceil(low / step - 1e-9); k * step <= high + 1e-9 * step; k++) values.push(k * step);
        return values;
      }
    }
    return [low, high];
  }

  function tickLabel(value) {
    const text = String(parseFloat(value.toPrecision(6)));
    return text === "-0" ? "0" : text.replace("-", "\u2212");
  }

  function font(data, size, bold) {
    return (bold ? "bold " : "") + size + 'px "' + data.look.font + '", Verdana, "Helvetica Neue", Arial, sans-serif';
  }

  function strokeCurve(ctx, look, xs, ys, map) {
    ctx.beginPath();
    let drawing = false;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(ys[i])) { drawing = false; continue; }
      const px = map.x(xs[i]);
      const py = map.y(ys[i]);
      if (drawing) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      drawing = true;
    }
    ctx.strokeStyle = look.colour;
    ctx.lineWidth = look.width;
    ctx.setLineDash(look.dash);
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.stroke();
    ctx.setLineDash([]);
  }

  /** The legend's rows, top first: [label, line look or null for the data points]. */
  function legendRows(animation) {
    const look = animation.look;
    if (animation.legend) return animation.legend;
    return [[["target", look.target], ["model", look.prediction], ["training data", null]]];
  }

  /** One frame, in the GIF's 640×480 coordinates (the context is already scaled). */
  function drawFrame(ctx, animation, index) {
    const look = animation.look;
    const layout = animation.layout;
    const W = layout.width;
    const H = layout.height;
    const [left, bottom, width, height] = layout.axes;
    const box = { x: left * W, y: (1 - bottom - height) * H, w: width * W, h: height * H };
    const [x0, x1] = animation.xlim;
    const [y0, y1] = animation.ylim;
    const map = {
      x: (x) => box.x + ((x - x0) / (x1 - x0)) * box.w,
      y: (y) => box.y + ((y1 - y) / (y1 - y0)) * box.h,
    };
    ctx.fillStyle = look.background;
    ctx.fillRect(0, 0, W, H);

    // Title and status line, top left.
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillStyle = look.ink;
    ctx.font = font(animation, look.sizes.title, true);
    ctx.fillText(animation.title, layout.margin_left * W, (1 - layout.title_top) * H);
    ctx.fillStyle = look.muted;
    ctx.font = font(animation, look.sizes.label, false);
    const status = "step " + animation.steps[index] + "   MSE " + formatMse(animation.losses[index]);
    ctx.fillText(status, layout.margin_left * W, (1 - layout.status_top) * H);

    // Grid and tick labels.
    const pad = 6 * 128 / 72;
    ctx.font = font(animation, look.sizes.tick, false);
    ctx.lineWidth = 0.9 * 128 / 72;
    ctx.strokeStyle = look.grid;
    ctx.fillStyle = look.muted;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of ticks(x0, x1)) {
      const px = map.x(t);
      ctx.beginPath(); ctx.moveTo(px, box.y); ctx.lineTo(px, box.y + box.h); ctx.stroke();
      ctx.fillText(tickLabel(t), px, box.y + box.h + pad);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of ticks(y0, y1)) {
      const py = map.y(t);
      ctx.beginPath(); ctx.moveTo(box.x, py); ctx.lineTo(box.x + box.w, py); ctx.stroke();
      ctx.fillText(tickLabel(t), box.x - pad, py);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(box.x, box.y, box.w, box.h);
    ctx.clip();
    ctx.strokeStyle = look.ink;
    ctx.lineWidth = 1.2 * 128 / 72;
    if (x0 < 0 && 0 < x1) { ctx.beginPath(); ctx.moveTo(map.x(0), box.y); ctx.lineTo(map.x(0), box.y + box.h); ctx.stroke(); }
    if (y0 < 0 && 0 < y1) { ctx.beginPath(); ctx.moveTo(box.x, map.y(0)); ctx.lineTo(box.x + box.w, map.y(0)); ctx.stroke(); }
    if (animation.kind !== "neurons") { // under the target, as style.TRAINING_POINTS
      ctx.fillStyle = look.points.colour;
      for (let i = 0; i < animation.train_x.length; i++) {
        ctx.beginPath();
        ctx.arc(map.x(animation.train_x[i]), map.y(animation.train_y[i]), look.points.radius, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    strokeCurve(ctx, look.target, animation.x, animation.target, map);
    if (animation.kind === "neurons") {
      const bias = animation.neurons.bias[index];
      strokeCurve(ctx, look.bias, [x0, x1], [bias, bias], map);
      animation.contributions.forEach((rows, i) => {
        const dash = animation.neurons.dashes ? animation.neurons.dashes[i] : look.neuron.dash;
        strokeCurve(ctx, Object.assign({}, look.neuron, { colour: animation.neurons.colours[i], dash: dash }), animation.x, rows[index], map);
      });
    }
    strokeCurve(ctx, look.prediction, animation.x, animation.predictions[index], map);
    ctx.restore();
    drawLegend(ctx, animation);
  }

  /** Rows of entries, each centred, the last at the bottom: as style.add_legend and the neurons figure place them. */
  function drawLegend(ctx, animation) {
    const look = animation.look;
    const size = look.sizes.legend;
    const handle = 2.4 * size;
    const gap = 0.8 * size;
    const spacing = 1.6 * size;
    const rowHeight = 0.055 * animation.layout.height; // neurons.LEGEND_ROW_HEIGHT
    ctx.font = font(animation, size, false);
    const rows = legendRows(animation);
    rows.forEach((row, r) => {
      const entries = row.map(([label, line]) => ({ label, line, width: handle + gap + ctx.measureText(label).width }));
      const total = entries.reduce((sum, e) => sum + e.width, 0) + spacing * (entries.length - 1);
      let x = (animation.layout.width - total) / 2;
      const y = animation.layout.height * 0.99 - 0.6 * size - (rows.length - 1 - r) * rowHeight;
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      for (const entry of entries) {
        if (entry.line) {
          ctx.beginPath();
          ctx.moveTo(x, y);
          ctx.lineTo(x + handle, y);
          ctx.strokeStyle = entry.line.colour;
          ctx.lineWidth = entry.line.width;
          ctx.setLineDash(entry.line.dash);
          ctx.lineCap = "round";
          ctx.stroke();
          ctx.setLineDash([]);
        } else {
          ctx.fillStyle = look.points.colour;
          ctx.beginPath();
          ctx.arc(x + handle / 2, y, look.points.radius, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.fillStyle = look.ink;
        ctx.fillText(entry.label, x + handle + gap, y);
        x += entry.width + spacing;
      }
    });
  }

  /* --- the player ---------------------------------------------------------------- */

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value; else node.setAttribute(name, value);
    }
    (children || []).forEach((child) => node.appendChild(child));
    return node;
  }

  function icon(name) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  function button(className, label, iconName) {
    const node = element("button", { type: "button", class: "player__button " + className, "aria-label": label, title: label });
    node.appendChild(icon(iconName));
    return node;
  }

  /** The frame of ``next`` at the training step nearest the one ``previous`` shows at ``index`` (runs can
   *  sample their steps differently); for animations without steps, the same frame number. */
  function sameMoment(previous, index, next) {
    const last = next.frames - 1;
    if (!previous.steps || !next.steps) return Math.min(index, last);
    const step = previous.steps[index];
    let best = 0;
    for (let i = 1; i <= last; i++) if (Math.abs(next.steps[i] - step) < Math.abs(next.steps[best] - step)) best = i;
    return best;
  }

  class Player {
    /** ``from``: the player this one replaces (a swept figure's other run), whose position and speed it keeps. */
    constructor(picture, img, animation, from) {
      this.animation = animation;
      this.last = animation.frames - 1;
      this.index = 0;
      this.speed = from ? from.speed : 1;
      this.playing = false;
      this.autoplayPending = false;
      this.tick = this.tick.bind(this);
      this.build(img);
      picture.hidden = true;
      picture.parentNode.insertBefore(this.root, from ? from.root : picture);
      picture.closest("figure").classList.add("figure--player");
      this.watchSize();
      if (from) {
        this.speedSelect.value = String(this.speed);
        this.show(sameMoment(from.animation, from.index, animation));
        const playing = from.playing;
        from.destroy();
        if (playing) this.play(false);
      } else {
        // Without motion, the poster's frame: where a run that hovers hovers (frames.py's "poster").
        const poster = Number.isInteger(animation.poster) ? Math.max(0, Math.min(this.last, animation.poster)) : this.last;
        this.show(prefersReducedMotion() ? poster : 0);
        if (!prefersReducedMotion()) this.autoplayWhenVisible();
      }
      this.updatePlayButton();
    }

    /** Stop and take this player off the page (another run of the figure replaces it). */
    destroy() {
      this.autoplayPending = false;
      this.pause(false);
      if (this.resizeObserver) this.resizeObserver.disconnect();
      if (this.visibility) this.visibility.disconnect();
      window.removeEventListener("resize", this.fit);
      this.root.remove();
    }

    build(img) {
      const alt = img.getAttribute("alt") || "Training animation";
      this.canvas = element("canvas", { class: "player__canvas", role: "img", "aria-label": alt, tabindex: "0" });
      this.canvas.width = this.animation.width;
      this.canvas.height = this.animation.height;
      this.playButton = button("player__play", "Play", "play");
      this.backButton = button("player__back", "Step back", "back");
      this.forwardButton = button("player__forward", "Step forward", "forward");
      this.slider = element("input", {
        type: "range", class: "player__slider", min: "0", max: String(this.last), step: "1", value: "0",
        "aria-label": this.animation.kind === "raster" ? "Frame" : "Training step",
      });
      this.status = element("span", { class: "player__status" });
      this.speedSelect = element("select", { class: "player__speed-select" },
        SPEEDS.map((s) => element("option", { value: String(s), text: String(s) + "\u00d7" })));
      this.speedSelect.value = "1";
      const speed = element("label", { class: "player__speed" }, [element("span", { text: "Speed" }), this.speedSelect]);
      this.announcer = element("span", { class: "visually-hidden", "aria-live": "polite" });
      const controls = element("div", { class: "player__controls" }, [
        this.playButton, this.backButton, this.forwardButton, this.slider, this.status, speed, this.announcer,
      ]);
      this.root = element("div", { class: "player", role: "group", "aria-label": "Animation player" }, [this.canvas, controls]);

      this.playButton.addEventListener("click", () => this.toggle(true));
      this.backButton.addEventListener("click", () => this.step(-1));
      this.forwardButton.addEventListener("click", () => this.step(1));
      this.slider.addEventListener("input", () => { this.userActed(); this.pause(false); this.show(Number(this.slider.value)); });
      this.speedSelect.addEventListener("change", () => { this.speed = Number(this.speedSelect.value) || 1; this.restartClock(); });
      this.root.addEventListener("keydown", (event) => this.onKey(event));
    }

    onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      const own = target === this.canvas || target === this.root;
      if (target === this.speedSelect) return;
      if (event.key === "k" || event.key === "K" || (event.key === " " && (own || target === this.slider))) {
        event.preventDefault();
        this.toggle(true);
      } else if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && target !== this.slider) {
        event.preventDefault();
        this.step(event.key === "ArrowRight" ? 1 : -1);
      } else if ((event.key === "Home" || event.key === "End") && own) {
        event.preventDefault();
        this.userActed();
        this.pause(false);
        this.show(event.key === "Home" ? 0 : this.last);
      }
    }

    valueText(index) {
      return this.animation.text(index);
    }

    show(index) {
      this.index = Math.max(0, Math.min(this.last, index));
      this.slider.value = String(this.index);
      this.slider.setAttribute("aria-valuetext", this.valueText(this.index));
      this.status.textContent = this.valueText(this.index).replace(", ", " \u00b7 ");
      this.draw();
      this.updatePlayButton();
    }

    draw() {
      const ctx = this.canvas.getContext("2d");
      const scale = this.canvas.width / this.animation.width;
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      this.animation.draw(ctx, this.index);
    }

    /** Keep the backing store at CSS size × devicePixelRatio, so lines and text stay crisp. */
    watchSize() {
      const fit = () => {
        const cssWidth = this.canvas.getBoundingClientRect().width;
        if (!cssWidth) return;
        const ratio = window.devicePixelRatio || 1;
        const width = Math.round(cssWidth * ratio);
        const height = Math.round((width * this.animation.height) / this.animation.width);
        if (width !== this.canvas.width || height !== this.canvas.height) {
          this.canvas.width = width;
          this.canvas.height = height;
          this.draw();
        }
      };
      this.fit = fit;
      if (typeof ResizeObserver === "function") {
        this.resizeObserver = new ResizeObserver(fit);
        this.resizeObserver.observe(this.canvas);
      }
      window.addEventListener("resize", fit);
      fit();
    }

    autoplayWhenVisible() {
      this.autoplayPending = true;
      if (typeof IntersectionObserver !== "function") { this.play(false); return; }
      const observer = new IntersectionObserver((entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        if (this.autoplayPending) this.play(false);
      }, { threshold: 0.5 });
      this.visibility = observer;
      observer.observe(this.canvas);
    }

    userActed() { this.autoplayPending = false; }

    toggle(announce) {
      this.userActed();
      if (this.playing) this.pause(announce); else this.play(announce);
    }

    play(announce) {
      this.autoplayPending = false;
      if (this.index >= this.last) this.show(0);
      this.playing = true;
      this.restartClock();
      this.raf = window.requestAnimationFrame(this.tick);
      this.updatePlayButton();
      if (announce) this.announce("Playing");
    }

    pause(announce) {
      if (!this.playing) return;
      this.playing = false;
      window.cancelAnimationFrame(this.raf);
      this.updatePlayButton();
      if (announce) this.announce("Paused at " + this.valueText(this.index));
    }

    step(delta) {
      this.userActed();
      this.pause(false);
      this.show(this.index + delta);
    }

    restartClock() { this.clock = null; }

    tick(now) {
      if (!this.playing) return;
      if (this.clock === null) this.clock = now;
      const perFrame = this.animation.frame_ms / this.speed;
      const frames = Math.floor((now - this.clock) / perFrame);
      if (frames > 0) {
        this.clock += frames * perFrame;
        this.show(this.index + frames);
        if (this.index >= this.last) { this.pause(false); return; }
      }
      this.raf = window.requestAnimationFrame(this.tick);
    }

    updatePlayButton() {
      const mode = this.playing ? "pause" : this.index >= this.last ? "replay" : "play";
      if (this.playButton.dataset.mode === mode) return;
      const label = { play: "Play", pause: "Pause", replay: "Replay" }[mode];
      this.playButton.dataset.mode = mode;
      this.playButton.setAttribute("aria-label", label);
      this.playButton.title = label;
      this.playButton.replaceChildren(icon(mode));
    }

    announce(text) { this.announcer.textContent = text; }
  }

  /* --- loading ------------------------------------------------------------------- */

  /** Absolute GIF URL -> absolute data script URL, from the script element's data-animations. */
  function animationData(script) {
    const byGif = new Map();
    let pairs = {};
    try { pairs = JSON.parse((script && script.dataset.animations) || "{}"); } catch (error) { /* no players */ }
    Object.keys(pairs).forEach((gif) => byGif.set(absolute(gif), absolute(pairs[gif])));
    return byGif;
  }

  function absolute(url) { return new URL(url, document.baseURI).href; }

  const loading = new Map();

  /** Runs the classic script at ``url`` once; resolves when it has run. */
  function loadScript(url) {
    if (!loading.has(url)) {
      loading.set(url, new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = url;
        script.onload = resolve;
        script.onerror = () => reject(new Error("could not load " + url));
        document.head.appendChild(script);
      }));
    }
    return loading.get(url);
  }

  function figureName(img) {
    const src = img.getAttribute("src") || "";
    const name = src.split(/[?#]/)[0].split("/").pop();
    try { return decodeURIComponent(name); } catch (error) { return name; }
  }

  /** The URL of the data script for ``picture``'s GIF, or undefined if it has none. */
  function dataScriptOf(picture) {
    const img = picture.querySelector("img");
    return img ? dataScripts.get(absolute(img.getAttribute("src") || "")) : undefined;
  }

  /** Loads the data of ``picture``'s GIF, then replaces the picture with a player. */
  function enhance(picture) {
    const img = picture.querySelector("img");
    loadScript(dataScriptOf(picture)).then(() => build(picture, img), () => fallBack(picture));
  }

  const players = new WeakMap(); // <picture> -> the player shown in its place

  function build(picture, img) {
    if (picture.hidden) return;
    const data = (window.siteBuilderAnimations || {})[figureName(img)];
    try {
      if (!data) throw new Error("no animation data for " + figureName(img));
      players.set(picture, new Player(picture, img, prepare(data)));
    } catch (error) {
      fallBack(picture);
    }
  }

  /* For static/sweep.js: a swept figure switches its player to another run's data, keeping
   * the position, speed and whether it plays. ``name`` is the run's GIF file name (the key of
   * its data), ``url`` its data script. Resolves true once the new player shows, false if the
   * run's data could not be shown (the caller then shows the run's GIF instead). */
  window.siteBuilderPlayer = {
    load: loadScript,
    show(picture, name, url) {
      return loadScript(url).then(() => {
        const data = (window.siteBuilderAnimations || {})[name];
        if (!data) return false;
        const img = picture.querySelector("img");
        players.set(picture, new Player(picture, img, prepare(data), players.get(picture)));
        return true;
      }).catch(() => false);
    },
  };

  /** Without a player the GIF comes back: better a looping figure than a still one.
   * While scripts run, the page shows the poster in its place (see PLAYER_STILL_MEDIA
   * in site_builder/players.py); from now on it shows it only for reduced motion. */
  function fallBack(picture) {
    picture.querySelectorAll("source").forEach((source) => {
      if (source.media.includes("scripting")) source.media = "(prefers-reduced-motion: reduce)";
    });
    picture.hidden = false;
  }

  // Players are built only as their figure nears the viewport: downloading and
  // decoding a run's frames and drawing it costs bandwidth and main-thread time a
  // reader far up the page should not pay while the page loads.
  function start() {
    const pictures = [...document.querySelectorAll("figure picture")].filter(dataScriptOf);
    if (typeof IntersectionObserver !== "function") { pictures.forEach(enhance); return; }
    const observer = new IntersectionObserver((entries) => {
      entries.forEach((entry) => {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        enhance(entry.target);
      });
    }, { rootMargin: "600px 0px" });
    pictures.forEach((picture) => observer.observe(picture));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
