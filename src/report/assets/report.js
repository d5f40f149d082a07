(function () {
  "use strict";
  // Filtering by licence category and status, and sorting by any column, of
  // the models table. Rows carry their data in data-* attributes, so the
  // script never parses the (escaped) text it shows.
  var table = document.getElementById("model-table");
  if (!table) {
    return;
  }
  var body = table.tBodies[0];
  var category = document.getElementById("category-filter");
  var status = document.getElementById("status-filter");
  var count = document.getElementById("shown-count");

  function apply() {
    var rows = body.rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var visible =
        (!category.value || row.getAttribute("data-category") === category.value) &&
        (!status.value || row.getAttribute("data-status") === status.value);
      row.hidden = !visible;
      if (visible) {
        shown++;
      }
    }
    count.textContent = shown + " of " + rows.length + " models shown";
  }

  function sortBy(header, column) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var h = 0; h < headers.length; h++) {
      headers[h].setAttribute("aria-sort", "none");
    }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = header.getAttribute("data-sort") === "number";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-value");
      var y = b.cells[column].getAttribute("data-value");
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      if (!ascending) {
        order = -order;
      }
      // Equal keys keep the report's own order, whichever the direction.
      return order || Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index"));
    });
    for (var r = 0; r < rows.length; r++) {
      body.appendChild(rows[r]);
    }
  }

  var cells = table.tHead.rows[0].cells;
  for (var c = 0; c < cells.length; c++) {
    (function (header, column) {
      var button = header.querySelector("button");
      if (button) {
        button.addEventListener("click", function () {
          sortBy(header, column);
        });
      }
    })(cells[c], c);
  }
  category.addEventListener("change", apply);
  status.addEventListener("change", apply);
  document.getElementById("filter-controls").hidden = false;
  apply();
})();
