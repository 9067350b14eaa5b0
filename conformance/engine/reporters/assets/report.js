// The HTML report's script, inlined into every page: the filter, the matrix's cells, the
// copy buttons and printing. It loads nothing and sends nothing.
(function () {
  "use strict";
  var $ = function (selector, root) { return (root || document).querySelector(selector); };
  var $$ = function (selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  };

  // -- copy buttons ------------------------------------------------------------------------
  function copied(button, ok) {
    button.textContent = ok ? "Copied" : "Select and copy";
    setTimeout(function () { button.textContent = "Copy"; }, 1600);
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  $$("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { copied(button, true); },
          function () { copied(button, fallbackCopy(text)); }
        );
      } else {
        copied(button, fallbackCopy(text));
      }
    });
  });

  // -- the filter --------------------------------------------------------------------------
  var form = $("form.filters");
  var items = $$(".finding");
  var selects = $$("select[data-filter]");
  var search = $("#filter-text");
  function applyFilter() {
    var wanted = {};
    selects.forEach(function (select) { wanted[select.getAttribute("data-filter")] = select.value; });
    var text = search ? search.value.trim().toLowerCase() : "";
    var shown = 0;
    items.forEach(function (item) {
      var match = Object.keys(wanted).every(function (key) {
        return !wanted[key] || item.getAttribute("data-" + key) === wanted[key];
      }) && (!text || item.getAttribute("data-search").indexOf(text) !== -1);
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    // While a filter is set, every match shows; else a long block shows its first few.
    var list = $("#findings");
    var filtering = text !== "" || Object.keys(wanted).some(function (key) { return wanted[key]; });
    if (list) { list.classList.toggle("filtering", Boolean(filtering)); }
    $$(".check-block").forEach(function (block) {
      block.hidden = $$(".finding", block).every(function (item) { return item.hidden; });
    });
    var counter = $("#shown");
    if (counter) { counter.textContent = "Showing " + shown + " of " + items.length + "."; }
    var empty = $("#empty");
    if (empty) { empty.hidden = shown !== 0; }
    // The matrix follows the family and the operation chosen.
    $$(".grid [data-family]").forEach(function (node) {
      var hide = wanted.family && node.getAttribute("data-family") !== wanted.family;
      if (hide) { node.setAttribute("data-hidden", ""); } else { node.removeAttribute("data-hidden"); }
    });
    $$(".grid tbody tr").forEach(function (row) {
      var hide = wanted.operation && row.getAttribute("data-operation") !== wanted.operation;
      if (hide) { row.setAttribute("data-hidden", ""); } else { row.removeAttribute("data-hidden"); }
    });
  }
  if (form) {
    form.addEventListener("input", applyFilter);
    form.addEventListener("change", applyFilter);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(applyFilter, 0); });
  }
  $$(".check-block .more").forEach(function (button) {
    button.addEventListener("click", function () { button.parentNode.classList.add("expanded"); });
  });
  function setAll(open) {
    if (open) { $$(".check-block").forEach(function (block) { block.classList.add("expanded"); }); }
    items.forEach(function (item) { if (!item.hidden) { item.open = open; } });
  }
  var expand = $("#expand-all");
  var collapse = $("#collapse-all");
  if (expand) { expand.addEventListener("click", function () { setAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setAll(false); }); }

  // -- links to one failure: open it, even when the filter hid it ---------------------------
  $$("a[data-open]").forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById(link.getAttribute("data-open"));
      if (!target) { return; }
      if (target.hidden && form) { form.reset(); applyFilter(); }
      if (target.parentNode.classList) { target.parentNode.classList.add("expanded"); }
      target.open = true;
    });
  });

  // -- the matrix: a click on a cell lists its outcomes -------------------------------------
  var panel = $("#cell-panel");
  var current = null;
  function closePanel() {
    if (!panel) { return; }
    panel.hidden = true;
    $$(".cell-detail", panel).forEach(function (detail) { detail.hidden = true; });
    if (current) { current.setAttribute("aria-expanded", "false"); }
    current = null;
  }
  $$("button.cell").forEach(function (cell) {
    cell.addEventListener("click", function () {
      if (current === cell) { closePanel(); return; }
      closePanel();
      var detail = document.getElementById(cell.getAttribute("data-cell"));
      if (!detail || !panel) { return; }
      detail.hidden = false;
      panel.hidden = false;
      cell.setAttribute("aria-expanded", "true");
      current = cell;
      var box = panel.getBoundingClientRect();
      if (box.bottom > window.innerHeight) {
        panel.scrollIntoView({ block: "nearest" });
      }
    });
  });
  if (panel) { $(".close", panel).addEventListener("click", closePanel); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePanel(); }
  });

  // -- printing: every failure open; put back what the reader had afterwards ----------------
  var before = null;
  window.addEventListener("beforeprint", function () {
    before = items.map(function (item) { return item.open; });
    items.forEach(function (item) { item.open = true; });
  });
  window.addEventListener("afterprint", function () {
    if (before) { items.forEach(function (item, index) { item.open = before[index]; }); }
    before = null;
  });
})();
