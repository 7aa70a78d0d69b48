/* Light and dark themes. Loaded synchronously in <head> so a stored choice
   applies before the first paint. With nothing stored the page follows the
   system (prefers-color-scheme in style.css); a stored "light" or "dark" is set
   as data-theme on <html>. Choosing what the system already shows forgets the
   choice, so the page follows the system again. Without JavaScript the toggle
   stays hidden (style.css shows it only under html.js).

   A choice is kept in two places, each as "dark@<time>" ("system" for no
   choice): localStorage, shared by every tab, and the tab's window.name, which
   survives every navigation in that tab. localStorage alone is not enough for
   a site opened from disk: browsers define no storage for file: pages
   (Firefox gives each file its own; Chromium sometimes hands a page an empty
   store, or drops a write, when it moves between files). The newer record
   wins, and a page that finds localStorage behind the tab brings it up to
   date. */
(function () {
  var KEY = "theme";
  var NAME_PREFIX = "site-builder-theme:";
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  // "dark@1764614400000" -> {theme: "dark", at: 1764614400000}; a bare "dark" (older pages) is as old as can be.
  function parse(text) {
    var match = /^(dark|light|system)(?:@(\d+))?$/.exec(text || "");
    return match ? { theme: match[1] === "system" ? null : match[1], at: Number(match[2] || 0), text: text } : null;
  }
  function fromStorage() {
    try { return parse(localStorage.getItem(KEY)); } catch (error) { return null; }
  }
  function fromTab() {
    var name = String(window.name || "");
    return name.indexOf(NAME_PREFIX) === 0 ? parse(name.slice(NAME_PREFIX.length)) : null;
  }
  function save(text) {
    try { localStorage.setItem(KEY, text); } catch (error) { /* storage blocked: the tab still remembers */ }
  }
  function stored() {
    var shared = fromStorage(), tab = fromTab();
    if (tab && (!shared || tab.at > shared.at)) {
      save(tab.text);  // this tab saw a newer choice than the shared store holds
      return tab.theme;
    }
    return shared ? shared.theme : null;
  }
  function apply(theme) {
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
    else root.removeAttribute("data-theme");
  }
  function shown() {
    return root.getAttribute("data-theme") || (systemDark.matches ? "dark" : "light");
  }
  function remember(theme) {
    var text = (theme || "system") + "@" + Date.now();
    save(text);
    window.name = NAME_PREFIX + text;
  }

  root.classList.add("js");
  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    function update() { button.setAttribute("aria-pressed", String(shown() === "dark")); }
    button.addEventListener("click", function () {
      var next = shown() === "dark" ? "light" : "dark";
      var choice = next === (systemDark.matches ? "dark" : "light") ? null : next;
      remember(choice);
      apply(choice);
      update();
    });
    systemDark.addEventListener("change", update);
    window.addEventListener("storage", function (event) {
      if (event.key !== KEY) return;
      var record = parse(event.newValue);  // another tab chose later: this tab follows
      if (fromTab()) window.name = record ? NAME_PREFIX + record.text : "";
      apply(record ? record.theme : null);
      update();
    });
    update();
  });
})();
