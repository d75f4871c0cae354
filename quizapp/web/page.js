// The served page's own script (a file, so the page's policy allows scripts from this server only).
document.getElementById("restart").addEventListener("click", () => window.location.reload());

// textual.js starts the app blurred until the terminal has the focus: once the app has drawn
// (its socket is open), give it the keyboard, so keys work without a click first.
new MutationObserver((_, observer) => {
  if (document.body.classList.contains("-first-byte")) {
    observer.disconnect();
    document.querySelector(".xterm-helper-textarea")?.focus();
  }
}).observe(document.body, { attributes: true, attributeFilter: ["class"] });
