/*
 * What the article editor's own extensions share: their dialogs, their requests to the admin's
 * JSON endpoints, and the card each figure shows in the editor.
 *
 * Imported by photos.js, embeds.js, pullquote.js and table.js (registered in the settings'
 * DJANGO_PROSE_EDITOR_EXTENSIONS). Every word a journalist reads goes through gettext: the
 * admin's JavaScript catalogue holds their translations (locale/fr/LC_MESSAGES/djangojs.po).
 */
import { crel, gettext } from "django-prose-editor/editor";

// The cards' and dialogs' styles, next to this module (the admin allows same-origin styles).
const stylesheet = new URL("./editor.css", import.meta.url).href;
if (!document.querySelector(`link[href="${stylesheet}"]`)) {
  document.head.append(crel("link", { rel: "stylesheet", href: stylesheet }));
}

export { crel, gettext };

export function ngettext(singular, plural, count) {
  if (window.ngettext) return window.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

/** Django's `%(name)s` placeholders, filled from `values`. */
export function interpolate(format, values) {
  return format.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name]));
}

let counter = 0;
export const uniqueId = (name) => `newsroom-editor-${++counter}-${name}`;

// --- Requests to the admin -----------------------------------------------------------------

/** The article form's CSRF token (the cookie is HttpOnly). */
function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
}

/**
 * Ask the admin; resolves to {ok, status, data}, data being the decoded JSON answer (or null).
 * Never rejects: a network failure is {ok: false, status: 0}.
 */
async function request(url, options) {
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      ...options,
      headers: { Accept: "application/json", ...options.headers },
    });
    const data = await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, data };
  } catch {
    return { ok: false, status: 0, data: null };
  }
}

export function getJSON(url, parameters = {}) {
  const address = new URL(url, window.location.href);
  for (const [name, value] of Object.entries(parameters)) {
    address.searchParams.set(name, value);
  }
  return request(address, { method: "GET" });
}

export function postForm(url, formData) {
  return request(url, {
    method: "POST",
    body: formData,
    headers: { "X-CSRFToken": csrfToken() },
  });
}

/** What to tell the journalist when the server did not answer as hoped. */
export function failure(answer) {
  if (answer.status === 403) {
    return gettext("You are not allowed to do this. Ask an editor.");
  }
  if (answer.status === 0) {
    return gettext("The server cannot be reached. Check your connection and try again.");
  }
  return gettext("Something went wrong on the server. Try again in a moment.");
}

// --- Form fields ---------------------------------------------------------------------------

/**
 * A labelled field: {field, input, error}. The help and `error`, where the server's message
 * for this field goes (see showFieldErrors), describe the input: they are read with it.
 */
export function field({ label, help = "", tag = "input", ...properties }) {
  const id = uniqueId(properties.name || "field");
  const input = crel(tag, { id, ...properties });
  const parts = [crel("label", { htmlFor: id, textContent: label }), input];
  const describedBy = [];
  if (help) {
    parts.push(crel("p", { id: `${id}-help`, className: "newsroom-help", textContent: help }));
    describedBy.push(`${id}-help`);
  }
  const error = crel("p", { id: `${id}-error`, className: "newsroom-field-error", hidden: true });
  parts.push(error);
  describedBy.push(error.id);
  input.setAttribute("aria-describedby", describedBy.join(" "));
  return { field: crel("div", { className: "prose-editor-dialog-field" }, parts), input, error };
}

/** Radio buttons in a fieldset: {fieldset, value()}. */
export function radios({ legend, name, choices, value }) {
  const options = choices.map(([choice, label]) => {
    const id = uniqueId(name);
    return crel("div", { className: "newsroom-radio" }, [
      crel("input", { type: "radio", id, name, value: choice, checked: choice === value }),
      crel("label", { htmlFor: id, textContent: label }),
    ]);
  });
  const fieldset = crel("fieldset", { className: "newsroom-fieldset" }, [
    crel("legend", { textContent: legend }),
    ...options,
  ]);
  return { fieldset, value: () => fieldset.querySelector("input:checked")?.value };
}

/**
 * Show the server's {name: [messages]} under the matching fields ({name: field()}), and clear
 * the others; returns the first input that has a message, or null.
 */
export function showFieldErrors(fields, errors) {
  let first = null;
  for (const [name, { input, error }] of Object.entries(fields)) {
    const messages = errors[name] || [];
    error.textContent = messages.join(" ");
    error.hidden = !messages.length;
    if (messages.length) {
      input.setAttribute("aria-invalid", "true");
      first ||= input;
    } else {
      input.removeAttribute("aria-invalid");
    }
  }
  return first;
}

// --- Dialogs -------------------------------------------------------------------------------

/**
 * Open a modal <dialog> holding a form; resolves to what `submit` returned, or null when the
 * journalist cancels (the button, or Escape). The focus then goes back to the editor.
 *
 * `build(context)` fills `context.body`; `submit(context)` runs when the form is valid and
 * returns the result, or undefined to keep the dialog open (after `context.problem(message)`).
 * The dialog is not inside the article's form, so that its fields are never posted with it.
 */
