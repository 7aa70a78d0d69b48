/* "/" puts the cursor in the search box (the search page's own, else the header's), as on many
   sites; not while the reader types in another field, nor with Ctrl, Alt or Cmd held. */
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.nodeName))) return;
    var box = document.querySelector(".search__input") || document.querySelector(".site-search__input");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
