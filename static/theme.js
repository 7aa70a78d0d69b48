/* Light and dark themes, inlined in <head> so a stored choice applies before the first paint.
   No choice: the page follows the system. A choice ("dark@<time>", "system" to forget it) is kept
   in localStorage and in the tab's window.name, because browsers define no storage for file:
   pages (Firefox keeps one per file; Chromium may hand a page an empty store): the newer wins. */
(function () {
  var KEY = "theme";
  var NAME_PREFIX = "site-builder-theme:";
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  // "dark@1764614400000" -> {theme: "dark", at: ...}; a bare "dark" (older pages) is as old as can be.
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
