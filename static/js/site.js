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

// 长辈模式 (elderly mode): a form marked data-steps shows one section at a time — one thing to do per screen — with
// "previous" and "next" buttons and where one is ("step 2 of 5"). Without script every section shows, as in the
// standard mode. A section holding an error message is shown first.
function stepThrough(form) {
  var sections = Array.prototype.slice.call(form.querySelectorAll("fieldset.form-section"));
  if (sections.length < 2) {
    return;
  }
  var current = Math.max(0, sections.findIndex(function (s) { return s.querySelector(".errorlist"); }));
  var bar = document.createElement("div");
  bar.className = "step-bar";
  var where = document.createElement("p");
  where.className = "step-where";
  where.setAttribute("aria-live", "polite");
  var previous = document.createElement("button");
  previous.type = "button";
  previous.className = "secondary";
  previous.textContent = form.dataset.stepPrevious;
  var next = document.createElement("button");
  next.type = "button";
  next.textContent = form.dataset.stepNext;
  bar.append(where, previous, next);
  sections[sections.length - 1].after(bar);
  var submit = form.querySelector("button[type=submit]");
  function show(index) {
    current = index;
    sections.forEach(function (s, i) { s.hidden = i !== index; });
    where.textContent = form.dataset.stepOf.replace("{n}", index + 1).replace("{total}", sections.length);
    previous.hidden = index === 0;
    next.hidden = index === sections.length - 1;
    if (submit) {
      submit.hidden = index !== sections.length - 1;
    }
  }
  previous.addEventListener("click", function () {
    show(current - 1);
    sections[current].querySelector("legend").scrollIntoView();
  });
  next.addEventListener("click", function () {
    show(current + 1);
    sections[current].querySelector("legend").scrollIntoView();
    var first = sections[current].querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus({ preventScroll: true });
    }
  });
  show(current);
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-steps]").forEach(stepThrough);
});
