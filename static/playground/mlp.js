/* The classification playground's numerical core: an MLP on 2-D points, its losses, optimisers and datasets.
 *
 * It mirrors site_builder/experiments/nn (numpy) formula for formula, in float64:
 * tests/test_playground_agreement.py holds outputs, losses, every gradient and an update of every
 * optimiser to numpy at rtol 1e-9, and the datasets and initial weights to datasets.py and init_mlp
 * run on the same random stream. Plain script, no dependencies: in a browser it defines
 * globalThis.SiteBuilderMLP, and under Node `require()` returns the same object.
 *
 * Shapes follow numpy's, rows are examples: a batch is a flat Float64Array of N x fanIn
 * (row-major), a layer's weight a flat fanIn x fanOut array, w[i * fanOut + j].
 */
(function (root, factory) {
  "use strict";
  var mlp = factory();
  if (typeof module === "object" && module && module.exports) module.exports = mlp;
  root.SiteBuilderMLP = mlp;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  var LEAK = 0.1; // leaky ReLU's slope, nn's default
  var GELU_C = Math.sqrt(2 / Math.PI);

  // log(1 + e^a) as numpy's logaddexp(0, a) computes it: never overflows.
  function softplus(a) {
    if (a === 0) return Math.LN2;
    return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
  }
  function sigmoid(z) { return Math.exp(-softplus(-z)); }

  /* f, f' and the He/1 init gain, as nn/activations.py defines them (the figure kinds' six). */
  var ACTIVATIONS = {
    relu: { label: "ReLU", gain: Math.SQRT2, f: function (z) { return z > 0 ? z : 0; }, df: function (z) { return z > 0 ? 1 : 0; } },
    leaky_relu: { label: "leaky ReLU", gain: Math.sqrt(2 / (1 + LEAK * LEAK)),
      f: function (z) { return z > 0 ? z : LEAK * z; }, df: function (z) { return z > 0 ? 1 : LEAK; } },
    elu: { label: "ELU", gain: 1, f: function (z) { return z > 0 ? z : Math.expm1(z); }, df: function (z) { return z > 0 ? 1 : Math.exp(z); } },
    gelu: { label: "GELU", gain: 1,
      f: function (z) { return 0.5 * z * (1 + Math.tanh(GELU_C * (z + 0.044715 * z * z * z))); },
      df: function (z) {
        var t = Math.tanh(GELU_C * (z + 0.044715 * z * z * z));
        return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * z * z);
      } },
    tanh: { label: "tanh", gain: 1, f: Math.tanh, df: function (z) { var t = Math.tanh(z); return 1 - t * t; } },
    sigmoid: { label: "sigmoid", gain: 1, f: sigmoid, df: function (z) { var s = sigmoid(z); return s * (1 - s); } },
  };

  /* Two-class losses on the single output: each gives the mean loss, dLoss/dOutput and P(class 1). */
  var LOSSES = {
    cross_entropy: { // the output is the logit of class 1; nn's binary_cross_entropy_and_grad
      label: "cross-entropy",
      value: function (z, y) { return softplus(z) - y * z; },
      grad: function (z, y) { return sigmoid(z) - y; },
      probability: sigmoid,
    },
    mse: { // the output is a score fitted to the 0/1 label; nn's mse_and_grad, clipped into [0, 1] to read it
      label: "mean squared error",
      value: function (z, y) { var d = z - y; return d * d; },
      grad: function (z, y) { return 2 * (z - y); },
      probability: function (z) { return z < 0 ? 0 : z > 1 ? 1 : z; },
    },
  };

  function lookup(table, name, what) {
    if (!Object.prototype.hasOwnProperty.call(table, name)) throw new Error("unknown " + what + " " + JSON.stringify(name));
    return table[name];
  }

  /* ---- random numbers: the same stream as the Python test's replaying generator ---- */

  /* A seeded uniform generator on [0, 1) (mulberry32). */
  function createRng(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /* numpy-shaped draws from a uniform source: uniform(lo, hi, n), normal(scale, n) and permutation(n). */
  function sampler(rng) {
    return {
      uniform: function (lo, hi, count) {
        var out = new Float64Array(count);
        for (var i = 0; i < count; i++) out[i] = lo + (hi - lo) * rng();
        return out;
      },
      normal: function (scale, count) { // Box-Muller, one normal from two uniforms
        var out = new Float64Array(count);
        for (var i = 0; i < count; i++) {
          var u = 1 - rng();
          out[i] = scale * (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng()));
        }
        return out;
      },
      permutation: function (count) { // Fisher-Yates from the top
        var order = new Int32Array(count);
        for (var i = 0; i < count; i++) order[i] = i;
        for (i = count - 1; i > 0; i--) {
          var j = Math.floor(rng() * (i + 1)), kept = order[i];
          order[i] = order[j];
          order[j] = kept;
        }
        return order;
      },
    };
  }

  /* ---- datasets: datasets.py's two-class makers, point for point ---- */

  function halves(count) { return [count - (count >> 1), count >> 1]; } // datasets._counts(count, 2)

  function addNoise(x, draw, scale) {
    var noise = draw.normal(scale, x.length);
    for (var i = 0; i < x.length; i++) x[i] += noise[i];
  }

  var MAKERS = {
    circle: function (count, noise, draw) {
      var radius = 5, parts = halves(count);
      var r = concat(draw.uniform(0, 0.5 * radius, parts[0]), draw.uniform(0.7 * radius, radius, parts[1]));
      var angle = draw.uniform(0, 2 * Math.PI, count), x = new Float64Array(2 * count);
      for (var n = 0; n < count; n++) { x[2 * n] = r[n] * Math.cos(angle[n]); x[2 * n + 1] = r[n] * Math.sin(angle[n]); }
      addNoise(x, draw, noise * radius * 0.5);
      return { x: x, y: labels(parts, [1, 0]) };
    },
    xor: function (count, noise, draw) {
      var x = draw.uniform(-5, 5, 2 * count), y = new Float64Array(count);
      for (var i = 0; i < x.length; i++) x[i] += Math.sign(x[i]) * 0.3;
      for (var n = 0; n < count; n++) y[n] = x[2 * n] * x[2 * n + 1] > 0 ? 1 : 0;
      addNoise(x, draw, noise * 5 * 0.5);
      return { x: x, y: y };
    },
    gauss: function (count, noise, draw) {
      var parts = halves(count), spread = 0.5 + 3 * noise, x = new Float64Array(2 * count), n = 0;
      for (var c = 0; c < 2; c++) {
        var angle = (2 * Math.PI * c) / 2 + Math.PI / 4;
        var cx = 2.5 * Math.cos(angle) * Math.SQRT2, cy = 2.5 * Math.sin(angle) * Math.SQRT2;
        var blob = draw.normal(spread, 2 * parts[c]);
        for (var k = 0; k < parts[c]; k++, n++) { x[2 * n] = cx + blob[2 * k]; x[2 * n + 1] = cy + blob[2 * k + 1]; }
      }
      return { x: x, y: labels(parts, [0, 1]) };
    },
    spiral: function (count, noise, draw) {
      var parts = halves(count), x = new Float64Array(2 * count), n = 0;
      for (var c = 0; c < 2; c++) {
        var jitter = draw.uniform(-1, 1, 2 * parts[c]);
        for (var k = 0; k < parts[c]; k++, n++) {
          var t = k * (1 / parts[c]), r = 5 * t, angle = 1.75 * 2 * Math.PI * t + (2 * Math.PI * c) / 2;
          x[2 * n] = r * Math.sin(angle) + jitter[2 * k] * noise * 2.5;
          x[2 * n + 1] = r * Math.cos(angle) + jitter[2 * k + 1] * noise * 2.5;
        }
      }
      return { x: x, y: labels(parts, [0, 1]) };
    },
    moons: function (count, noise, draw) {
      var parts = halves(count), a = draw.uniform(0, Math.PI, parts[0]), b = draw.uniform(0, Math.PI, parts[1]);
      var x = new Float64Array(2 * count);
      for (var n = 0; n < count; n++) {
        var top = n < parts[0], angle = top ? a[n] : b[n - parts[0]];
        x[2 * n] = ((top ? Math.cos(angle) : 1 - Math.cos(angle)) - 0.5) * 4;
        x[2 * n + 1] = ((top ? Math.sin(angle) : 0.5 - Math.sin(angle)) - 0.25) * 4;
      }
      addNoise(x, draw, noise * 1.5);
      return { x: x, y: labels(parts, [0, 1]) };
    },
  };
  var DATASETS = { circle: { label: "circle" }, xor: { label: "exclusive or" }, gauss: { label: "two Gaussians" }, spiral: { label: "spiral" }, moons: { label: "two moons" } };

  function concat(a, b) { var out = new Float64Array(a.length + b.length); out.set(a); out.set(b, a.length); return out; }

  function labels(parts, values) {
    var y = new Float64Array(parts[0] + parts[1]);
    y.fill(values[0], 0, parts[0]);
    y.fill(values[1], parts[0]);
    return y;
  }

  /* `count` points of dataset `name` at `noise`, drawn from `rng`, in a shuffled order (make_dataset). */
  function makeDataset(name, count, noise, rng) {
    var draw = sampler(rng), made = lookup(MAKERS, name, "dataset")(count, noise, draw);
    var order = draw.permutation(count), x = new Float64Array(2 * count), y = new Float64Array(count);
    for (var n = 0; n < count; n++) {
      x[2 * n] = made.x[2 * order[n]];
      x[2 * n + 1] = made.x[2 * order[n] + 1];
      y[n] = made.y[order[n]];
    }
    return { x: x, y: y, count: count };
  }

  /* The first points for training, the last `testFraction` of them for testing (datasets.split). */
  function split(data, testFraction) {
    var cut = data.count - Math.round(data.count * testFraction);
    function part(from, to) { return { x: data.x.slice(2 * from, 2 * to), y: data.y.slice(from, to), count: to - from }; }
    return { train: part(0, cut), test: part(cut, data.count) };
  }

  /* ---- the network ---- */

  /* A fresh MLP with layer widths `widths` (2 first, 1 last), as init_mlp's "auto" scheme makes it:
   * each layer's weights normal with std gain / sqrt(fanIn), drawn row by row, layer by layer; zero biases. */
  function initMLP(widths, activation, rng) {
    var gain = lookup(ACTIVATIONS, activation, "activation").gain, draw = sampler(rng), layers = [];
    for (var i = 0; i + 1 < widths.length; i++) {
      var fanIn = widths[i], fanOut = widths[i + 1], isOutput = i === widths.length - 2;
      var w = draw.normal((isOutput ? 1 : gain) / Math.sqrt(fanIn), fanIn * fanOut);
      layers.push({ w: w, b: new Float64Array(fanOut), fanIn: fanIn, fanOut: fanOut });
    }
    return { activation: activation, layers: layers };
  }

  /* The network from plain arrays: {activation, layers: [{weight: [[...] per input], bias: [...]}]}. */
  function fromArrays(spec) {
    return {
      activation: spec.activation,
      layers: spec.layers.map(function (layer) {
        var fanIn = layer.weight.length, fanOut = layer.bias.length, w = new Float64Array(fanIn * fanOut);
        layer.weight.forEach(function (row, i) { w.set(row, i * fanOut); });
        return { w: w, b: Float64Array.from(layer.bias), fanIn: fanIn, fanOut: fanOut };
      }),
    };
  }

  function widths(net) {
    return [net.layers[0].fanIn].concat(net.layers.map(function (layer) { return layer.fanOut; }));
  }

  /* The output (N x 1) for `count` rows of x, with what each layer received and computed before its activation. */
  function forward(net, x, count) {
    var f = ACTIVATIONS[net.activation].f, inputs = [], pre = [], h = x, last = net.layers.length - 1;
    net.layers.forEach(function (layer, index) {
      var z = new Float64Array(count * layer.fanOut), out = index === last ? z : new Float64Array(z.length);
      for (var n = 0; n < count; n++) {
        for (var j = 0; j < layer.fanOut; j++) {
          var sum = 0;
          for (var i = 0; i < layer.fanIn; i++) sum += h[n * layer.fanIn + i] * layer.w[i * layer.fanOut + j];
          var value = sum + layer.b[j];
          z[n * layer.fanOut + j] = value;
          if (out !== z) out[n * layer.fanOut + j] = f(value);
        }
      }
      inputs.push(h);
      pre.push(z);
      h = out;
    });
    return { output: h, inputs: inputs, pre: pre, count: count, hidden: inputs.slice(1) };
  }

  /* The mean loss over the batch and dLoss/dOutput, (f'(z, y)) / N as numpy divides it. */
  function lossAndGrad(name, output, y) {
    var loss = lookup(LOSSES, name, "loss"), count = y.length, total = 0, grad = new Float64Array(count);
    for (var n = 0; n < count; n++) {
      total += loss.value(output[n], y[n]);
      grad[n] = name === "mse" ? (2 / count) * (output[n] - y[n]) : loss.grad(output[n], y[n]) / count;
    }
    return { loss: total / count, grad: grad };
  }

  /* Gradients of the loss for every layer's weight and bias, given dLoss/dOutput (MLP.backward). */
  function backward(net, trace, gradOutput) {
    var df = ACTIVATIONS[net.activation].df, count = trace.count, g = gradOutput, grads = [];
    for (var index = net.layers.length - 1; index >= 0; index--) {
      var layer = net.layers[index], input = trace.inputs[index], fanIn = layer.fanIn, fanOut = layer.fanOut;
      var gw = new Float64Array(fanIn * fanOut), gb = new Float64Array(fanOut);
      for (var n = 0; n < count; n++) {
        for (var j = 0; j < fanOut; j++) {
          var gj = g[n * fanOut + j];
          gb[j] += gj;
          for (var i = 0; i < fanIn; i++) gw[i * fanOut + j] += input[n * fanIn + i] * gj;
        }
      }
      grads[index] = { w: gw, b: gb };
      if (index > 0) {
        var z = trace.pre[index - 1], below = new Float64Array(count * fanIn);
        for (n = 0; n < count; n++) {
          for (i = 0; i < fanIn; i++) {
            var sum = 0;
            for (j = 0; j < fanOut; j++) sum += g[n * fanOut + j] * layer.w[i * fanOut + j];
            below[n * fanIn + i] = sum * df(z[n * fanIn + i]);
          }
        }
        g = below;
      }
    }
    return grads;
  }

  /* ---- optimisers (nn/optimizers.py): weight decay adds decay * W to each weight's gradient first ---- */

  var OPTIMIZERS = { sgd: { label: "gradient descent" }, momentum: { label: "momentum" }, adam: { label: "Adam" } };

  function zerosLike(net) {
    return net.layers.map(function (layer) { return { w: new Float64Array(layer.w.length), b: new Float64Array(layer.b.length) }; });
  }

  /* An optimiser for `net`: options {lr, weightDecay, beta (momentum), beta1, beta2, eps}.
   * Its step(net, grads) moves the network in place, remembering velocity or moments between steps;
   * lr and weightDecay are read at every step, so a page can change them while the run goes on. */
  function createOptimizer(name, net, options) {
    lookup(OPTIMIZERS, name, "optimizer");
    var lr, decay;
    var beta = options.beta == null ? 0.9 : options.beta;
    var beta1 = options.beta1 == null ? 0.9 : options.beta1, beta2 = options.beta2 == null ? 0.999 : options.beta2;
    var eps = options.eps == null ? 1e-8 : options.eps;
    var first = zerosLike(net), second = zerosLike(net), steps = 0;

    function move(values, grads, velocity, moments, layerWeights) {
      for (var k = 0; k < values.length; k++) {
        var g = grads[k] + (layerWeights && decay ? decay * values[k] : 0);
        if (name === "sgd") {
          values[k] = values[k] - lr * g;
        } else if (name === "momentum") {
          velocity[k] = beta * velocity[k] + g;
          values[k] = values[k] - lr * velocity[k];
        } else {
          velocity[k] = beta1 * velocity[k] + (1 - beta1) * g;
          moments[k] = beta2 * moments[k] + (1 - beta2) * g * g;
          var update = (velocity[k] / (1 - Math.pow(beta1, steps))) / (Math.sqrt(moments[k] / (1 - Math.pow(beta2, steps))) + eps);
          values[k] = values[k] - lr * update;
        }
      }
    }

    return {
      name: name,
      step: function (target, grads) {
        steps += 1;
        lr = options.lr;
        decay = options.weightDecay || 0;
        target.layers.forEach(function (layer, index) {
          move(layer.w, grads[index].w, first[index].w, second[index].w, true);
          move(layer.b, grads[index].b, first[index].b, second[index].b, false);
        });
      },
    };
  }

  /* ---- training ---- */

  /* An endless source of mini-batches over `count` rows: each epoch a fresh order from `rng`, cut into
   * chunks of `size` (the last may be smaller); a size of at least `count` is the full batch (batch_indices). */
  function batches(count, size, rng) {
    var draw = sampler(rng), order = null, at = 0;
    return function () {
      if (size >= count) return null;
      if (order === null || at >= count) { order = draw.permutation(count); at = 0; }
      var chunk = order.subarray(at, Math.min(count, at + size));
      at += size;
      return chunk;
    };
  }

  function rows(data, index) {
    if (index === null) return data;
    var x = new Float64Array(2 * index.length), y = new Float64Array(index.length);
    for (var k = 0; k < index.length; k++) {
      x[2 * k] = data.x[2 * index[k]];
      x[2 * k + 1] = data.x[2 * index[k] + 1];
      y[k] = data.y[index[k]];
    }
    return { x: x, y: y, count: index.length };
  }

  /* One update on the batch `index` (null: all of `data`); returns the batch's loss before it.
   * A loss that is not finite leaves the network as it was. */
  function trainStep(net, optimizer, lossName, data, index) {
    var batch = rows(data, index), trace = forward(net, batch.x, batch.count);
    var result = lossAndGrad(lossName, trace.output, batch.y);
    if (isFinite(result.loss)) optimizer.step(net, backward(net, trace, result.grad));
    return result.loss;
  }

  /* The loss and the share of points classified right (class 1 when P(class 1) > 0.5, as argmax breaks ties). */
  function evaluate(net, lossName, data) {
    if (!data.count) return { loss: NaN, accuracy: NaN };
    var output = forward(net, data.x, data.count).output, probability = LOSSES[lossName].probability, right = 0;
    for (var n = 0; n < data.count; n++) right += (probability(output[n]) > 0.5 ? 1 : 0) === data.y[n] ? 1 : 0;
    return { loss: lossAndGrad(lossName, output, data.y).loss, accuracy: right / data.count };
  }

  return {
    ACTIVATIONS: ACTIVATIONS, LOSSES: LOSSES, OPTIMIZERS: OPTIMIZERS, DATASETS: DATASETS, LEAK: LEAK,
    createRng: createRng, sampler: sampler, makeDataset: makeDataset, split: split,
    initMLP: initMLP, fromArrays: fromArrays, widths: widths, forward: forward, lossAndGrad: lossAndGrad,
    backward: backward, createOptimizer: createOptimizer, batches: batches, trainStep: trainStep, evaluate: evaluate,
  };
});
