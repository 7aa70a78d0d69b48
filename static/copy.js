/* "Copy BibTeX" on an article's Cite this article section (templates/_cite_this.html). Shows the
   button, which HTML hides because it needs a script; copies with the clipboard API, and where that
   is missing or refused (file:// pages, older browsers) selects the text and asks the browser to
   copy it, so the reader can press Ctrl+C if even that fails. The status line says which. */
(function () {
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[role=status]");
    if (!source) return;
    button.hidden = false;

    function say(text) { if (status) status.textContent = text; }

    function selectAndCopy() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      say(copied ? "Copied." : "Selected: press Ctrl+C (\u2318C on a Mac) to copy.");
    }

    button.addEventListener("click", function () {
      var text = source.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { say("Copied."); }, selectAndCopy);
      } else {
        selectAndCopy();
      }
    });
  });
})();
