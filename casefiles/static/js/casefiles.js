// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Tables become stacked cards under 600 px (casefiles.css): each cell shows its column's header, read from
  // data-label. Cells a template did not label get the text of their column header here.
  function labelCells(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      var text = (cell.textContent || "").replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) { labels.push(text); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = labels[column];
          if (cell.tagName === "TD" && label && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", label);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.data, table.diff"), labelCells);
    // Move focus to the error summary so screen-reader and keyboard users hear what to fix.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
