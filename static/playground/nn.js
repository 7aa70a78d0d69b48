/* The playground's numerical core: a 1-H-1 perceptron trained by full-batch gradient descent on the MSE.
 *
 * It mirrors site_builder/nn (numpy) step for step, in float64, so the Python test
 * tests/test_playground_agreement.py can check forward, loss and gradients against it.
 * Plain script, no dependencies: in a browser it defines globalThis.SiteBuilderNN, and under
 * Node `require()` returns the same object.
 *
 * Shapes follow the numpy core with fan_in = fan_out = 1: the hidden layer's weight is
 * w1[j] (1 x H), its bias b1[j]; the output layer's weight is w2[j] (H x 1), its bias b2.
 * Arrays over examples have length N; pre-activations z are stored row by row, z[n * H + j].
 */
(function (root, factory) {
  "use strict";
  var nn = factory();
  if (typeof module === "object" && module && module.exports) {
    module.exports = nn;
  }
  root.SiteBuilderNN = nn;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  var LEAK = 0.1; // leaky ReLU's negative-side slope, site_builder.nn's default

  // log(1 + e^a) without overflow, as numpy's logaddexp(0, a) computes it.
  function softplus(a) {
    if (a === 0) return Math.LN2;
    return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
  }

  function sigmoid(z) {
    return Math.exp(-softplus(-z)); // 1 / (1 + e^-z) that never overflows
  }

  /* Each activation: f(z), its derivative f'(z), and the init gain (He for the ReLU family). */
  var ACTIVATIONS = {
    relu: {
      label: "ReLU",
      f: function (z) { return z > 0 ? z : 0; },
      df: function (z) { return z > 0 ? 1 : 0; }, // the kink gets 0, like numpy's (z > 0)
      gain: Math.SQRT2,
    },
    leaky_relu: {
      label: "leaky ReLU",
      f: function (z) { return z > 0 ? z : LEAK * z; },
      df: function (z) { return z > 0 ? 1 : LEAK; },
      gain: Math.sqrt(2 / (1 + LEAK * LEAK)),
    },
    sigmoid: {
      label: "sigmoid",
      f: sigmoid,
      df: function (z) { var s = sigmoid(z); return s * (1 - s); },
      gain: 1,
    },
    tanh: {
      label: "tanh",
      f: Math.tanh,
      df: function (z) { var t = Math.tanh(z); return 1 - t * t; },
      gain: 1,
    },
  };

  /* Targets on [-1, 1]; `expression` is how an article's front matter names each one. */
  var TARGETS = {
    square: { label: "x²", expression: "x**2", f: function (x) { return x * x; } },
    abs: { label: "|x|", expression: "abs(x)", f: Math.abs },
    sin: { label: "sin(3x)", expression: "sin(3*x)", f: function (x) { return Math.sin(3 * x); } },
    step: { label: "step", expression: "step(x)", f: function (x) { return x > 0 ? 1 : 0; } },
  };

  function activation(name) {
    var found = ACTIVATIONS[name];
    if (!found) throw new Error("unknown activation " + JSON.stringify(name));
    return found;
  }

  /* A seeded uniform generator on [0, 1) (mulberry32): the same seed gives the same network. */
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

  function normal(rng) {
    var u = 1 - rng(); // (0, 1], so the log is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  }

  /* `count` points evenly spaced over [lo, hi], ends included (numpy's linspace). */
  function linspace(lo, hi, count) {
    var xs = new Float64Array(count);
    for (var i = 0; i < count; i++) xs[i] = count === 1 ? lo : lo + ((hi - lo) * i) / (count - 1);
    if (count > 1) xs[count - 1] = hi;
    return xs;
  }

  /* A fresh network initialised like site_builder.nn.init_mlp: normal weights with std
   * gain / sqrt(fan_in), and each hidden unit's kink at a uniform point of `interval`. With
   * `zeroOutput`, the output weights start at 0 after being drawn (init_output: zero): no ReLU
   * starts out pulled off the data by a negative output weight. */
  function initNetwork(options) {
    var hidden = options.hidden, act = activation(options.activation);
    var interval = options.interval || [-1, 1];
    var rng = createRng(options.seed || 0);
    var net = {
      activation: options.activation,
      w1: new Float64Array(hidden), b1: new Float64Array(hidden),
      w2: new Float64Array(hidden), b2: 0,
    };
    for (var j = 0; j < hidden; j++) net.w1[j] = normal(rng) * act.gain; // fan_in is 1
    for (j = 0; j < hidden; j++) net.w2[j] = normal(rng) / Math.sqrt(hidden);
    if (options.zeroOutput) net.w2.fill(0);
    for (j = 0; j < hidden; j++) {
      var kink = interval[0] + (interval[1] - interval[0]) * rng();
      net.b1[j] = -net.w1[j] * kink;
    }
    return net;
  }

  /* The network from plain arrays (as JSON gives them). */
  function fromArrays(spec) {
    return {
      activation: spec.activation,
      w1: Float64Array.from(spec.w1), b1: Float64Array.from(spec.b1),
      w2: Float64Array.from(spec.w2), b2: Number(spec.b2),
    };
  }

  /* Output for every x, plus the trace (the pre-activations z) that backward needs. */
  function forward(net, xs) {
    var f = activation(net.activation).f, hidden = net.w1.length, count = xs.length;
    var z = new Float64Array(count * hidden), output = new Float64Array(count);
    for (var n = 0; n < count; n++) {
      var sum = 0;
      for (var j = 0; j < hidden; j++) {
        var zj = xs[n] * net.w1[j] + net.b1[j];
        z[n * hidden + j] = zj;
        sum += f(zj) * net.w2[j];
      }
      output[n] = sum + net.b2;
    }
    return { output: output, z: z };
  }

  /* Mean squared error and its gradient 2 (prediction - target) / N. */
  function mseAndGrad(prediction, target) {
    var count = prediction.length, loss = 0, grad = new Float64Array(count);
    for (var n = 0; n < count; n++) {
      var diff = prediction[n] - target[n];
      loss += diff * diff;
      grad[n] = (2 / count) * diff;
    }
    return { loss: loss / count, grad: grad };
  }

  /* Gradients of the loss with respect to w1, b1, w2 and b2, given dLoss/dOutput per example. */
  function backward(net, xs, trace, gradOutput) {
    var act = activation(net.activation), hidden = net.w1.length, count = xs.length;
    var grads = { w1: new Float64Array(hidden), b1: new Float64Array(hidden), w2: new Float64Array(hidden), b2: 0 };
    for (var n = 0; n < count; n++) {
      var g = gradOutput[n];
      grads.b2 += g;
      for (var j = 0; j < hidden; j++) {
        var zj = trace.z[n * hidden + j];
        grads.w2[j] += act.f(zj) * g;
        var gz = g * net.w2[j] * act.df(zj); // dLoss/dz_j for this example
        grads.w1[j] += xs[n] * gz;
        grads.b1[j] += gz;
      }
    }
    return grads;
  }

  /* Move the network `lr` times the gradient downhill, in place. */
  function applyGradients(net, grads, lr) {
    for (var j = 0; j < net.w1.length; j++) {
      net.w1[j] -= lr * grads.w1[j];
      net.b1[j] -= lr * grads.b1[j];
      net.w2[j] -= lr * grads.w2[j];
    }
    net.b2 -= lr * grads.b2;
  }

  /* One update of full-batch gradient descent; returns the loss before it. */
  function trainStep(net, xs, ys, lr) {
    var trace = forward(net, xs);
    var result = mseAndGrad(trace.output, ys);
    if (isFinite(result.loss)) applyGradients(net, backward(net, xs, trace, result.grad), lr);
    return result.loss;
  }

  /* Each hidden unit's share of the output, w2_j * f(w1_j x + b1_j): an array of H arrays of N. */
  function contributions(net, xs) {
    var f = activation(net.activation).f, shares = [];
    for (var j = 0; j < net.w1.length; j++) {
      var share = new Float64Array(xs.length);
      for (var n = 0; n < xs.length; n++) share[n] = net.w2[j] * f(xs[n] * net.w1[j] + net.b1[j]);
      shares.push(share);
    }
    return shares;
  }

  /* Hidden ReLU units whose input is at most 0 at every x: they output 0 and get no gradient
   * (site_builder.experiments.training.dead_neurons; the other activations are never flat). */
  function deadNeurons(net, xs) {
    if (net.activation !== "relu") return 0;
    var dead = 0;
    for (var j = 0; j < net.w1.length; j++) {
      var alive = false;
      for (var n = 0; n < xs.length && !alive; n++) alive = xs[n] * net.w1[j] + net.b1[j] > 0;
      if (!alive) dead += 1;
    }
    return dead;
  }

  return {
    deadNeurons: deadNeurons,
    ACTIVATIONS: ACTIVATIONS,
    TARGETS: TARGETS,
    LEAK: LEAK,
    createRng: createRng,
    linspace: linspace,
    initNetwork: initNetwork,
    fromArrays: fromArrays,
    forward: forward,
    mseAndGrad: mseAndGrad,
    backward: backward,
    applyGradients: applyGradients,
    trainStep: trainStep,
    contributions: contributions,
  };
});
