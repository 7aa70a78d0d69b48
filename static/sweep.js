/* Swept figures: controls that switch a figure between runs the build made ahead of time.
 *
 * Progressive enhancement. Without JavaScript the page shows the figure's default run, and
 * its caption says the figure can be explored with JavaScript on. With it, this script
 * finds each figure whose image has a sweep manifest (this script's data-sweeps attribute
 * maps image URLs to "<stem>.sweep.js" URLs, both relative to the page; see
 * site_builder/experiments/sweeps.py for the manifest). As the figure nears the viewport it
 * loads the manifest with an injected <script>, which works from file:// where fetch does
 * not, then every run's image or player data, and puts one control per swept setting under
 * the figure: a slider for numbers in increasing order, radio buttons otherwise. Changing a
 * control shows that run at once: a still's image is swapped; an animation's player
 * (static/player.js) is rebuilt on the run's data at the same step, playing if it played.
 * The status line names the run and its numbers. The chosen values go into the page's
 * address (?STEM.KEY=VALUE), so a view can be shared as a link.
 *
 * Keyboard: the controls are native sliders and radio buttons, so the arrow keys, Home and
 * End work as everywhere; each control is labelled with its setting, and a slider's
 * aria-valuetext says the setting and its value ("lr 0.05").
 */
(function () {
  "use strict";

  const manifests = sweepData(document.currentScript);
  let made = 0; // controls built so far, for unique ids

  function absolute(url, base) { return new URL(url, base || document.baseURI).href; }

  function sweepData(script) {
    const byImage = new Map();
    let pairs = {};
    try { pairs = JSON.parse((script && script.dataset.sweeps) || "{}"); } catch (error) { /* no sweeps */ }
    Object.keys(pairs).forEach((image) => byImage.set(absolute(image), absolute(pairs[image])));
    return byImage;
  }

  const loading = new Map();

  /** Runs the classic script at ``url`` once (the player's loader when there is one, so nothing loads twice). */
  function loadScript(url) {
    if (window.siteBuilderPlayer) return window.siteBuilderPlayer.load(url);
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

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value; else node.setAttribute(name, value);
    }
    (children || []).forEach((child) => node.appendChild(child));
    return node;
  }

  function fileName(url) {
    const name = url.split(/[?#]/)[0].split("/").pop();
    try { return decodeURIComponent(name); } catch (error) { return name; }
  }

  class Sweep {
    constructor(figure, img, manifest, manifestUrl) {
      this.figure = figure;
      this.img = img;
      this.picture = img.closest("picture");
      this.manifest = manifest;
      this.base = manifestUrl;
      this.alt = img.getAttribute("alt") || "";
      this.stem = manifest.name.replace(/\.[^.]+$/, "");
      this.byChoice = new Map(manifest.variants.map((v) => [v.choice.join(","), v]));
      this.animated = /\.gif$/i.test(manifest.name);
      this.choice = this.fromAddress();
      this.build();
      this.show(false);
      this.preload();
    }

    /** The choice the page's address asks for, axis by axis; the default (0) where it says nothing valid. */
    fromAddress() {
      const query = new URLSearchParams(window.location.search);
      return this.manifest.axes.map((axis) => Math.max(0, axis.labels.indexOf(query.get(this.stem + "." + axis.key))));
    }

    build() {
      const id = "sweep-" + (++made);
      this.inputs = this.manifest.axes.map((axis, a) => (axis.ordered ? this.slider(axis, a, id + "-" + a) : this.radios(axis, a, id + "-" + a)));
      this.status = element("p", { class: "sweep__status", "aria-live": "polite" });
      this.root = element("div", { class: "sweep", role: "group", "aria-label": "Explore this figure: choose a run" },
        [...this.inputs.map((control) => control.node), this.status]);
      const caption = this.figure.querySelector("figcaption");
      this.figure.insertBefore(this.root, caption);
      this.figure.classList.add("figure--sweep");
    }

    slider(axis, a, id) {
      const input = element("input", { type: "range", id: id, class: "sweep__slider", min: "0", max: String(axis.labels.length - 1), step: "1" });
      const value = element("output", { class: "sweep__value", for: id });
      const node = element("div", { class: "sweep__control" }, [element("label", { for: id, class: "sweep__key", text: axis.key }), input, value]);
      input.addEventListener("input", () => this.choose(a, Number(input.value)));
      return {
        node: node,
        set: (index) => {
          input.value = String(index);
          input.setAttribute("aria-valuetext", axis.key + " " + axis.labels[index]);
          value.textContent = axis.labels[index];
        },
      };
    }

    radios(axis, a, id) {
      const buttons = axis.labels.map((label, i) => element("input", { type: "radio", name: id, value: String(i), class: "sweep__radio" }));
      const options = buttons.map((button, i) => element("label", { class: "sweep__option" }, [button, document.createTextNode(" " + axis.labels[i])]));
      const node = element("fieldset", { class: "sweep__control" }, [element("legend", { class: "sweep__key", text: axis.key }), ...options]);
      buttons.forEach((button, i) => button.addEventListener("change", () => { if (button.checked) this.choose(a, i); }));
      return { node: node, set: (index) => buttons.forEach((button, i) => { button.checked = i === index; }) };
    }

    choose(axis, index) {
      this.choice[axis] = index;
      this.show(true);
    }

    variant() {
      return this.byChoice.get(this.choice.join(",")) || this.manifest.variants[0];
    }

    url(name) { return absolute(name, this.base); }

    /** Show the chosen run: the controls, the status line, the figure; ``remember`` puts the choice in the address. */
    show(remember) {
      const variant = this.variant();
      this.inputs.forEach((control, a) => control.set(this.choice[a]));
      this.status.textContent = variant.label + (variant.status ? " \u00b7 " + variant.status : "");
      const alt = (this.alt ? this.alt.replace(/\s*$/, " ") : "") + "Shown: the run with " + variant.label + ".";
      this.img.setAttribute("alt", alt);
      this.figure.querySelectorAll(".player__canvas").forEach((canvas) => canvas.setAttribute("aria-label", alt));
      if (this.picture && variant.poster) {
        this.picture.querySelectorAll("source").forEach((source) => { source.srcset = this.url(variant.poster).replace(/ /g, "%20").replace(/,/g, "%2C"); });
      }
      if (!remember && this.choice.every((index) => index === 0)) {
        // The default run is what the page already shows (and player.js builds its player, autoplay and all).
      } else if (this.animated && variant.frames && window.siteBuilderPlayer && this.picture) {
        // The player draws the run from its data; the GIF is fetched only if that fails.
        window.siteBuilderPlayer.show(this.picture, fileName(variant.image), this.url(variant.frames)).then((ok) => {
          if (!ok && this.variant() === variant) this.img.src = this.url(variant.image);
        });
      } else {
        this.img.src = this.url(variant.image);
      }
      if (remember) this.remember();
    }

    remember() {
      const query = new URLSearchParams(window.location.search);
      this.manifest.axes.forEach((axis, a) => {
        if (this.choice[a] === 0) query.delete(this.stem + "." + axis.key); else query.set(this.stem + "." + axis.key, axis.labels[this.choice[a]]);
      });
      const search = query.toString();
      try {
        window.history.replaceState(window.history.state, "", (search ? "?" + search : window.location.pathname) + window.location.hash);
      } catch (error) { /* some browsers refuse on file://: the view just is not in the address */ }
    }

    /** Every run's data now, so that a control switches the figure at once. */
    preload() {
      for (const variant of this.manifest.variants) {
        if (this.animated && variant.frames && window.siteBuilderPlayer) {
          loadScript(this.url(variant.frames)).catch(() => {});
        } else {
          const image = new Image();
          image.src = this.url(this.animated && variant.poster ? variant.poster : variant.image);
        }
      }
    }
  }

  function enhance(figure, img, url) {
    loadScript(url).then(() => {
      const manifest = (window.siteBuilderSweeps || {})[fileName(img.getAttribute("src") || "")];
      if (manifest && !figure.querySelector(".sweep")) new Sweep(figure, img, manifest, url);
    }, () => { /* no manifest: the figure stays its default run */ });
  }

  function start() {
    const figures = [];
    document.querySelectorAll("figure img").forEach((img) => {
      const url = manifests.get(absolute(img.getAttribute("src") || ""));
      if (url) figures.push([img.closest("figure"), img, url]);
    });
    if (typeof IntersectionObserver !== "function") { figures.forEach((f) => enhance(...f)); return; }
    const observer = new IntersectionObserver((entries) => {
      entries.forEach((entry) => {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        const found = figures.find((f) => f[0] === entry.target);
        if (found) enhance(...found);
      });
    }, { rootMargin: "600px 0px" });
    figures.forEach((f) => observer.observe(f[0]));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
