/* The classification playground's page side: controls, the address, the training loop and the drawing.
 *
 * A <section class="playground" data-mode="classification"> carries its starting settings in data-*
 * attributes (from the article's front matter); the address can override them, as
 * #playground?mode=classification&dataset=xor&hidden=4,4&lr=0.03... (or the same query string), and
 * every change to a control writes them back, so a setup can be shared as a link. Training runs a
 * few updates per animation frame within a time budget; the decision regions are computed on a
 * coarse grid and scaled up, so a frame stays cheap. Readers who prefer reduced motion press Start
 * themselves. The numbers come from mlp.js (globalThis.SiteBuilderMLP), loaded before this file.
 */
(function () {
  "use strict";

  var mlp = globalThis.SiteBuilderMLP;
  var SAMPLES = 200, TEST_FRACTION = 0.5, TRAIN_POINTS = SAMPLES / 2; // as site_builder/load/playground.py
  var GRID = 50; // the regions (and each neuron's thumbnail) are computed on GRID x GRID points
  var EXTENT = 6, MARGIN = 0.5; // the plane shown: at least [-6, 6]², a little wider than the points
  var FRAME_BUDGET_MS = 8;
  var LOSS_POINTS = 300;
  var KEYS = ["dataset", "noise", "hidden", "activation", "lr", "batch_size", "optimizer", "loss", "weight_decay", "steps", "seed"];
  var LIMITS = { batch_size: [1, TRAIN_POINTS], steps: [1, 100000], seed: [0, 4294967295], layers: 4, width: 8 };
  var NUMBERS = { noise: [0, 1], lr: [0, 10], weight_decay: [0, 1] }; // lr excludes 0
  var DEFAULTS = { dataset: "xor", noise: 0.1, hidden: [4], activation: "relu", lr: 0.03, batch_size: 10,
    optimizer: "sgd", loss: "cross_entropy", weight_decay: 0, steps: 5000, seed: 1 };
  var CLASS_RGB = [[0, 114, 178], [213, 94, 0]]; // the figures' blue and vermillion (Okabe-Ito)
  var LIGHTEN = 0.62; // region colours blend this far towards white, as the figures do
  var INK = "#1a1a1a", GRID_INK = "#d9d9d9";

  /* ---- settings: validated values from data attributes and the address ---- */

  function whole(text, range) {
    if (!/^\d+$/.test(String(text).trim())) return null;
    var value = Number(text);
    return value >= range[0] && value <= range[1] ? value : null;
  }

  function widthsFrom(text) {
    var trimmed = String(text).trim();
    if (trimmed === "") return [];
    var widths = trimmed.split(",").map(function (part) { return whole(part, [1, LIMITS.width]); });
    return widths.length <= LIMITS.layers && widths.every(function (w) { return w !== null; }) ? widths : null;
  }

  /* The valid settings `get(key)` gives (a string, or null when absent), the rest from `fallback`. */
  function readSettings(get, fallback) {
    var settings = {};
    [["dataset", mlp.DATASETS], ["activation", mlp.ACTIVATIONS], ["optimizer", mlp.OPTIMIZERS], ["loss", mlp.LOSSES]].forEach(function (pair) {
      var value = get(pair[0]);
      settings[pair[0]] = value !== null && Object.prototype.hasOwnProperty.call(pair[1], value) ? value : fallback[pair[0]];
    });
    ["batch_size", "steps", "seed"].forEach(function (key) {
      var value = get(key) === null ? null : whole(get(key), LIMITS[key]);
      settings[key] = value === null ? fallback[key] : value;
    });
    Object.keys(NUMBERS).forEach(function (key) {
      var text = get(key), value = text === null || String(text).trim() === "" ? NaN : Number(text);
      var ok = value >= NUMBERS[key][0] && value <= NUMBERS[key][1] && (key !== "lr" || value > 0);
      settings[key] = ok ? value : fallback[key];
    });
    var hidden = get("hidden") === null ? null : widthsFrom(get("hidden"));
    settings.hidden = hidden === null ? fallback.hidden.slice() : hidden;
    return settings;
  }

  function addressParams(id) {
    var hash = window.location.hash, prefix = "#" + id + "?";
    if (hash.indexOf(prefix) === 0) return new URLSearchParams(hash.slice(prefix.length));
    var query = new URLSearchParams(window.location.search);
    return query.get("mode") === "classification" ? query : null;
  }

  function writeAddress(id, settings) {
    var params = new URLSearchParams();
    params.set("mode", "classification");
    KEYS.forEach(function (key) { params.set(key, key === "hidden" ? settings.hidden.join(",") : String(settings[key])); });
    try {
      window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search + "#" + id + "?" + params.toString());
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
    (children || []).forEach(function (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return node;
  }

  function field(id, labelText, control, extra) {
    var label = element("label", { for: id, text: labelText });
    return element("div", { class: "playground__field" }, [extra ? element("div", { class: "playground__fieldhead" }, [label, extra]) : label, control]);
  }

  function select(id, options) {
    return element("select", { id: id }, Object.keys(options).map(function (value) {
      return element("option", { value: value, text: options[value].label });
    }));
  }

  function number(id, min, max, step) {
    return element("input", { id: id, type: "number", min: min, max: max, step: step, inputmode: step === 1 ? "numeric" : "decimal" });
  }

  function formatLoss(loss) {
    if (!isFinite(loss)) return "diverged";
    return loss === 0 ? "0" : loss < 1e-3 || loss >= 1e4 ? loss.toExponential(2) : loss.toPrecision(3);
  }

  function percent(share) { return isFinite(share) ? Math.round(share * 100) + "%" : "–"; }

  /* ---- one playground ---- */

  function Classifier(section) {
    this.section = section;
    this.id = section.id || "playground";
    var initial = readSettings(function (key) { return section.getAttribute("data-" + key.replace("_", "-")); }, DEFAULTS);
    var params = addressParams(this.id);
    this.fromAddress = params !== null;
    this.settings = params ? readSettings(function (key) { return params.get(key); }, initial) : initial;
    this.widths = [4, 4, 4, 4].map(function (w, i) { return this.settings.hidden[i] || this.settings.hidden[this.settings.hidden.length - 1] || w; }, this);
    this.running = false;
    this.frame = 0;
    this.build();
    this.showSettings();
    this.newData();
    this.watchSize();
  }

  Classifier.prototype.build = function () {
    var id = this.id, self = this, c = {};
    c.dataset = select(id + "-dataset", mlp.DATASETS);
    c.noise = element("input", { id: id + "-noise", type: "range", min: 0, max: 1, step: 0.05 });
    c.layers = element("select", { id: id + "-layers" }, [0, 1, 2, 3, 4].map(function (n) { return element("option", { value: n, text: String(n) }); }));
    c.widths = [0, 1, 2, 3].map(function (i) { return number(id + "-width" + (i + 1), 1, LIMITS.width, 1); });
    c.activation = select(id + "-activation", mlp.ACTIVATIONS);
    c.lr = number(id + "-lr", 0.0001, 10, "any");
    c.batch_size = number(id + "-batch", 1, TRAIN_POINTS, 1);
    c.optimizer = select(id + "-optimizer", mlp.OPTIMIZERS);
    c.loss = select(id + "-loss", mlp.LOSSES);
    c.weight_decay = number(id + "-decay", 0, 1, "any");
    c.steps = number(id + "-steps", 1, LIMITS.steps[1], 1);
    c.seed = number(id + "-seed", 0, LIMITS.seed[1], 1);
    this.controls = c;
    this.noiseShown = element("span", { class: "playground__value" });
    this.widthFields = c.widths.map(function (input, i) { return field(input.id, "Neurons in layer " + (i + 1), input); });
    var form = element("form", { class: "playground__controls", "aria-label": "Settings" }, [
      field(c.dataset.id, "Dataset", c.dataset),
      field(c.noise.id, "Noise", c.noise, this.noiseShown),
      field(c.layers.id, "Hidden layers", c.layers),
    ].concat(this.widthFields, [
      field(c.activation.id, "Activation", c.activation),
      field(c.lr.id, "Learning rate", c.lr),
      field(c.batch_size.id, "Batch size", c.batch_size),
      field(c.optimizer.id, "Optimizer", c.optimizer),
      field(c.loss.id, "Loss", c.loss),
      field(c.weight_decay.id, "Weight decay", c.weight_decay),
      field(c.steps.id, "Steps", c.steps),
      field(c.seed.id, "Seed", c.seed),
    ]));
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var button = function (text, label, primary) {
      return element("button", { type: "button", class: "playground__button" + (primary ? " playground__button--primary" : ""), text: text, "aria-label": label });
    };
    this.buttons = { start: button("Start", "Start training", true), pause: button("Pause", "Pause training"), step: button("Step", "Train one step"), reset: button("Reset", "Reset the network") };
    this.shown = {};
    ["step", "total", "loss", "train", "test"].forEach(function (key) { self.shown[key] = element("span", { class: "playground__" + key }); });
    var readout = element("p", { class: "playground__readout" }, ["Step ", this.shown.step, " of ", this.shown.total, " · loss ", this.shown.loss,
      " · accuracy: train ", this.shown.train, ", test ", this.shown.test]);
    this.status = element("p", { class: "playground__status", role: "status" });
    this.canvas = element("canvas", { class: "playground__canvas", role: "img", "aria-label": "The network's decision regions over the plane, with the training points (filled) and the test points (hollow)" });
    this.lossCanvas = element("canvas", { class: "playground__loss-canvas", role: "img", "aria-label": "The training loss (solid) and test loss (dashed) over the steps, on a log scale" });
    this.neurons = element("div", { class: "playground__neurons", role: "img", "aria-label": "Each hidden neuron's output over the plane, one column per layer" });
    var board = element("div", { class: "playground__board" }, [
      element("div", { class: "playground__plot playground__plot--square" }, [this.canvas]),
      element("ul", { class: "playground__legend", "aria-hidden": "true" }, [
        element("li", { class: "playground__key playground__key--class0", text: "class 1" }),
        element("li", { class: "playground__key playground__key--class1", text: "class 2" }),
        element("li", { class: "playground__key playground__key--test", text: "test points hollow" }),
      ]),
      element("div", { class: "playground__lossbox" }, [readout, this.lossCanvas]),
      this.neurons,
    ]);
    var panel = element("div", { class: "playground__panel" }, [form,
      element("div", { class: "playground__buttons" }, [this.buttons.start, this.buttons.pause, this.buttons.step, this.buttons.reset]), this.status]);
    this.section.appendChild(element("div", { class: "playground__app" }, [board, panel]));
    this.section.classList.add("playground--ready");

    this.buttons.start.addEventListener("click", function () { self.start(); });
    this.buttons.pause.addEventListener("click", function () { self.pause(); });
    this.buttons.step.addEventListener("click", function () { self.stepOnce(); });
    this.buttons.reset.addEventListener("click", function () { self.reset(); self.say("Reset to step 0."); });
    c.noise.addEventListener("input", function () { self.noiseShown.textContent = c.noise.value; });
    ["dataset", "noise", "layers", "activation", "lr", "batch_size", "optimizer", "loss", "weight_decay", "steps", "seed"].forEach(function (key) {
      c[key].addEventListener("change", function () { self.changed(key); });
    });
    c.widths.forEach(function (input) { input.addEventListener("change", function () { self.changed("hidden"); }); });
  };

  /* Put the settings into the controls; only the layers in use show their width field. */
  Classifier.prototype.showSettings = function () {
    var s = this.settings, c = this.controls, self = this;
    KEYS.forEach(function (key) { if (key !== "hidden") c[key].value = String(s[key]); });
    c.layers.value = String(s.hidden.length);
    c.widths.forEach(function (input, i) {
      input.value = String(i < s.hidden.length ? s.hidden[i] : self.widths[i]);
      self.widthFields[i].hidden = i >= s.hidden.length;
    });
    this.noiseShown.textContent = String(s.noise);
  };

  /* The settings the controls hold, each invalid one replaced by its current value. */
  Classifier.prototype.fromControls = function () {
    var c = this.controls, self = this;
    var layers = Number(c.layers.value);
    var widths = c.widths.map(function (input, i) { var w = whole(input.value, [1, LIMITS.width]); return w === null ? self.widths[i] : w; });
    this.widths = widths;
    return readSettings(function (key) { return key === "hidden" ? widths.slice(0, layers).join(",") : c[key].value; }, this.settings);
  };

  /* A control changed: take its (validated) value, update the address, and start over from what it
   * alters: new points (dataset, noise, seed), a new network (its shape, activation, optimiser, loss),
   * or nothing at all (the learning rate, weight decay, batch size and steps apply from the next update). */
  Classifier.prototype.changed = function (key) {
    var wasRunning = this.running;
    this.settings = this.fromControls();
    this.showSettings();
    writeAddress(this.id, this.settings);
    if (key === "dataset" || key === "noise" || key === "seed") this.newData();
    else if (key === "layers" || key === "hidden" || key === "activation" || key === "optimizer" || key === "loss") this.reset();
    else {
      this.options.lr = this.settings.lr;
      this.options.weightDecay = this.settings.weight_decay;
      if (key === "batch_size") this.nextBatch = mlp.batches(this.data.train.count, this.settings.batch_size, mlp.createRng(this.settings.seed ^ 0x7f4a7c15));
      this.updateButtons();
      this.draw();
      return;
    }
    if (wasRunning) this.start();
  };

  /* Fresh points for the dataset, noise and seed; the plane's grid follows them; then a fresh network. */
  Classifier.prototype.newData = function () {
    var s = this.settings;
    this.data = mlp.split(mlp.makeDataset(s.dataset, SAMPLES, s.noise, mlp.createRng(s.seed)), TEST_FRACTION);
    var half = EXTENT;
    [this.data.train.x, this.data.test.x].forEach(function (xs) {
      for (var i = 0; i < xs.length; i++) half = Math.max(half, Math.abs(xs[i]) + MARGIN);
    });
    this.half = half;
    this.grid = new Float64Array(2 * GRID * GRID); // rows from the top of the plane, as the canvas draws them
    for (var row = 0; row < GRID; row++) {
      for (var col = 0; col < GRID; col++) {
        this.grid[2 * (row * GRID + col)] = -half + (2 * half * col) / (GRID - 1);
        this.grid[2 * (row * GRID + col) + 1] = half - (2 * half * row) / (GRID - 1);
      }
    }
    this.reset();
  };

  Classifier.prototype.reset = function () {
    this.stopLoop();
    var s = this.settings;
    this.net = mlp.initMLP([2].concat(s.hidden, [1]), s.activation, mlp.createRng(s.seed ^ 0x9e3779b9));
    this.options = { lr: s.lr, weightDecay: s.weight_decay };
    this.optimizer = mlp.createOptimizer(s.optimizer, this.net, this.options);
    this.nextBatch = mlp.batches(this.data.train.count, s.batch_size, mlp.createRng(s.seed ^ 0x7f4a7c15));
    this.step = 0;
    this.losses = [];
    this.lossEvery = 1;
    this.measure();
    this.record();
    this.buildThumbnails();
    this.updateButtons();
    this.draw();
  };

  Classifier.prototype.measure = function () {
    this.train = mlp.evaluate(this.net, this.settings.loss, this.data.train);
    this.test = mlp.evaluate(this.net, this.settings.loss, this.data.test);
  };

  Classifier.prototype.record = function () {
    if (this.step % this.lossEvery !== 0) return;
    this.losses.push([this.step, this.train.loss, this.test.loss]);
    if (this.losses.length > LOSS_POINTS) {
      this.losses = this.losses.filter(function (_, i) { return i % 2 === 0; });
      this.lossEvery *= 2;
    }
  };

  Classifier.prototype.finished = function () {
    return this.step >= this.settings.steps || !isFinite(this.train.loss);
  };

  /* `count` updates (fewer if the run ends or the frame's time is up); then the measurements. */
  Classifier.prototype.advance = function (count, budget) {
    var began = performance.now();
    for (var i = 0; i < count && !this.finished(); i++) {
      mlp.trainStep(this.net, this.optimizer, this.settings.loss, this.data.train, this.nextBatch());
      this.step += 1;
      if (this.step % this.lossEvery === 0 || i === count - 1) { this.measure(); this.record(); }
      if (budget && i % 5 === 4 && performance.now() - began > budget) break;
    }
    this.measure();
  };

  Classifier.prototype.start = function () {
    if (this.running) return;
    if (this.finished()) this.reset();
    this.running = true;
    this.updateButtons(this.buttons.pause);
    this.say("Training.");
    this.scheduleFrame();
  };

  Classifier.prototype.pause = function () {
    if (!this.running) return;
    this.stopLoop();
    this.updateButtons(this.buttons.start);
    this.say("Paused at step " + this.step + ".");
  };

  Classifier.prototype.stepOnce = function () {
    if (this.running) this.stopLoop();
    if (this.finished()) this.reset();
    this.advance(1, 0);
    this.updateButtons(this.buttons.start);
    this.draw();
    this.say("Step " + this.step + ": train " + percent(this.train.accuracy) + ", test " + percent(this.test.accuracy) + ".");
  };

  Classifier.prototype.stopLoop = function () {
    this.running = false;
    if (this.frame) window.cancelAnimationFrame(this.frame);
    this.frame = 0;
  };

  Classifier.prototype.scheduleFrame = function () {
    var self = this;
    this.frame = window.requestAnimationFrame(function () { self.frame = 0; self.tick(); });
  };

  Classifier.prototype.tick = function () {
    if (!this.running) return;
    this.advance(Math.max(1, Math.min(500, Math.ceil(this.settings.steps / 300))), FRAME_BUDGET_MS);
    this.draw(); // the readout, and the plots in the next frame
    if (this.finished()) {
      this.stopLoop();
      this.updateButtons(this.buttons.start);
      this.say(isFinite(this.train.loss)
        ? "Finished: " + this.step + " steps, train " + percent(this.train.accuracy) + ", test " + percent(this.test.accuracy) + "."
        : "The loss diverged at step " + this.step + ": try a smaller learning rate.");
      return;
    }
    this.scheduleFrame();
  };

  Classifier.prototype.updateButtons = function (focus) {
    var active = document.activeElement, b = this.buttons;
    b.start.disabled = this.running;
    b.pause.disabled = !this.running;
    var resume = !this.running && this.step > 0 && !this.finished();
    b.start.textContent = resume ? "Resume" : "Start";
    b.start.setAttribute("aria-label", resume ? "Resume training" : "Start training");
    if (focus && active && active.disabled && this.section.contains(active)) focus.focus();
    this.section.dataset.state = this.running ? "running" : this.finished() ? "finished" : this.step > 0 ? "paused" : "ready";
  };

  Classifier.prototype.say = function (message) { this.status.textContent = message; };

  /* ---- drawing ---- */

  Classifier.prototype.watchSize = function () {
    var self = this;
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () { if (self.canvas.clientWidth !== self.paintedWidth) self.draw(); }).observe(this.canvas.parentNode);
    }
    else window.addEventListener("resize", function () { self.draw(); });
  };

  /* Size the backing store to the CSS size times the pixel ratio (at most 2: the regions are smooth,
   * and a 3x phone would raster over twice the pixels for nothing); a context in CSS pixels. */
  function prepare(canvas) {
    var ratio = Math.min(2, window.devicePixelRatio || 1), width = canvas.clientWidth, height = canvas.clientHeight;
    if (!width || !height) return null;
    var wide = Math.round(width * ratio), high = Math.round(height * ratio);
    if (canvas.width !== wide || canvas.height !== high) { canvas.width = wide; canvas.height = high; }
    var context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, width, height);
    return { context: context, width: width, height: height };
  }

  function lighten(channel) { return channel + (255 - channel) * LIGHTEN; }

  /* A GRID x GRID image in a small canvas of its own (made once per plot, kept in `holder`), to be
   * drawn scaled up and smoothed onto the plot. Pixel k mixes `from` and `to` (RGB) by weight(k) in [0, 1]. */
  function gridImage(holder, weight, from, to) {
    if (!holder.image) {
      holder.image = document.createElement("canvas");
      holder.image.width = holder.image.height = GRID;
      holder.pixels = holder.image.getContext("2d").createImageData(GRID, GRID);
    }
    var data = holder.pixels.data;
    for (var k = 0; k < GRID * GRID; k++) {
      var w = weight(k), ends = to(k);
      for (var ch = 0; ch < 3; ch++) data[4 * k + ch] = from[ch] + (ends[ch] - from[ch]) * w;
      data[4 * k + 3] = 255;
    }
    holder.image.getContext("2d").putImageData(holder.pixels, 0, 0);
    return holder.image;
  }
  var WHITE = [255, 255, 255];

  /* The readout now; the plots in the next animation frame (at most once per frame), so that sizing
   * the canvases never forces a layout in the middle of building or training. */
  Classifier.prototype.draw = function () {
    var s = this.settings, self = this;
    this.shown.step.textContent = String(this.step);
    this.shown.total.textContent = String(s.steps);
    this.shown.loss.textContent = formatLoss(this.train.loss);
    this.shown.train.textContent = percent(this.train.accuracy);
    this.shown.test.textContent = percent(this.test.accuracy);
    if (this.painting) return;
    this.painting = window.requestAnimationFrame(function () { self.painting = 0; self.paint(); });
  };

  Classifier.prototype.paint = function () {
    var trace = mlp.forward(this.net, this.grid, GRID * GRID); // one pass gives the regions and every neuron
    this.drawRegions(trace.output);
    this.drawThumbnails(trace.hidden);
    this.drawLoss();
  };

  Classifier.prototype.drawRegions = function (output) {
    var area = prepare(this.canvas);
    if (!area) return;
    var c = area.context, probability = mlp.LOSSES[this.settings.loss].probability;
    var light = CLASS_RGB.map(function (rgb) { return rgb.map(lighten); });
    this.paintedWidth = this.canvas.clientWidth;
    var image = gridImage(this.canvas, function (k) { return probability(output[k]); }, light[0], function () { return light[1]; });
    var size = Math.min(area.width, area.height), left = (area.width - size) / 2, top = (area.height - size) / 2;
    c.imageSmoothingEnabled = true;
    c.drawImage(image, left, top, size, size);
    var half = this.half, toX = function (x) { return left + ((x + half) / (2 * half)) * size; }, toY = function (y) { return top + ((half - y) / (2 * half)) * size; };
    c.strokeStyle = GRID_INK;
    c.lineWidth = 1;
    c.beginPath(); c.moveTo(toX(0), top); c.lineTo(toX(0), top + size); c.moveTo(left, toY(0)); c.lineTo(left + size, toY(0)); c.stroke();
    var radius = Math.max(2.5, size / 110);
    [[this.data.train, true], [this.data.test, false]].forEach(function (pair) { // one path per class and kind
      var data = pair[0], filled = pair[1];
      [0, 1].forEach(function (label) {
        c.beginPath();
        for (var n = 0; n < data.count; n++) {
          if (data.y[n] !== label) continue;
          var x = toX(data.x[2 * n]), y = toY(data.x[2 * n + 1]);
          c.moveTo(x + radius, y);
          c.arc(x, y, radius, 0, 2 * Math.PI);
        }
        var colour = "rgb(" + CLASS_RGB[label].join(",") + ")";
        if (filled) { c.fillStyle = colour; c.fill(); c.strokeStyle = "#ffffff"; c.lineWidth = 0.8; }
        else { c.strokeStyle = colour; c.lineWidth = 1.6; }
        c.stroke();
      });
    });
  };

  /* One small canvas per hidden neuron, a column per layer. */
  Classifier.prototype.buildThumbnails = function () {
    var self = this;
    this.neurons.textContent = "";
    this.thumbnails = this.settings.hidden.map(function (width, layer) {
      var canvases = [];
      for (var j = 0; j < width; j++) canvases.push(element("canvas", { class: "playground__thumb" }));
      self.neurons.appendChild(element("div", { class: "playground__layer" }, [element("span", { class: "playground__layername", text: "layer " + (layer + 1) })].concat(canvases)));
      return canvases;
    });
    this.neurons.hidden = this.thumbnails.length === 0;
  };

  /* Each neuron's output over the plane: white at 0, towards vermillion where it is positive and
   * blue where negative, scaled by its largest magnitude on the grid. */
  Classifier.prototype.drawThumbnails = function (hidden) {
    this.thumbnails.forEach(function (canvases, layer) {
      var values = hidden[layer], width = canvases.length;
      canvases.forEach(function (canvas, j) {
        var area = prepare(canvas);
        if (!area) return;
        var top = 0;
        for (var k = 0; k < GRID * GRID; k++) top = Math.max(top, Math.abs(values[k * width + j]));
        var image = gridImage(canvas, function (k) { return top > 0 ? Math.abs(values[k * width + j]) / top : 0; },
          WHITE, function (k) { return CLASS_RGB[values[k * width + j] < 0 ? 0 : 1]; });
        area.context.imageSmoothingEnabled = true;
        area.context.drawImage(image, 0, 0, area.width, area.height);
      });
    });
  };

  Classifier.prototype.drawLoss = function () {
    var area = prepare(this.lossCanvas);
    if (!area) return;
    var c = area.context, pad = 6, points = this.losses, steps = this.settings.steps;
    c.strokeStyle = GRID_INK;
    c.lineWidth = 1;
    c.strokeRect(0.5, 0.5, area.width - 1, area.height - 1);
    var logs = [];
    points.forEach(function (p) { [p[1], p[2]].forEach(function (v) { if (isFinite(v) && v > 0) logs.push(Math.log10(v)); }); });
    if (points.length < 2 || !logs.length) return;
    var low = Math.min.apply(null, logs), high = Math.max.apply(null, logs);
    if (high - low < 1e-9) { low -= 0.5; high += 0.5; }
    var toX = function (step) { return pad + (step / steps) * (area.width - 2 * pad); };
    var toY = function (v) { return pad + ((high - Math.log10(v)) / (high - low)) * (area.height - 2 * pad); };
    [[1, []], [2, [4, 3]]].forEach(function (line) {
      c.beginPath();
      c.setLineDash(line[1]);
      c.strokeStyle = line[0] === 1 ? INK : "#555555";
      c.lineWidth = 1.5;
      var started = false;
      points.forEach(function (p) {
        var v = p[line[0]];
        if (!(isFinite(v) && v > 0)) return;
        if (started) c.lineTo(toX(p[0]), toY(v)); else { c.moveTo(toX(p[0]), toY(v)); started = true; }
      });
      c.stroke();
    });
    c.setLineDash([]);
  };

  /* ---- start-up ---- */

  function autoStart(playground) {
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
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
    var playground = new Classifier(section);
    section.playground = playground; // for the browser tests and the curious, in the console
    if (playground.fromAddress) section.scrollIntoView();
    autoStart(playground);
  }

  /* Built as it nears the viewport (or at once when the address names its settings). */
  function init() {
    if (!mlp) return;
    var observer = typeof IntersectionObserver === "function" && new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        build(entry.target);
      });
    }, { rootMargin: "800px 0px" });
    Array.prototype.forEach.call(document.querySelectorAll('section.playground[data-mode="classification"]'), function (section) {
      if (observer && addressParams(section.id || "playground") === null) observer.observe(section);
      else build(section);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
