/* Light and dark themes. Loaded synchronously in <head> so a stored choice
   applies before the first paint. With nothing stored the page follows the
   system (prefers-color-scheme in style.css); a stored "light" or "dark" is set
   as data-theme on <html>. Choosing what the system already shows forgets the
   choice, so the page follows the system again. Without JavaScript the toggle
   stays hidden (style.css shows it only under html.js). */
(function () {
  var KEY = "theme";
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function stored() {
    try { return localStorage.getItem(KEY); } catch (error) { return null; }
  }
  function apply(theme) {
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
    else root.removeAttribute("data-theme");
  }
  function shown() {
    return root.getAttribute("data-theme") || (systemDark.matches ? "dark" : "light");
  }
  function remember(theme) {
    try {
      if (theme) localStorage.setItem(KEY, theme); else localStorage.removeItem(KEY);
    } catch (error) { /* storage blocked: the choice lasts for this page only */ }
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
      if (event.key === KEY) { apply(event.newValue); update(); }
    });
    update();
  });
})();
