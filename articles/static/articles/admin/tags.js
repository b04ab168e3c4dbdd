// Suggests existing tags while a journalist types in the comma-separated tags field.
// Uses the admin's own autocomplete endpoint (Tag is searchable in taggit's admin); without
// JavaScript the field is a plain text input and works the same.
"use strict";
(function () {
  const input = document.getElementById("id_tags");
  if (!input) return;
  const marker = document.querySelector("[data-tags-autocomplete]");
  if (!marker) return;
  const endpoint = marker.dataset.tagsAutocomplete;
  const list = document.createElement("datalist");
  list.id = "id_tags_suggestions";
  input.after(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  function suggest() {
    const parts = input.value.split(",");
    const term = parts.pop().trim();
    if (term.length < 2) return;
    const done = parts.map((part) => part.trim()).filter(Boolean);
    const url = endpoint + "?" + new URLSearchParams({
      app_label: "articles", model_name: "article", field_name: "tags", term: term,
    });
    fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then(function (data) {
        list.replaceChildren(...data.results
          .filter((tag) => !done.includes(tag.text))
          .map(function (tag) {
            const option = document.createElement("option");
            option.value = [...done, tag.text].join(", ");
            return option;
          }));
      });
  }
})();
