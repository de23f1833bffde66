/* Tillsynskartan, static edition: small enhancements only. Every figure is already in the HTML;
   without this script the pages read the same. */
(function () {
  "use strict";
  // A click on a map area opens its page (the same link as the area's row in the table beside it).
  document.querySelectorAll("svg.map .area[data-href]").forEach(function (area) {
    area.addEventListener("click", function () { window.location.href = area.getAttribute("data-href"); });
  });
  // Sortable tables: a button in each column header; numbers sort as numbers (Swedish or English format).
  function key(cell) {
    var text = (cell.textContent || "").trim();
    var num = text.replace(/[\s\u00a0]/g, "").replace("\u2212", "-").replace(/%|p\.e\.|pp/g, "");
    if (/^[-+]?\d+([.,]\d+)?$/.test(num)) { return { n: parseFloat(num.replace(",", ".")) }; }
    return { s: text.toLowerCase() };
  }
  function compare(a, b) {
    if ("n" in a && "n" in b) { return a.n - b.n; }
    if ("n" in a) { return -1; }
    if ("n" in b) { return 1; }
    return a.s.localeCompare(b.s, document.documentElement.lang || "sv");
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(key(r1.cells[col]), key(r2.cells[col]));
          return up ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
