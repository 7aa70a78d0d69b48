/* Marks the table-of-contents entry of the section being read with
   aria-current="location". Only colours change (style.css), never sizes, so
   the highlight moves without shifting the layout. */
(function () {
  var links = document.querySelectorAll('.toc a[href^="#"]');
  var sections = [];
  for (var i = 0; i < links.length; i++) {
    var heading = document.getElementById(decodeURIComponent(links[i].hash.slice(1)));
    if (heading) sections.push({ link: links[i], heading: heading });
  }
  if (!sections.length) return;
  var current = null;
  var pending = false;

  function mark() {
    pending = false;
    // The section being read is the last one whose heading is above the upper third of the window.
    var line = window.innerHeight / 3;
    var found = null;
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].heading.getBoundingClientRect().top > line) break;
      found = sections[i];
    }
    if (found === current) return;
    if (current) current.link.removeAttribute("aria-current");
    if (found) found.link.setAttribute("aria-current", "location");
    current = found;
  }
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(mark); }
  }
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  // At the top of the page no section is being read yet; any other position (a #fragment, a
  // restored scroll) fires a scroll event. So nothing is measured while the page loads.
  if (window.scrollY > 0) schedule();
})();
