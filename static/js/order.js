// Order questions work without JavaScript (a position select per item).
// With it, each item gets "move up" / "move down" buttons that reorder the
// list and keep the selects in step, so the form posts the same fields.
(function () {
  "use strict";
  function renumber(list) {
    Array.prototype.forEach.call(list.querySelectorAll(".order-item"), function (item, index) {
      item.querySelector("select").value = String(index + 1);
    });
  }
  function button(label, text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "order-move";
    b.setAttribute("aria-label", label);
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }
  document.querySelectorAll("[data-order]").forEach(function (list) {
    var up = list.closest("form").dataset.moveUp || "Move up";
    var down = list.closest("form").dataset.moveDown || "Move down";
    list.classList.add("order-enhanced");
    list.querySelectorAll(".order-item").forEach(function (item) {
      var text = item.querySelector(".order-text").textContent;
      item.appendChild(button(up + ": " + text, "↑", function () {
        if (item.previousElementSibling) { list.insertBefore(item, item.previousElementSibling); renumber(list); this.focus(); }
      }));
      item.appendChild(button(down + ": " + text, "↓", function () {
        if (item.nextElementSibling) { list.insertBefore(item.nextElementSibling, item); renumber(list); this.focus(); }
      }));
    });
    renumber(list);
  });
})();
