// The platform's only script besides htmx (no inline scripts: Content-Security-Policy script-src 'self').
// Buttons marked data-print print the page.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// On narrow screens wide tables scroll inside themselves (site.css): such a table takes keyboard focus, so that it
// can be scrolled without a mouse (WCAG 2.1.1).
function markScrollableTables() {
  document.querySelectorAll("table").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.tabIndex = 0;
    } else {
      table.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollableTables);
document.addEventListener("htmx:afterSettle", markScrollableTables);
window.addEventListener("resize", markScrollableTables);
