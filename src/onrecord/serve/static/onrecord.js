// The only script of the web UI (the Content-Security-Policy allows no inline script):
// the cite button copies its paragraph's citation.
"use strict";
(function () {
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done;
  }
  function flash(button, label) {
    button.textContent = label;
    button.classList.add("copied");
    setTimeout(function () { button.textContent = "cite"; button.classList.remove("copied"); }, 1500);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.cite") : null;
    if (!button) { return; }
    var text = button.getAttribute("data-citation") || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { flash(button, "copied"); },
        function () { flash(button, fallbackCopy(text) ? "copied" : "copy failed"); }
      );
    } else {
      flash(button, fallbackCopy(text) ? "copied" : "copy failed");
    }
  });
})();
