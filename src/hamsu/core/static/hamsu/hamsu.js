// Pipeline board: drag a card onto another column to move the deal. The move is a normal
// form POST (the same endpoint the per-card menu uses), so it works the same with and
// without JavaScript; htmx then reloads the board.
(function () {
  function initBoard(board) {
    board.querySelectorAll(".deal-card").forEach(function (card) {
      card.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", card.dataset.moveUrl);
        // The stage this card showed: a deal someone else moved meanwhile is refused.
        event.dataTransfer.setData("application/x-hamsu-stage", card.dataset.stage || "");
        card.classList.add("dragging");
      });
      card.addEventListener("dragend", function () { card.classList.remove("dragging"); });
    });
    board.querySelectorAll(".board-column").forEach(function (column) {
      column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("drop-target"); });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        var url = event.dataTransfer.getData("text/plain");
        if (!url) { return; }
        var shown = event.dataTransfer.getData("application/x-hamsu-stage");
        htmx.ajax("POST", url, { values: { stage: column.dataset.stage, from_stage: shown }, swap: "none" });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-board]").forEach(initBoard);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    event.detail.target.querySelectorAll("[data-board]").forEach(initBoard);
    if (event.detail.target.matches && event.detail.target.matches("[data-board]")) { initBoard(event.detail.target); }
  });
  // A new move clears the last move's message; the board's own reload does not.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var box = document.getElementById("board-error");
    var config = event.detail.requestConfig || {};
    if (box && String(config.verb).toLowerCase() === "post") { box.classList.add("d-none"); }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("board-error");
    if (box) { box.textContent = event.detail.xhr.responseText; box.classList.remove("d-none"); }
  });
})();

// A wide table scrolls sideways inside its own box, never the whole page (a phone is 390 px
// wide; a laptop's 1366 px still do not hold every column of some tables). Templates wrap
// their tables in .table-responsive; a table that is not wrapped gets the box here, so no
// page can forget it. A keyboard user can scroll such a box only if it can take focus
// (WCAG 2.1.1), so every box that overflows (tables, and the pipeline board, marked with
// data-scroll-label) joins the tab order as a region named after its table's caption or
// label, its own data-scroll-label, or else the heading above it.
(function () {
  function wrapTables(root) {
    root.querySelectorAll("table").forEach(function (table) {
      if (table.closest(".table-responsive, [data-scroll-label]")) { return; }
      var box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }
  function headingBefore(box) {
    for (var node = box, depth = 0; node && depth < 4; node = node.parentElement, depth++) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        var heading = before.matches("h1, h2, h3, h4, h5, h6") ? before : before.querySelector("h1, h2, h3, h4, h5, h6");
        if (heading) { return heading.textContent.trim(); }
      }
    }
    return "";
  }
  function nameOf(box) {
    if (box.dataset.scrollLabel) { return box.dataset.scrollLabel; }
    var table = box.querySelector("table");
    var caption = table && table.caption ? table.caption.textContent.trim() : "";
    var labelledBy = table && table.getAttribute("aria-labelledby");
    var byId = labelledBy ? document.getElementById(labelledBy) : null;
    return caption || (table && table.getAttribute("aria-label")) || (byId ? byId.textContent.trim() : "") || headingBefore(box);
  }
  function focusableScrollers(root) {
    wrapTables(root);
    root.querySelectorAll(".table-responsive, [data-scroll-label]").forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        var name = nameOf(box);
        if (name) { box.setAttribute("role", "region"); box.setAttribute("aria-label", name); }
        box.dataset.scrollFocus = "1";
      } else if (!overflows && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollFocus;
      }
    });
  }
  var pending = null;
  document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  document.addEventListener("htmx:afterSettle", function () { focusableScrollers(document); });
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { focusableScrollers(document); }, 150);
  });
})();

// Small behaviours that used to be inline event handlers (onsubmit=, onchange=, onclick=),
// which the Content-Security-Policy does not run:
//   <form data-confirm="Question?">  asks before it is submitted;
//   <select data-autosubmit>         submits its form when changed;
//   <button data-print>              prints the page;
//   <input data-select-all>          in a table head ticks every box of the table's body;
//   .progress-bar[data-percent]      is drawn that wide (a style attribute would not apply).
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) { field.form.requestSubmit(); }
    if (field.matches && field.matches("input[data-select-all]")) {
      field.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (box) { box.checked = field.checked; });
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });
  function drawProgress(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) { bar.style.width = bar.dataset.percent + "%"; });
  }
  document.addEventListener("DOMContentLoaded", function () { drawProgress(document); });
  document.addEventListener("htmx:afterSettle", function () { drawProgress(document); });
  // "/" anywhere but in a field jumps to the layout's search box (as in GitHub or Gmail).
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("global-search");
    var target = event.target;
    var typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (event.key !== "/" || !box || typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    event.preventDefault();
    box.focus();
  });
})();

// The navigation's section menus follow the WAI-ARIA disclosure pattern: each button
// (data-nav-toggle) shows or hides the list its aria-controls names and says so in
// aria-expanded. Enter or Space on the button opens it, Tab walks its links, the arrow
// keys move between them, Escape closes it and puts focus back on its button; opening one
// closes the others, and a click or focus outside an open menu closes it.
(function () {
  function toggles() { return Array.prototype.slice.call(document.querySelectorAll("[data-nav-toggle]")); }
  function menuOf(button) { return document.getElementById(button.getAttribute("aria-controls")); }
  function isOpen(button) { return button.getAttribute("aria-expanded") === "true"; }
  function close(button, refocus) {
    var menu = menuOf(button);
    button.setAttribute("aria-expanded", "false");
    if (menu) { menu.hidden = true; }
    if (refocus) { button.focus(); }
  }
  function open(button) {
    toggles().forEach(function (other) { if (other !== button && isOpen(other)) { close(other, false); } });
    button.setAttribute("aria-expanded", "true");
    var menu = menuOf(button);
    if (menu) { menu.hidden = false; }
  }
  function links(menu) { return Array.prototype.slice.call(menu.querySelectorAll("a[href], button:not([disabled])")); }
  function owning(element) {
    return toggles().filter(function (button) {
      var menu = menuOf(button);
      return element === button || (menu && menu.contains(element));
    })[0];
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-nav-toggle]");
    if (button) {
      if (isOpen(button)) { close(button, false); } else { open(button); }
      return;
    }
    toggles().forEach(function (b) { if (isOpen(b) && !menuOf(b).contains(event.target)) { close(b, false); } });
  });
  document.addEventListener("focusin", function (event) {
    toggles().forEach(function (b) {
      if (isOpen(b) && event.target !== b && !menuOf(b).contains(event.target)) { close(b, false); }
    });
  });
  document.addEventListener("keydown", function (event) {
    var button = owning(event.target);
    if (!button) { return; }
    if (event.key === "Escape" && isOpen(button)) {
      event.preventDefault();
      close(button, true);
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
    if (!isOpen(button)) {
      if (event.target !== button) { return; }
      open(button);
    }
    var items = links(menuOf(button));
    if (!items.length) { return; }
    event.preventDefault();
    var at = items.indexOf(event.target);
    var step = event.key === "ArrowDown" ? 1 : -1;
    var next = at === -1 ? (step === 1 ? 0 : items.length - 1) : (at + step + items.length) % items.length;
    items[next].focus();
  });
})();
