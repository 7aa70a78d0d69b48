/* The playground's page side: controls, the address, the animation loop and the drawing.
 *
 * Each <section class="playground"> carries its starting settings in data-* attributes (from the
 * article's front matter). The address can override them, as a hash such as
 * #playground?target=abs&hidden=5&activation=relu&lr=0.1&steps=2000&seed=1 or as the same query
 * string; every change to a control writes the settings back to the hash, so a setup can be
 * shared as a link. Training runs a few steps per animation frame (bounded in time), so the page
 * stays responsive; readers who prefer reduced motion press Start themselves.
 * The numbers come from nn.js (globalThis.SiteBuilderNN), loaded before this file.
 */
(function () {
  "use strict";

  var nn = globalThis.SiteBuilderNN;
  var SAMPLES = 64; // training points, evenly spaced over the interval, as the build's figures use
  var INTERVAL = [-1, 1];
  var PLOT_POINTS = 201;
  var FRAME_BUDGET_MS = 8; // training time per animation frame, at most
  var LOSS_POINTS = 400; // the loss curve keeps about this many points, however long the run
  var KEYS = ["target", "hidden", "activation", "lr", "steps", "seed"];
  var LIMITS = { hidden: [1, 50], steps: [1, 100000], seed: [0, 4294967295] };
  var MAX_LR = 10;
  // The build's figure palette (Okabe-Ito), on the same white background.
  var COLORS = { ink: "#1a1a1a", muted: "#555555", grid: "#d9d9d9", fit: "#0072B2" };
  var NEURON_COLORS = ["#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#8a6d00"];

  /* ---- settings: validated values from data attributes and the address ---- */

  function wholeIn(text, range) {
    if (!/^\d+$/.test(String(text).trim())) return null;
    var value = Number(text);
    return value >= range[0] && value <= range[1] ? value : null;
  }

  /* The valid settings among `source` (a getter by key), the rest taken from `fallback`. */
  function readSettings(get, fallback) {
    var settings = {};
    var target = get("target"), activation = get("activation");
    settings.target = target in nn.TARGETS ? target : fallback.target;
    settings.activation = activation in nn.ACTIVATIONS ? activation : fallback.activation;
    ["hidden", "steps", "seed"].forEach(function (key) {
      var value = get(key) == null ? null : wholeIn(get(key), LIMITS[key]);
      settings[key] = value == null ? fallback[key] : value;
    });
    var lr = get("lr") == null || String(get("lr")).trim() === "" ? NaN : Number(get("lr"));
    settings.lr = lr > 0 && lr <= MAX_LR ? lr : fallback.lr;
    return settings;
  }

  var DEFAULTS = { target: "square", hidden: 2, activation: "relu", lr: 0.1, steps: 2000, seed: 1 };

  /* Settings the address names for this section: "#<id>?key=value..." or "?key=value...". */
  function addressParams(id) {
    var hash = window.location.hash, prefix = "#" + id + "?";
    if (hash.indexOf(prefix) === 0) return new URLSearchParams(hash.slice(prefix.length));
    var query = new URLSearchParams(window.location.search);
    return KEYS.some(function (key) { return query.has(key); }) ? query : null;
  }

  function writeAddress(id, settings) {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { params.set(key, String(settings[key])); });
    var url = window.location.pathname + window.location.search + "#" + id + "?" + params.toString();
    try {
      window.history.replaceState(window.history.state, "", url);
    } catch (error) {
      // Some browsers refuse history changes on file:// pages; the link is then simply not updated.
    }
  }

  /* ---- small DOM helpers ---- */

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") node.textContent = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function field(id, labelText, control, extra) {
    var label = element("label", { for: id, text: labelText });
    var head = extra ? element("div", { class: "playground__fieldhead" }, [label, extra]) : label;
    return element("div", { class: "playground__field" }, [head, control]);
  }

  function select(id, name, options) {
    return element("select", { id: id, name: name }, Object.keys(options).map(function (value) {
      return element("option", { value: value, text: options[value].label });
    }));
  }

  function formatLoss(loss) {
    if (!isFinite(loss)) return "diverged";
    return loss === 0 ? "0" : loss < 1e-3 || loss >= 1e4 ? loss.toExponential(2) : loss.toPrecision(3);
  }

  /* ---- one playground ---- */

  function Playground(section) {
    this.section = section;
    this.id = section.id || "playground";
    var dataset = section.dataset;
    var initial = readSettings(function (key) { return dataset[key]; }, DEFAULTS);
    var params = addressParams(this.id);
    this.fromAddress = params !== null;
    this.settings = params ? readSettings(function (key) { return params.get(key); }, initial) : initial;
    this.xs = nn.linspace(INTERVAL[0], INTERVAL[1], SAMPLES);
    this.plotXs = nn.linspace(INTERVAL[0], INTERVAL[1], PLOT_POINTS);
    this.running = false;
    this.frame = 0;
    this.build();
    this.showSettings();
    this.reset();
    this.watchSize();
  }

  Playground.prototype.build = function () {
    var id = this.id, self = this;
    this.controls = {
      target: select(id + "-target", "target", nn.TARGETS),
      hidden: element("input", { id: id + "-hidden", name: "hidden", type: "range", min: LIMITS.hidden[0], max: LIMITS.hidden[1], step: 1 }),
      activation: select(id + "-activation", "activation", nn.ACTIVATIONS),
      lr: element("input", { id: id + "-lr", name: "lr", type: "number", min: 0.001, max: MAX_LR, step: "any", inputmode: "decimal" }),
      steps: element("input", { id: id + "-steps", name: "steps", type: "number", min: LIMITS.steps[0], max: LIMITS.steps[1], step: 1, inputmode: "numeric" }),
      seed: element("input", { id: id + "-seed", name: "seed", type: "number", min: LIMITS.seed[0], max: LIMITS.seed[1], step: 1, inputmode: "numeric" }),
    };
    this.hiddenShown = element("span", { class: "playground__value" }); // the slider announces its own value
    var form = element("form", { class: "playground__controls", "aria-label": "Settings" }, [
      field(id + "-target", "Target", this.controls.target),
      field(id + "-hidden", "Hidden neurons", this.controls.hidden, this.hiddenShown),
      field(id + "-activation", "Activation", this.controls.activation),
      field(id + "-lr", "Learning rate", this.controls.lr),
      field(id + "-steps", "Steps", this.controls.steps),
      field(id + "-seed", "Seed", this.controls.seed),
    ]);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.buttons = {
      start: element("button", { type: "button", class: "playground__button playground__button--primary", text: "Start" }),
      pause: element("button", { type: "button", class: "playground__button", text: "Pause" }),
      reset: element("button", { type: "button", class: "playground__button", text: "Reset" }),
    };
    this.stepShown = element("span", { class: "playground__step" });
    this.totalShown = element("span", { class: "playground__total" });
    this.lossShown = element("span", { class: "playground__loss" });
    var readout = element("p", { class: "playground__readout" }, [
      document.createTextNode("Step "), this.stepShown, document.createTextNode(" of "), this.totalShown,
      document.createTextNode(" · loss "), this.lossShown,
    ]);
    this.status = element("p", { class: "playground__status", role: "status" });
    this.canvas = element("canvas", { class: "playground__canvas", role: "img", "aria-label": "The target, the network's fit and what each hidden neuron adds" });
    this.lossCanvas = element("canvas", { class: "playground__loss-canvas", role: "img", "aria-label": "The loss over the training steps, on a log scale" });
    var legend = element("ul", { class: "playground__legend", "aria-hidden": "true" }, [
      element("li", { class: "playground__key playground__key--target", text: "target" }),
      element("li", { class: "playground__key playground__key--fit", text: "network" }),
      element("li", { class: "playground__key playground__key--neuron", text: "each neuron" }),
    ]);
    var board = element("div", { class: "playground__board" }, [
      element("div", { class: "playground__plot" }, [this.canvas]),
      legend,
      element("div", { class: "playground__lossbox" }, [readout, this.lossCanvas]),
    ]);
    var panel = element("div", { class: "playground__panel" }, [
      form,
      element("div", { class: "playground__buttons" }, [this.buttons.start, this.buttons.pause, this.buttons.reset]),
      this.status,
    ]);
    this.section.appendChild(element("div", { class: "playground__app" }, [board, panel]));
    this.section.classList.add("playground--ready");

    this.buttons.start.addEventListener("click", function () { self.start(); });
    this.buttons.pause.addEventListener("click", function () { self.pause(); });
    this.buttons.reset.addEventListener("click", function () { self.reset(); self.say("Reset to step 0."); });
    this.controls.hidden.addEventListener("input", function () { self.hiddenShown.textContent = self.controls.hidden.value; });
    KEYS.forEach(function (key) {
      self.controls[key].addEventListener("change", function () { self.changed(key); });
    });
  };

  /* Put the settings into the controls. */
  Playground.prototype.showSettings = function () {
    var self = this;
    KEYS.forEach(function (key) { self.controls[key].value = String(self.settings[key]); });
    this.hiddenShown.textContent = String(this.settings.hidden);
    this.totalShown.textContent = String(this.settings.steps);
  };

  /* A control changed: take its (validated) value, update the address, and restart the network
   * if the change alters the network itself (the learning rate and step count apply at once). */
  Playground.prototype.changed = function (key) {
    var controls = this.controls;
    var next = readSettings(function (k) { return controls[k].value; }, this.settings);
    var rebuild = key === "target" || key === "hidden" || key === "activation" || key === "seed";
    this.settings = next;
    this.showSettings(); // puts back the last good value if the typed one was not valid
    writeAddress(this.id, this.settings);
    if (rebuild) {
      var wasRunning = this.running;
      this.reset();
      if (wasRunning) this.start();
    } else {
      this.updateButtons();
      this.draw();
    }
  };

  Playground.prototype.reset = function () {
    this.stopLoop();
    var s = this.settings, target = nn.TARGETS[s.target].f;
    this.ys = this.xs.map(target);
    this.plotYs = this.plotXs.map(target);
    // Output weights start at 0, as the article's figures do: no neuron starts out pulled off the data.
    this.net = nn.initNetwork({ hidden: s.hidden, activation: s.activation, seed: s.seed, interval: INTERVAL, zeroOutput: true });
    this.warnedDead = false;
    this.step = 0;
    this.losses = []; // [step, loss] pairs, thinned as the run grows
    this.lossEvery = 1;
    this.loss = this.currentLoss();
    this.record();
    this.updateButtons();
    this.draw();
  };

  Playground.prototype.currentLoss = function () {
    return nn.mseAndGrad(nn.forward(this.net, this.xs).output, this.ys).loss;
  };

  Playground.prototype.record = function () {
    if (this.step % this.lossEvery !== 0) return;
    this.losses.push([this.step, this.loss]);
    if (this.losses.length > LOSS_POINTS) { // keep every other point, and record half as often
      this.losses = this.losses.filter(function (_, i) { return i % 2 === 0; });
      this.lossEvery *= 2;
    }
  };

  Playground.prototype.finished = function () {
    return this.step >= this.settings.steps || !isFinite(this.loss);
  };

  Playground.prototype.start = function () {
    if (this.running) return;
    if (this.finished()) this.reset();
    this.running = true;
    this.updateButtons(this.buttons.pause);
    this.say("Training.");
    this.scheduleFrame();
  };

  Playground.prototype.pause = function () {
    if (!this.running) return;
    this.stopLoop();
    this.updateButtons(this.buttons.start);
    this.say("Paused at step " + this.step + ".");
  };

  Playground.prototype.stopLoop = function () {
    this.running = false;
    if (this.frame) window.cancelAnimationFrame(this.frame);
    this.frame = 0;
  };

  Playground.prototype.scheduleFrame = function () {
    var self = this;
    this.frame = window.requestAnimationFrame(function () { self.frame = 0; self.tick(); });
  };

  /* One animation frame: a slice of the run (long runs take bigger slices), within a time budget. */
  Playground.prototype.tick = function () {
    if (!this.running) return;
    var s = this.settings;
    var chunk = Math.max(1, Math.min(500, Math.ceil(s.steps / 300)));
    var began = performance.now();
    for (var i = 0; i < chunk && !this.finished(); i++) {
      nn.trainStep(this.net, this.xs, this.ys, s.lr);
      this.step += 1;
      this.loss = this.currentLoss();
      this.record();
      if (i % 10 === 9 && performance.now() - began > FRAME_BUDGET_MS) break;
    }
    this.draw();
    var dead = this.deadWarning();
    if (this.finished()) {
      this.stopLoop();
      this.updateButtons(this.buttons.start);
      this.say((isFinite(this.loss) ? "Finished: " + this.step + " steps, loss " + formatLoss(this.loss) + "."
        : "The loss diverged at step " + this.step + ": try a smaller learning rate.") + dead);
      return;
    }
    if (dead && !this.warnedDead) { // said once per run, as soon as most neurons are gone
      this.warnedDead = true;
      this.say("Training." + dead);
    }
    this.scheduleFrame();
  };

  /* Enable the buttons that make sense now; `focus` keeps keyboard focus on a live button when the
   * pressed one becomes disabled. */
  Playground.prototype.updateButtons = function (focus) {
    var active = document.activeElement;
    this.buttons.start.disabled = this.running;
    this.buttons.pause.disabled = !this.running;
    this.buttons.start.textContent = !this.running && this.step > 0 && !this.finished() ? "Resume" : "Start";
    this.buttons.start.setAttribute("aria-label", this.buttons.start.textContent === "Resume" ? "Resume training" : "Start training");
    this.buttons.pause.setAttribute("aria-label", "Pause training");
    this.buttons.reset.setAttribute("aria-label", "Reset the network");
    if (focus && active && active.disabled && this.section.contains(active)) focus.focus();
    this.section.dataset.state = this.running ? "running" : this.finished() ? "finished" : this.step > 0 ? "paused" : "ready";
  };

  /* " N of H neurons are dead ..." once most ReLUs are off at every training point, else "". A step
   * too large for the width kills them in the first few updates (the article's "When neurons die"). */
  Playground.prototype.deadWarning = function () {
    var dead = nn.deadNeurons(this.net, this.xs), hidden = this.net.w1.length;
    if (dead * 2 <= hidden) return "";
    return " " + dead + " of " + hidden + " neurons are dead (off at every point, so they no longer learn): " +
      "try a smaller learning rate (for n neurons, about 1/n).";
  };

  Playground.prototype.say = function (message) {
    this.status.textContent = message;
  };

  /* ---- drawing ---- */

  Playground.prototype.watchSize = function () {
    var self = this;
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () { self.draw(); }).observe(this.canvas.parentNode);
    } else {
      window.addEventListener("resize", function () { self.draw(); });
    }
  };

  /* Size the canvas's backing store to its CSS size times devicePixelRatio; a 2-D context in CSS pixels. */
  function prepare(canvas) {
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = canvas.clientHeight;
    if (!width || !height) return null;
    var pixelsWide = Math.round(width * ratio), pixelsHigh = Math.round(height * ratio);
    if (canvas.width !== pixelsWide || canvas.height !== pixelsHigh) {
      canvas.width = pixelsWide;
      canvas.height = pixelsHigh;
    }
    var context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, width, height);
    return { context: context, width: width, height: height };
  }

  function polyline(context, xs, ys, toX, toY) {
    context.beginPath();
    for (var i = 0; i < xs.length; i++) {
      var px = toX(xs[i]), py = toY(ys[i]);
      if (i === 0) context.moveTo(px, py); else context.lineTo(px, py);
    }
    context.stroke();
  }

  Playground.prototype.draw = function () {
    this.stepShown.textContent = String(this.step);
    this.totalShown.textContent = String(this.settings.steps);
    this.lossShown.textContent = formatLoss(this.loss);
    this.drawFit();
    this.drawLoss();
  };

  Playground.prototype.drawFit = function () {
    var area = prepare(this.canvas);
    if (!area) return;
    var c = area.context, pad = { left: 34, right: 10, top: 10, bottom: 24 };
    var low = Math.min.apply(null, this.plotYs), high = Math.max.apply(null, this.plotYs);
    var margin = 0.35 * (high - low || 1);
    var yRange = [low - margin, high + margin];
    var plotW = area.width - pad.left - pad.right, plotH = area.height - pad.top - pad.bottom;
    var toX = function (x) { return pad.left + ((x - INTERVAL[0]) / (INTERVAL[1] - INTERVAL[0])) * plotW; };
    var toY = function (y) { return pad.top + (1 - (y - yRange[0]) / (yRange[1] - yRange[0])) * plotH; };

    c.font = "11px system-ui, sans-serif";
    c.lineWidth = 1;
    c.strokeStyle = COLORS.grid;
    c.fillStyle = COLORS.muted;
    c.textAlign = "center";
    c.textBaseline = "top";
    [-1, -0.5, 0, 0.5, 1].forEach(function (x) {
      c.beginPath(); c.moveTo(toX(x), pad.top); c.lineTo(toX(x), pad.top + plotH); c.stroke();
      c.fillText(String(x), toX(x), pad.top + plotH + 5);
    });
    c.textAlign = "right";
    c.textBaseline = "middle";
    var tick = yRange[1] - yRange[0] > 2.5 ? 1 : 0.5;
    for (var y = Math.ceil(yRange[0] / tick) * tick; y <= yRange[1]; y += tick) {
      c.beginPath(); c.moveTo(pad.left, toY(y)); c.lineTo(pad.left + plotW, toY(y)); c.stroke();
      c.fillText(String(Math.round(y * 10) / 10), pad.left - 5, toY(y));
    }

    c.save();
    c.beginPath();
    c.rect(pad.left, pad.top, plotW, plotH);
    c.clip();
    c.lineJoin = "round";
    var shares = nn.contributions(this.net, this.plotXs);
    var plotXs = this.plotXs;
    c.lineWidth = 1;
    c.globalAlpha = shares.length > 12 ? 0.55 : 0.85;
    shares.forEach(function (share, j) {
      c.strokeStyle = NEURON_COLORS[j % NEURON_COLORS.length];
      polyline(c, plotXs, share, toX, toY);
    });
    c.globalAlpha = 1;
    c.lineWidth = 2;
    c.setLineDash([6, 4]);
    c.strokeStyle = COLORS.ink;
    polyline(c, plotXs, this.plotYs, toX, toY);
    c.setLineDash([]);
    c.lineWidth = 2.5;
    c.strokeStyle = COLORS.fit;
    polyline(c, plotXs, nn.forward(this.net, plotXs).output, toX, toY);
    c.restore();
  };

  Playground.prototype.drawLoss = function () {
    var area = prepare(this.lossCanvas);
    if (!area) return;
    var c = area.context, pad = { left: 8, right: 8, top: 6, bottom: 6 };
    var points = this.losses.filter(function (p) { return isFinite(p[1]) && p[1] > 0; });
    c.strokeStyle = COLORS.grid;
    c.lineWidth = 1;
    c.strokeRect(0.5, 0.5, area.width - 1, area.height - 1);
    if (points.length < 2) return;
    var logs = points.map(function (p) { return Math.log10(p[1]); });
    var low = Math.min.apply(null, logs), high = Math.max.apply(null, logs);
    if (high - low < 1e-9) { low -= 0.5; high += 0.5; }
    var steps = this.settings.steps;
    var toX = function (step) { return pad.left + (step / steps) * (area.width - pad.left - pad.right); };
    var toY = function (log) { return pad.top + ((high - log) / (high - low)) * (area.height - pad.top - pad.bottom); };
    c.strokeStyle = COLORS.fit;
    c.lineWidth = 1.5;
    polyline(c, points.map(function (p) { return p[0]; }), logs, toX, toY);
  };

  /* ---- start-up ---- */

  function prefersReducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  /* Start training the first time the playground scrolls into view, unless motion is unwelcome. */
  function autoStart(playground) {
    if (prefersReducedMotion()) return;
    if (typeof IntersectionObserver !== "function") return;
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        if (playground.step === 0 && !playground.running) playground.start();
      }
    }, { threshold: 0.4 });
    observer.observe(playground.canvas);
  }

  function build(section) {
    if (section.playground) return;
    var playground = new Playground(section);
    section.playground = playground; // for the browser tests and the curious, in the console
    if (playground.fromAddress) section.scrollIntoView();
    autoStart(playground);
  }

  /* A playground is built as it nears the viewport: building its controls and plots costs
     main-thread time that a reader at the top of the page should not wait on. One whose
     settings are in the address is built at once, since the page then scrolls to it. */
  function init() {
    if (!nn) return;
    var observer = typeof IntersectionObserver === "function" && new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        build(entry.target);
      });
    }, { rootMargin: "800px 0px" });
    Array.prototype.forEach.call(document.querySelectorAll("section.playground"), function (section) {
      if (observer && addressParams(section.id || "playground") === null) observer.observe(section);
      else build(section);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
