// The platform's only script besides htmx (no inline scripts: Content-Security-Policy script-src 'self').
// Buttons marked data-print print the page.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
