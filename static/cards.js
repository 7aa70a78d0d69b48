/* Cards for citations and cross-references (render/markup/citations.py, crossrefs.py). Hovering or
   focusing a citation shows its full reference; a cross-reference shows what it names: the formula,
   the figure and its caption, or the section's heading and first sentence. The card's content is
   copied from the page itself, so it works from file:// with nothing to fetch. One card element
   (role="tooltip") serves every link: the link it describes points at it with aria-describedby
   while it shows. Escape hides it; so do leaving the link and moving the focus. It is positioned
   over the page (absolute), so nothing else moves. Without this script each link still goes to
   its reference or target. */
(function () {
  var links = document.querySelectorAll("a.citation__link, a.crossref");
  if (!links.length) return;
  var CARD_ID = "hover-card", SHOW_DELAY = 120, HIDE_DELAY = 250, GAP = 6, MARGIN = 8;
  var card = document.createElement("div");
  card.id = CARD_ID;
  card.className = "hover-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);
  var shownFor = null, showTimer = 0, hideTimer = 0;

  function targetOf(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
    return id ? document.getElementById(id) : null;
  }

  function removeAll(root, selector) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), function (node) { node.parentNode.removeChild(node); });
  }

  // A copy with no ids (they must stay unique) and none of the page's own controls.
  function copyOf(node) {
    var copy = node.cloneNode(true);
    if (copy.removeAttribute) copy.removeAttribute("id");
    Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (n) { n.removeAttribute("id"); });
    removeAll(copy, ".references__back, .headerlink, .sidenote, .sidenote-toggle, .sidenote-mark");
    return copy;
  }

  // Text as a reader sees it: no TeX source, no hidden duplicates of formulas, no notes.
  function visibleText(node) {
    if (node.nodeType === 3) return node.nodeValue;
    if (node.nodeType !== 1) return "";
    if (node.getAttribute("aria-hidden") === "true" || /^(annotation|script|style)$/i.test(node.nodeName)) return "";
    if (node.classList.contains("sidenote") || node.classList.contains("sidenote-toggle")) return "";
    var text = "";
    for (var child = node.firstChild; child; child = child.nextSibling) text += visibleText(child);
    return text;
  }

  function firstSentence(text) {
    text = text.replace(/\s+/g, " ").trim();
    var end = text.search(/[.!?](\s|$)/);
    var sentence = end >= 0 ? text.slice(0, end + 1) : text;
    return sentence.length > 240 ? sentence.slice(0, 239) + "\u2026" : sentence;
  }

  function fill(link, target) {
    card.textContent = "";
    card.className = "hover-card";
    if (link.classList.contains("citation__link")) {
      var reference = document.createElement("p");
      reference.className = "hover-card__reference";
      var copy = copyOf(target);
      while (copy.firstChild) reference.appendChild(copy.firstChild);
      card.appendChild(reference);
    } else if (target.classList.contains("math-display")) {
      card.classList.add("hover-card--equation");
      card.appendChild(copyOf(target));
    } else if (target.nodeName === "FIGURE") {
      card.classList.add("hover-card--figure");
      var picture = target.querySelector("picture") || target.querySelector("img");
      if (picture) {
        var image = copyOf(picture);
        image.hidden = false;  // an animation's player hides its picture; the card shows the still
        var img = image.nodeName === "IMG" ? image : image.querySelector("img");
        if (img) {
          img.removeAttribute("loading");
          img.alt = "";  // the caption below says what it shows
          img.addEventListener("load", function () { if (shownFor === link) place(link); });
        }
        card.appendChild(image);
      }
      var caption = target.querySelector("figcaption");
      if (caption) {
        var text = document.createElement("p");
        text.className = "hover-card__caption";
        var captionCopy = copyOf(caption);
        while (captionCopy.firstChild) text.appendChild(captionCopy.firstChild);
        card.appendChild(text);
      }
    } else {
      card.classList.add("hover-card--section");
      var title = document.createElement("p");
      title.className = "hover-card__title";
      title.textContent = visibleText(copyOf(target)).trim();
      card.appendChild(title);
      var next = target.nextElementSibling;
      while (next && next.nodeName !== "P" && !/^H[1-6]$/.test(next.nodeName)) next = next.nextElementSibling;
      if (next && next.nodeName === "P") {
        var lead = document.createElement("p");
        lead.textContent = firstSentence(visibleText(next));
        card.appendChild(lead);
      }
    }
  }

  function place(link) {
    var box = link.getBoundingClientRect();
    var width = card.offsetWidth, height = card.offsetHeight;
    var viewportWidth = document.documentElement.clientWidth;
    var left = Math.min(Math.max(MARGIN, box.left), Math.max(MARGIN, viewportWidth - width - MARGIN));
    var below = box.bottom + GAP, above = box.top - GAP - height;
    var top = below + height > window.innerHeight - MARGIN && above >= MARGIN ? above : below;
    card.style.left = left + window.pageXOffset + "px";
    card.style.top = top + window.pageYOffset + "px";
  }

  function show(link) {
    var target = targetOf(link);
    if (!target) return;
    clearTimeout(hideTimer);
    if (shownFor && shownFor !== link) shownFor.removeAttribute("aria-describedby");
    fill(link, target);
    card.style.left = "0px";
    card.style.top = "0px";
    card.hidden = false;
    place(link);
    link.setAttribute("aria-describedby", CARD_ID);
    shownFor = link;
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    card.hidden = true;
    if (shownFor) shownFor.removeAttribute("aria-describedby");
    shownFor = null;
  }

  function hideSoon() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("mouseenter", function () {
      clearTimeout(showTimer);
      clearTimeout(hideTimer);
      showTimer = setTimeout(function () { show(link); }, SHOW_DELAY);
    });
    link.addEventListener("mouseleave", hideSoon);
    link.addEventListener("focus", function () { show(link); });
    link.addEventListener("blur", hide);
    link.addEventListener("click", hide);
  });
  // The pointer may move onto the card (to follow a DOI link in it) without the card going.
  card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  card.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !card.hidden) hide();
  });
  window.addEventListener("resize", hide);
})();
