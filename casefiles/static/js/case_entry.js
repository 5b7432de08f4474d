// The new-case form, progressively enhanced (it works without this file): the title field shows the title that
// will be used if it stays blank, and "Add another event" adds a timeline row.
(function () {
  "use strict";

  function initials(name) {
    return name.split(/\s+/).filter(Boolean).map(function (word) {
      return word.split("-").filter(Boolean).map(function (part) { return part.charAt(0).toUpperCase() + "."; }).join("-");
    }).join(" ");
  }

  function selectedText(select) {
    return select && select.value ? select.options[select.selectedIndex].text.trim() : "";
  }

  function value(form, id) {
    var field = form.querySelector("#" + id);
    return field ? field.value.replace(/\s+/g, " ").trim() : "";
  }

  // The same rule as casefiles/cases/entry.py: never the legal name unless the person agreed to the full name.
  function suggestion(form) {
    var consent = value(form, "name_consent");
    var legal = value(form, "legal_name");
    var name = consent === "full_name" ? legal : consent === "initials" ? initials(legal)
      : consent === "pseudonym" ? value(form, "pseudonym") : "";
    var category = form.querySelector("#category");
    var categoryLabel = category && category.value !== "other" ? selectedText(category) : "";
    var group = value(form, "group_name");
    var who = group || (name && categoryLabel ? name + " (" + categoryLabel.toLowerCase() + ")" : name || categoryLabel);
    var tail = [selectedText(form.querySelector("#sanction_type")), value(form, "institution_name")].filter(Boolean).join(", ");
    return who && tail ? who + " — " + tail : who || tail;
  }

  function renumber(row, index, legendTemplate) {
    Array.prototype.forEach.call(row.querySelectorAll("[id], [name], [for], [aria-describedby]"), function (el) {
      ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
        var old = el.getAttribute(attribute);
        if (old) { el.setAttribute(attribute, old.replace(/events-\d+-/g, "events-" + index + "-")); }
      });
    });
    Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) { input.value = ""; input.removeAttribute("aria-invalid"); });
    Array.prototype.forEach.call(row.querySelectorAll("select"), function (select) { select.selectedIndex = select.id.slice(-6) === "-month" ? 0 : select.selectedIndex; });
    Array.prototype.forEach.call(row.querySelectorAll(".error-message"), function (p) { p.remove(); });
    var legend = row.querySelector("legend");
    if (legend) { legend.textContent = legendTemplate.replace("%(number)s", String(index + 1)); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-case-entry]");
    if (!form) { return; }
    var title = form.querySelector("#title");
    var update = function () { if (title) { title.placeholder = suggestion(form); } };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();

    var rows = form.querySelector("#event-rows");
    var template = rows && rows.getAttribute("data-row-legend");
    if (!rows || !template) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary button-small";
    button.textContent = rows.getAttribute("data-add-label");
    button.addEventListener("click", function () {
      var all = rows.querySelectorAll(".event-row");
      if (all.length >= 30) { return; }
      var copy = all[all.length - 1].cloneNode(true);
      renumber(copy, all.length, template);
      rows.insertBefore(copy, button);
      var first = copy.querySelector("input");
      if (first) { first.focus(); }
    });
    rows.appendChild(button);
  });
}());