export function openDialog(editor, { title, submitText, build, submit }) {
  return new Promise((resolve) => {
    const titleId = uniqueId("title");
    const problem = crel("p", { className: "newsroom-problem", role: "alert" });
    const body = crel("div", { className: "newsroom-dialog-body" });
    const submitButton = crel("button", {
      type: "submit",
      className: "newsroom-primary",
      textContent: submitText,
    });
    const cancelButton = crel("button", { type: "button", textContent: gettext("Cancel") });
    const form = crel("form", { className: "newsroom-dialog-form" }, [
      crel("h2", { id: titleId, className: "prose-editor-dialog-title", textContent: title }),
      problem,
      body,
      crel("div", { className: "prose-editor-dialog-buttons" }, [submitButton, cancelButton]),
    ]);
    const dialog = crel(
      "dialog",
      { className: "prose-editor-dialog newsroom-dialog", "aria-labelledby": titleId },
      [form],
    );
    document.body.append(dialog);

    const context = {
      dialog,
      body,
      problem(message) {
        problem.textContent = message || "";
      },
    };

    let finished = false;
    const finish = (result) => {
      if (finished) return;
      finished = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(result);
    };

    cancelButton.addEventListener("click", () => finish(null));
    dialog.addEventListener("close", () => finish(null));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      context.problem("");
      submitButton.disabled = true;
      try {
        const result = await submit(context);
        if (result !== undefined) finish(result);
      } finally {
        submitButton.disabled = false;
      }
    });

    build(context);
    dialog.showModal();
  }).then((result) => {
    editor.commands.focus();
    return result;
  });
}

// --- Figures in the editor -----------------------------------------------------------------

/** The node selected in the editor if it is a `typeName`: {node, pos}, or null. */
export function selectedNode(editor, typeName) {
  const { node, from } = editor.state.selection;
  return node?.type.name === typeName ? { node, pos: from } : null;
}

/** Move the cursor to the start of the block at `pos`, adding an empty paragraph there when
 * that block is not one (a figure, a table, or the end of the text). */
function writeAt({ tr, state, commands }, pos) {
  if (!tr.doc.resolve(pos).nodeAfter?.isTextblock) {
    tr.insert(pos, state.schema.nodes.paragraph.create());
  }
  return commands.setTextSelection(pos + 1);
}

/**
 * A command for chains that insert something: when a figure (or any node) is selected, the
 * insertion goes after it, instead of replacing it.
 */
export function leaveSelectedNode(props) {
  const { node, to } = props.tr.selection;
  return node ? writeAt(props, to) : true;
}

/**
 * Insert a `typeName` figure with `attrs` where the cursor is, or, given the `pos` of one being
 * changed, give it `attrs`.
 */
export function putFigure(editor, typeName, attrs, pos = null) {
  if (pos === null) {
    editor
      .chain()
      .focus()
      .command(leaveSelectedNode)
      .insertContent({ type: typeName, attrs })
      // The new figure is selected: the journalist writes on after it, not over it.
      .command(leaveSelectedNode)
      .run();
    return;
  }
  editor
    .chain()
    .focus()
    .command(({ tr }) => {
      const node = tr.doc.nodeAt(pos);
      if (node?.type.name !== typeName) return false;
      tr.setNodeMarkup(pos, undefined, { ...node.attrs, ...attrs });
      return true;
    })
    .setNodeSelection(pos)
    .run();
}

/**
 * A figure's view in the editor: a card showing what readers will get (never loading anything
 * from elsewhere), changed through its dialog, opened by a double click, or by Enter when the
 * figure is selected (see editOnEnter). `render(card, node)` fills the card; `edit(pos)` opens
 * the dialog.
 */
export function figureView({ className, render, edit }) {
  return ({ node, getPos }) => {
    const dom = crel("figure", { className: `newsroom-figure ${className}` });
    dom.contentEditable = "false";
    const card = crel("div", { className: "newsroom-figure-card" });
    const hint = crel("p", {
      className: "newsroom-figure-hint",
      textContent: gettext("Double-click, or select it and press Enter, to change it."),
    });
    dom.append(card, hint);
    const show = () => {
      card.replaceChildren();
      render(card, node);
    };
    show();
    dom.addEventListener("dblclick", (event) => {
      event.preventDefault();
      edit(getPos());
    });
    return {
      dom,
      update(updated) {
        if (updated.type !== node.type) return false;
        if (!updated.sameMarkup(node)) {
          node = updated;
          show();
        }
        return true;
      },
      ignoreMutation: () => true,
    };
  };
}

/** Enter on a selected `typeName` figure opens its dialog. */
export function editOnEnter(editor, typeName, edit) {
  const selected = selectedNode(editor, typeName);
  if (!selected) return false;
  edit(selected.pos);
  return true;
}

/** A figure's `data-…` attribute as a node attribute, written only when it has a value. */
export const dataAttribute = (name, attribute) => ({
  default: null,
  parseHTML: (element) => element.getAttribute(attribute) || null,
  renderHTML: (attributes) => (attributes[name] ? { [attribute]: attributes[name] } : {}),
});

/** The line that names a figure's kind on its card. */
export function badge(text) {
  return crel("p", { className: "newsroom-figure-kind", textContent: text });
}
