// The names of django-prose-editor's own toolbar buttons, in the admin's language.
//
// The library labels its dialogs through gettext() (its catalogue is in the admin's, see
// newsroom/admin_site.py), but writes the tooltips and screen-reader names of its toolbar
// buttons, and the choices of its block-type menu, in English in its code ("bold", "ordered
// list", "Heading 2"). Once an editor is ready, this script names them again through the
// newsroom's catalogue (locale/*/LC_MESSAGES/djangojs.po); the menu copies the selected
// block's button as the selection moves, and those copies are named too.
"use strict";
(function () {
  function names() {
    return {
      bold: gettext("Bold"),
      italic: gettext("Italic"),
      strike: gettext("Strikethrough"),
      underline: gettext("Underline"),
      "unordered list": gettext("Bulleted list"),
      "ordered list": gettext("Numbered list"),
      blockquote: gettext("Quotation block"),
      "horizontal rule": gettext("Horizontal line"),
      paragraph: gettext("Paragraph"),
      Paragraph: gettext("Paragraph"),
      "insert link": gettext("Insert a link"),
      "remove link": gettext("Remove the link"),
      undo: gettext("Undo"),
      redo: gettext("Redo"),
    };
  }

  function heading(text) {
    const level = /^heading (\d)$/i.exec(text);
    return level ? interpolate(gettext("Heading %(level)s"), { level: level[1] }, true) : null;
  }

  function rename(root, known) {
    for (const button of root.querySelectorAll(".prose-menubar [title], .prose-menubar [aria-label]")) {
      for (const attribute of ["title", "aria-label"]) {
        const text = button.getAttribute(attribute);
        const name = text && (known[text] || heading(text));
        if (name) button.setAttribute(attribute, name);
      }
    }
    // The block-type menu's choices: a paragraph or heading element holding its name.
    for (const choice of root.querySelectorAll(".prose-menubar__option > *")) {
      const text = choice.textContent;
      const name = known[text] || heading(text);
      if (name) choice.textContent = name;
    }
  }

  // The editor is ready before its toolbar is built (Tiptap builds it once created), and the
  // toolbar copies buttons as the selection moves: whatever appears in the editor is named.
  document.addEventListener("prose-editor:ready", function (event) {
    const container = event.detail.editor.view.dom.closest(".prose-editor");
    if (!container) return;
    const known = names();
    rename(container, known);
    new MutationObserver(() => rename(container, known)).observe(container, {
      childList: true,
      subtree: true,
    });
  });
})();
