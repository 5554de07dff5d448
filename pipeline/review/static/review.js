// TrialGraph review: keyboard shortcuts and span selection. Progressive: every action also works without it.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function click(id) {
    var element = document.getElementById(id);
    if (element) { element.click(); return true; }
    return false;
  }

  function follow(id) {
    var link = document.getElementById(id);
    if (link) { window.location.href = link.href; return true; }
    return false;
  }

  // Queue: j/k move the selection, Enter opens the selected item.
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
  var selected = rows.length ? 0 : -1;
  function select(index) {
    if (!rows.length) { return; }
    if (selected >= 0) { rows[selected].classList.remove("selected"); }
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows[selected].classList.add("selected");
    rows[selected].scrollIntoView({ block: "nearest" });
  }
  if (rows.length) { select(0); }

  // Correction and addition: selecting words in a plain sentence sets the span's offsets in the fields
  // its data-start / data-end attributes name, and shows the words in its data-preview element.
  Array.prototype.forEach.call(document.querySelectorAll(".span-source[data-start]"), function (source) {
    var startField = document.getElementById(source.dataset.start);
    var endField = document.getElementById(source.dataset.end);
    var preview = document.getElementById(source.dataset.preview);
    var offset = Number(source.dataset.offset);
    if (!startField || !endField) { return; }
    function showPreview() {
      if (!preview) { return; }
      var start = Number(startField.value) - offset;
      var end = Number(endField.value) - offset;
      var text = source.textContent;
      preview.textContent = (start >= 0 && end <= text.length && start < end) ? text.slice(start, end) : "(outside this sentence)";
    }
    source.addEventListener("mouseup", function () {
      var selection = window.getSelection();
      if (!selection.rangeCount || selection.isCollapsed) { return; }
      var range = selection.getRangeAt(0);
      if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) { return; }
      var before = document.createRange();
      before.selectNodeContents(source);
      before.setEnd(range.startContainer, range.startOffset);
      var chosen = range.toString();
      var start = before.toString().length + (chosen.length - chosen.replace(/^\s+/, "").length);
      startField.value = offset + start;
      endField.value = offset + start + chosen.trim().length;
      showPreview();
    });
    startField.addEventListener("input", showPreview);
    endField.addEventListener("input", showPreview);
  });

  // Identifier candidates: "use" fills the correction's identifiers and name.
  Array.prototype.forEach.call(document.querySelectorAll(".use-candidate"), function (button) {
    button.addEventListener("click", function () {
      var norm = document.getElementById("c_norm"), name = document.getElementById("c_concept");
      if (norm) { norm.value = button.dataset.norm; }
      if (name) { name.value = button.dataset.name; }
    });
  });

  var help = document.getElementById("help");
  var helpToggle = document.getElementById("help-toggle");
  if (help && helpToggle) {
    helpToggle.addEventListener("click", function () { help.hidden = !help.hidden; });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var handled = false;
    switch (event.key) {
      case "a": handled = click("accept"); break;
      case "r": handled = click("reject"); break;
      case "c": {
        var details = document.getElementById("correction");
        if (details) {
          details.open = true;
          var first = details.querySelector("select, input");
          if (first) { first.focus(); }
          handled = true;
        }
        break;
      }
      case "m": {
        var comment = document.getElementById("comment");
        if (comment) { comment.focus(); handled = true; }
        break;
      }
      case "j": handled = rows.length ? (select(selected + 1), true) : follow("next-item"); break;
      case "k": handled = rows.length ? (select(selected - 1), true) : follow("previous-item"); break;
      case "Enter": if (rows.length && selected >= 0) { window.location.href = rows[selected].dataset.href; handled = true; } break;
      case "d": handled = follow("open-document"); break;
      case "s": handled = follow("skip"); break;
      case "Backspace": {
        var undoLast = document.querySelector("#undo-last button");
        if (undoLast && !undoLast.disabled) { undoLast.click(); handled = true; }
        break;
      }
      case "q": handled = follow("to-queue"); break;
      case "?": if (help) { help.hidden = !help.hidden; handled = true; } break;
    }
    if (handled) { event.preventDefault(); }
  });
})();
