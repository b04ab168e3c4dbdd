// The journalist's form (ArticleAdmin, articles/widgets.py): each text's count and the
// article's address follow what is typed, and the headline stays on one line.
//
// The server prints every figure already, so without JavaScript they are right as the page
// opens. Screen readers hear a count once typing pauses, from one polite live region: never at
// each keystroke.
"use strict";
(function () {
  // The body's editor may be ready before the page has finished loading.
  const editors = new Map();
  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea, event.detail.editor);
    document.dispatchEvent(new CustomEvent("writing:editor", { detail: event.detail }));
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    const form = document.getElementById("article_form");
    if (!form) return;
    const PAUSE_MS = 1500;
    const WORDS_PER_MINUTE = 230; // As articles/widgets.py.

    // ngettext and interpolate: the admin's JavaScript catalogue (admin:jsi18n).
    function charactersLabel(count) {
      return interpolate(ngettext("%(count)s character", "%(count)s characters", count), { count }, true);
    }

    function bodyLabel(html) {
      // Each tag counts as a space, as on the server.
      const words = html.replace(/<[^>]*>/g, " ").split(/\s+/).filter(Boolean).length;
      let label = interpolate(ngettext("%(count)s word", "%(count)s words", words), { count: words }, true);
      const minutes = Math.ceil(words / WORDS_PER_MINUTE);
      if (minutes) {
        const time = ngettext("%(count)s min read", "%(count)s min read", minutes);
        label += " · " + interpolate(time, { count: minutes }, true);
      }
      return label;
    }

    function fieldName(label) {
      return label.textContent.replace(/\s*:\s*$/, "").trim();
    }

    // --- Announcing, once typing pauses ----------------------------------------------------------
    const region = document.createElement("div");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    form.append(region);
    let pending = null;
    let timer = null;
    function announce(counter) {
      pending = counter;
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (pending && region.textContent !== pending.textContent) {
          region.textContent = pending.textContent;
        }
      }, PAUSE_MS);
    }

    function show(field, label) {
      const counter = document.getElementById(field.id + "_count");
      if (!counter || counter.textContent === label) return;
      counter.textContent = label;
      announce(counter);
    }

    // --- Headline and standfirst: characters ----------------------------------------------------
    for (const field of form.querySelectorAll("[data-count='characters']")) {
      field.addEventListener("input", function () {
        if (field.hasAttribute("data-single-line") && /[\r\n]/.test(field.value)) {
          // A pasted line break: the headline is one line.
          field.value = field.value.replace(/\s*[\r\n]+\s*/g, " ");
        }
        show(field, charactersLabel([...field.value].length));
      });
      if (field.hasAttribute("data-single-line")) {
        field.addEventListener("keydown", function (event) {
          if (event.key === "Enter") event.preventDefault();
        });
      }
    }

    // --- Body: words and reading time, from the editor once it is there -------------------------
    const body = form.querySelector("[data-count='words']");
    if (body) {
      body.addEventListener("input", () => show(body, bodyLabel(body.value)));
      const follow = function (editor) {
      // The editor is the field screen readers are in: named and described like the textarea.
      const label = form.querySelector(`label[for="${body.id}"]`);
      if (label) editor.view.dom.setAttribute("aria-label", fieldName(label));
      editor.view.dom.setAttribute("aria-describedby", body.id + "_count");
      editor.on("update", () => show(body, bodyLabel(editor.getHTML())));
    };
      if (editors.has(body)) follow(editors.get(body));
      document.addEventListener("writing:editor", function (event) {
        if (event.detail.textarea === body) follow(event.detail.editor);
      });
    }

    // --- Django's autocomplete fields -----------------------------------------------------------
    // While empty, select2's box holds an unnamed "textbox": it is named after its field's label
    // once select2 has drawn it (on load, after Django's autocomplete.js).
    window.addEventListener("load", function () {
      for (const box of form.querySelectorAll(".select2-selection__rendered[role='textbox']")) {
        const select = box.closest(".select2")?.previousElementSibling;
        const label = select && form.querySelector(`label[for="${select.id}"]`);
        if (label) box.setAttribute("aria-label", fieldName(label));
      }
    });

    // --- The address, with the slug as it is now -------------------------------------------------
    // The slug follows the headline by itself (Django's prepopulate.js, on key presses), so the
    // address is read again after any typing in the form.
    const slug = form.querySelector("[data-address]");
    if (slug) {
      const address = document.getElementById(slug.dataset.address);
      const url = address && address.querySelector(".article-address__url");
      const refresh = function () {
        url.textContent = url.dataset.prefix + slug.value + url.dataset.suffix;
      };
      if (url) {
        for (const type of ["input", "keyup", "change"]) form.addEventListener(type, refresh);
      }
    }
  }
})();
