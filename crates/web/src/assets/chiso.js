// chiso dashboard: sortable columns, unit search, period selector fields.
// Everything works without this script; it only adds conveniences.
(function () {
  "use strict";

  // The print button (the Content-Security-Policy allows no inline handler).
  document.addEventListener("click", function (e) {
    if (e.target && e.target.closest && e.target.closest("button.print")) window.print();
  });

  // Sort a table's body by a column: numbers by data-v, text by content.
  function sortBy(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-sort") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ca = a.cells[index], cb = b.cells[index];
      if (numeric) {
        var va = ca.getAttribute("data-v"), vb = cb.getAttribute("data-v");
        if (va === "" || va === null) return 1;   // no data last, either way
        if (vb === "" || vb === null) return -1;
        return ascending ? va - vb : vb - va;
      }
      var r = ca.textContent.localeCompare(cb.textContent, "vi");
      return ascending ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function periodFields(select) {
    var form = select.form;
    var kind = select.value;
    Array.prototype.forEach.call(form.querySelectorAll("label[data-for]"), function (label) {
      var show = label.getAttribute("data-for").split(" ").indexOf(kind) >= 0;
      label.hidden = !show;
      Array.prototype.forEach.call(label.querySelectorAll("select, input"), function (f) { f.disabled = !show; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable th[data-sort]"), function (th) {
      th.tabIndex = 0;
      th.title = (th.title ? th.title + " — " : "") + "bấm để sắp xếp";
      th.addEventListener("click", function () { sortBy(th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(th); });
    });
    var search = document.getElementById("unit-search");
    if (search) {
      search.addEventListener("input", function () {
        var q = fold(search.value.trim());
        Array.prototype.forEach.call(document.querySelectorAll("table.rank tbody tr"), function (tr) {
          tr.hidden = q !== "" && fold(tr.getAttribute("data-name") || "").indexOf(q) < 0;
        });
      });
    }
    var type = document.getElementById("period-type");
    if (type) {
      periodFields(type);
      type.addEventListener("change", function () { periodFields(type); });
    }
  });
})();
