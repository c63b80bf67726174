// Team lead review pages: small conveniences on top of plain forms (everything works without JS).
(function () {
  "use strict";

  // Forms with data-confirm ask before they are sent (finalize, reopen, delete).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Typing a value in a resolve form selects "Enter a value".
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.hasAttribute || !field.hasAttribute("data-enter-value")) return;
    var form = field.form;
    var radio = form && form.querySelector("[data-enter-choice]");
    if (radio && !radio.checked) radio.checked = true;
  });

  // The record's print button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });
})();
