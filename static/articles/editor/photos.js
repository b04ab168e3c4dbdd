/*
 * Photos from the library in an article's text: one photo, or a gallery of several.
 *
 *   <figure data-photo="42" data-width="text"></figure>
 *     data-width is "text" or "full"; data-alt, data-caption and data-credit replace the
 *     library's for this article only.
 *   <figure data-gallery="42,43,44"></figure>
 *     2 to 12 photos, in the journalist's order.
 *
 * Both are atoms: nothing inside is editable, a dialog changes them. The dialogs search the
 * library and add new photos to it through the photo admin's JSON endpoints (PhotoAdmin's
 * `chooseUrl` and `uploadUrl`, options given by articles/sanitize.py's EDITOR_EXTENSIONS).
 */
import { mergeAttributes, Node } from "django-prose-editor/editor";
import {
  badge,
  crel,
  dataAttribute,
  editOnEnter,
  failure,
  field,
  figureView,
  getJSON,
  gettext,
  interpolate,
  ngettext,
  openDialog,
  postForm,
  putFigure,
  radios,
  selectedNode,
  showFieldErrors,
  uniqueId,
} from "./dialogs.js";

// --- What the library says about its photos ------------------------------------------------

// id -> a promise of the photo's JSON: null when the library has no such photo, undefined when
// it could not be asked. Shared by the page's figures; those shown together make one request.
const known = new Map();
let waiting = null;

function remember(photo) {
  known.set(String(photo.id), Promise.resolve(photo));
}

function photoInfo(chooseUrl, id) {
  id = String(id);
  if (!known.has(id)) {
    if (!waiting) {
      waiting = new Map();
      setTimeout(() => askForWaiting(chooseUrl), 0);
    }
    known.set(id, new Promise((resolve) => waiting.set(id, resolve)));
  }
  return known.get(id);
}

async function askForWaiting(chooseUrl) {
  const batch = waiting;
  waiting = null;
  const answer = await getJSON(chooseUrl, { ids: [...batch.keys()].join(",") });
  const found = new Map((answer.data?.photos || []).map((photo) => [String(photo.id), photo]));
  for (const [id, resolve] of batch) {
    if (!answer.ok) known.delete(id); // the next card asks again
    resolve(answer.ok ? found.get(id) || null : undefined);
  }
}

const describe = (photo) =>
  [photo.caption, photo.credit].filter(Boolean).join(" — ") || photo.alt;

function thumbnail(photo, alt = "") {
  return crel("img", {
    src: photo.thumbnail,
    alt,
    width: 160,
    height: 100,
    className: "newsroom-thumbnail",
  });
}

/** What a card shows instead of a photo the library did not give. */
function missing(photo, id) {
  const message =
    photo === undefined
      ? gettext("Photo no. %(id)s: the library did not answer.")
      : gettext("Photo no. %(id)s is not in the library (any more).");
  return interpolate(message, { id });
}

// --- The library in a dialog: search, choose, upload ---------------------------------------

/**
 * The library's search and upload, shared by both dialogs. `choose(photo)` is called when the
 * journalist presses a photo, or has just uploaded one; `isChosen(photo)` says which photos
 * show as pressed; `problem(message)` is the dialog's.
 */
function photoPicker({ chooseUrl, uploadUrl, choose, isChosen, problem }) {
  const search = field({
    label: gettext("Search the library"),
    help: gettext("Words from the caption, credit, description or source."),
    type: "search",
    name: "q",
    autocomplete: "off",
  });
  const status = crel("p", { className: "newsroom-picker-status", role: "status" });
  const results = crel("ul", { className: "newsroom-picker-results" });
  let shown = [];
  let latest = 0;

  const refresh = () => {
    for (const button of results.querySelectorAll("button")) {
      const photo = shown.find((candidate) => String(candidate.id) === button.dataset.photo);
      button.setAttribute("aria-pressed", String(Boolean(photo && isChosen(photo))));
    }
  };

  const show = (photos) => {
    shown = photos;
    results.replaceChildren(
      ...photos.map((photo) => {
        const button = crel("button", { type: "button", className: "newsroom-photo-choice" }, [
          thumbnail(photo),
          crel("span", { className: "newsroom-photo-caption", textContent: photo.caption }),
          crel("span", { className: "newsroom-photo-credit", textContent: photo.credit }),
          crel("span", { className: "newsroom-photo-alt", textContent: photo.alt }),
        ]);
        button.dataset.photo = String(photo.id);
        button.addEventListener("click", () => {
          choose(photo);
          refresh();
        });
        return crel("li", {}, [button]);
      }),
    );
    refresh();
  };

  const run = async () => {
    const asked = ++latest;
    status.textContent = gettext("Searching…");
    const answer = await getJSON(chooseUrl, { q: search.input.value.trim() });
    if (asked !== latest) return; // a later search has answered, or will
    if (!answer.ok) {
      status.textContent = failure(answer);
      return;
    }
    const { photos } = answer.data;
    photos.forEach(remember);
    show(photos);
    status.textContent = photos.length
      ? interpolate(ngettext("%(count)s photo found.", "%(count)s photos found.", photos.length), {
          count: photos.length,
        })
      : gettext("No photo matches these words.");
  };

  let timer = null;
  search.input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 300);
  });
  search.input.addEventListener("keydown", (event) => {
    // Enter searches at once; it must not submit the dialog.
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      run();
    }
  });

  const library = crel("fieldset", { className: "newsroom-fieldset newsroom-picker" }, [
    crel("legend", { textContent: gettext("Photo library") }),
    search.field,
    status,
    results,
  ]);

  // Uploading is a form of its own (its fields name it in their `form` attribute): its required
  // fields do not hold up the dialog's form, and Enter in them uploads.
  const uploadForm = crel("form", { id: uniqueId("upload"), hidden: true });
  const fields = {
    image: field({
      label: gettext("Photo file"),
      help: gettext("JPEG, PNG or WebP. Its location and camera data are removed."),
      type: "file",
      name: "image",
      accept: "image/jpeg,image/png,image/webp",
      required: true,
    }),
    alt_text: field({
      label: gettext("Alternative text (required)"),
      help: gettext("Describes the photo for readers who cannot see it."),
      name: "alt_text",
      maxLength: 250,
      required: true,
    }),
    caption: field({ label: gettext("Caption"), name: "caption", maxLength: 300 }),
    credit: field({ label: gettext("Credit"), name: "credit", maxLength: 150 }),
    source: field({ label: gettext("Source or licence"), name: "source", maxLength: 200 }),
  };
  const uploadButton = crel("button", {
    type: "submit",
    textContent: gettext("Add to the library"),
  });
  for (const element of [...Object.values(fields).map(({ input }) => input), uploadButton]) {
    element.setAttribute("form", uploadForm.id);
  }
  const uploadStatus = crel("p", { className: "newsroom-picker-status", role: "status" });
  const upload = crel("details", { className: "newsroom-upload" }, [
    crel("summary", { textContent: gettext("Upload a new photo") }),
    ...Object.values(fields).map(({ field }) => field),
    uploadButton,
  ]);

  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem("");
    uploadButton.disabled = true;
    uploadStatus.textContent = gettext("Uploading…");
    const answer = await postForm(uploadUrl, new FormData(uploadForm));
    uploadButton.disabled = false;
    uploadStatus.textContent = "";
    if (answer.ok) {
      const photo = answer.data;
      remember(photo);
      showFieldErrors(fields, {});
      uploadForm.reset();
      show([photo, ...shown.filter((other) => other.id !== photo.id)]);
      choose(photo);
      refresh();
      upload.open = false;
      uploadStatus.textContent = gettext("The photo is in the library, and chosen.");
      results.querySelector("button")?.focus();
    } else if (answer.status === 400 && answer.data?.errors) {
      const first = showFieldErrors(fields, answer.data.errors);
      problem((answer.data.errors.__all__ || []).join(" "));
      (first || uploadButton).focus();
    } else {
      problem(failure(answer));
    }
  });

  run();
  return {
    elements: [library, upload, uploadStatus, uploadForm],
    focus: () => search.input.focus(),
    refresh,
  };
}

// --- One photo -----------------------------------------------------------------------------

function photoDialog(editor, options, pos = null) {
  const current = pos === null ? null : editor.state.doc.nodeAt(pos).attrs;
  let chosen = null;

  const width = radios({
    legend: gettext("Width"),
    name: "width",
    choices: [
      ["text", gettext("The text's width")],
      ["full", gettext("The page's full width")],
    ],
    value: current?.width || "text",
  });
  // Empty, the library's own; its text shows in the field, as a placeholder.
  const help = gettext("Leave empty to use the library's.");
  const overrides = {
    caption: field({ label: gettext("Caption"), help, name: "caption", maxLength: 300 }),
    credit: field({ label: gettext("Credit"), help, name: "credit", maxLength: 150 }),
    alt: field({ label: gettext("Alternative text"), help, name: "alt", maxLength: 250 }),
  };
  for (const [name, { input }] of Object.entries(overrides)) {
    input.value = current?.[name] || "";
  }
  const chosenLine = crel("p", { className: "newsroom-chosen", role: "status" });
  const summarise = () => {
    chosenLine.textContent = chosen
      ? interpolate(gettext("Chosen: %(photo)s"), { photo: describe(chosen) })
      : gettext("No photo chosen yet.");
    for (const [name, { input }] of Object.entries(overrides)) {
      input.placeholder = chosen?.[name] || "";
    }
  };

  let picker;
  if (current) {
    photoInfo(options.chooseUrl, current.photo).then((photo) => {
      chosen ||= photo || null;
      summarise();
      picker?.refresh();
    });
  }

  return openDialog(editor, {
    title: current ? gettext("Change the photo") : gettext("Insert a photo"),
    submitText: current ? gettext("Update") : gettext("Insert"),
    build({ body, problem }) {
      picker = photoPicker({
        ...options,
        problem,
        choose(photo) {
          chosen = photo;
          summarise();
        },
        isChosen: (photo) => String(photo.id) === String(chosen?.id),
      });
      summarise();
      body.append(
        ...picker.elements,
        chosenLine,
        width.fieldset,
        crel("fieldset", { className: "newsroom-fieldset" }, [
          crel("legend", { textContent: gettext("For this article only") }),
          ...Object.values(overrides).map(({ field }) => field),
        ]),
      );
      picker.focus();
    },
    submit({ problem }) {
      if (!chosen) {
        problem(gettext("Choose a photo from the library, or upload one."));
        picker.focus();
        return undefined;
      }
      const own = (name) => overrides[name].input.value.trim() || null;
      return {
        photo: String(chosen.id),
        width: width.value(),
        alt: own("alt"),
        caption: own("caption"),
        credit: own("credit"),
      };
    },
  }).then((attrs) => {
    if (attrs) putFigure(editor, "photo", attrs, pos);
  });
}

export const Photo = Node.create({
  name: "photo",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { chooseUrl: "", uploadUrl: "" };
  },

  addAttributes() {
    return {
      photo: dataAttribute("photo", "data-photo"),
      width: {
        default: "text",
        parseHTML: (element) => (element.getAttribute("data-width") === "full" ? "full" : "text"),
        renderHTML: (attributes) => ({ "data-width": attributes.width }),
      },
      alt: dataAttribute("alt", "data-alt"),
      caption: dataAttribute("caption", "data-caption"),
      credit: dataAttribute("credit", "data-credit"),
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-photo]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)];
  },

  addNodeView() {
    const { editor, options } = this;
    return figureView({
      className: "newsroom-figure-photo",
      edit: (pos) => photoDialog(editor, options, pos),
      render(card, node) {
        const { attrs } = node;
        const line = crel("p", {
          className: "newsroom-figure-text",
          textContent: interpolate(gettext("Photo no. %(id)s…"), { id: attrs.photo }),
        });
        card.append(
          badge(
            attrs.width === "full"
              ? gettext("Photo, the page's full width")
              : gettext("Photo, the text's width"),
          ),
          line,
        );
        photoInfo(options.chooseUrl, attrs.photo).then((photo) => {
          if (!photo) {
            line.textContent = missing(photo, attrs.photo);
            return;
          }
          // What readers will get: this article's words where it has its own.
          const shown = {
            ...photo,
            alt: attrs.alt || photo.alt,
            caption: attrs.caption || photo.caption,
            credit: attrs.credit || photo.credit,
          };
          line.textContent = describe(shown);
          line.before(thumbnail(photo, shown.alt));
        });
      },
    });
  },

  addKeyboardShortcuts() {
    return {
      Enter: ({ editor }) =>
        editOnEnter(editor, this.name, (pos) => photoDialog(editor, this.options, pos)),
    };
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "photo",
      groups: "insert",
      command: (editor) =>
        photoDialog(editor, this.options, selectedNode(editor, "photo")?.pos ?? null),
      button: buttons.text(gettext("Photo"), gettext("Insert a photo from the library")),
      active: (editor) => editor.isActive("photo"),
      enabled: (editor) => !editor.isActive("table"),
    });
  },
});

// --- A gallery -----------------------------------------------------------------------------

function galleryDialog(editor, options, pos = null) {
  const { minPhotos, maxPhotos } = options;
  const current = pos === null ? "" : editor.state.doc.nodeAt(pos).attrs.photos || "";
  let chosen = []; // the photos' JSON, in the gallery's order
  let picker;
  let problem = () => {};

  const list = crel("ol", { className: "newsroom-gallery-list" });
  const count = crel("p", { className: "newsroom-chosen", role: "status" });
  const limits = interpolate(gettext("From %(min)s to %(max)s photos."), {
    min: minPhotos,
    max: maxPhotos,
  });

  // Move the photo at `index` by `offset` (null: remove it); the focus stays on the button
  // pressed, or the nearest one left.
  const move = (index, offset, action) => {
    const [photo] = chosen.splice(index, 1);
    if (offset !== null) chosen.splice(index + offset, 0, photo);
    draw();
    picker?.refresh();
    const at = offset === null ? Math.min(index, chosen.length - 1) : index + offset;
    const row = list.children[at];
    const target =
      row?.querySelector(`[data-action=${action}]:not(:disabled)`) ||
      row?.querySelector("button:not(:disabled)");
    if (target) target.focus();
    else picker?.focus();
  };

  const draw = () => {
    const total = ngettext(
      "%(count)s photo in the gallery.",
      "%(count)s photos in the gallery.",
      chosen.length,
    );
    count.textContent = `${interpolate(total, { count: chosen.length })} ${limits}`;
    list.replaceChildren(
      ...chosen.map((photo, index) => {
        const name = describe(photo);
        const button = (action, label, offset, disabled) => {
          const element = crel("button", {
            type: "button",
            textContent: label,
            disabled,
            "aria-label": interpolate(gettext("%(action)s: %(photo)s"), {
              action: label,
              photo: name,
            }),
          });
          element.dataset.action = action;
          element.addEventListener("click", () => move(index, offset, action));
          return element;
        };
        return crel("li", {}, [
          thumbnail(photo),
          crel("span", { className: "newsroom-photo-caption", textContent: name }),
          crel("span", { className: "newsroom-gallery-actions" }, [
            button("up", gettext("Move up"), -1, index === 0),
            button("down", gettext("Move down"), 1, index === chosen.length - 1),
            button("remove", gettext("Remove"), null, false),
          ]),
        ]);
      }),
    );
  };

  if (current) {
    Promise.all(current.split(",").map((id) => photoInfo(options.chooseUrl, id))).then(
      (photos) => {
        chosen = photos.filter(Boolean);
        draw();
        picker?.refresh();
      },
    );
  }

  return openDialog(editor, {
    title: current ? gettext("Change the gallery") : gettext("Insert a gallery"),
    submitText: current ? gettext("Update") : gettext("Insert"),
    build({ body, problem: showProblem }) {
      problem = showProblem;
      picker = photoPicker({
        ...options,
        problem,
        choose(photo) {
          const index = chosen.findIndex((other) => String(other.id) === String(photo.id));
          if (index !== -1) {
            chosen.splice(index, 1);
          } else if (chosen.length >= maxPhotos) {
            problem(limits);
            return;
          } else {
            chosen.push(photo);
          }
          draw();
        },
        isChosen: (photo) => chosen.some((other) => String(other.id) === String(photo.id)),
      });
      draw();
      body.append(
        ...picker.elements,
        crel("fieldset", { className: "newsroom-fieldset" }, [
          crel("legend", { textContent: gettext("The gallery, in its order") }),
          count,
          list,
        ]),
      );
      picker.focus();
    },
    submit() {
      if (chosen.length < minPhotos || chosen.length > maxPhotos) {
        problem(limits);
        picker.focus();
        return undefined;
      }
      return { photos: chosen.map((photo) => photo.id).join(",") };
    },
  }).then((attrs) => {
    if (attrs) putFigure(editor, "gallery", attrs, pos);
  });
}

export const Gallery = Node.create({
  name: "gallery",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { chooseUrl: "", uploadUrl: "", minPhotos: 2, maxPhotos: 12 };
  },

  addAttributes() {
    return { photos: dataAttribute("photos", "data-gallery") };
  },

  parseHTML() {
    return [{ tag: "figure[data-gallery]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)];
  },

  addNodeView() {
    const { editor, options } = this;
    return figureView({
      className: "newsroom-figure-gallery",
      edit: (pos) => galleryDialog(editor, options, pos),
      render(card, node) {
        const ids = (node.attrs.photos || "").split(",").filter(Boolean);
        const title = ngettext(
          "Gallery of %(count)s photo",
          "Gallery of %(count)s photos",
          ids.length,
        );
        const strip = crel("div", { className: "newsroom-gallery-strip" });
        card.append(badge(interpolate(title, { count: ids.length })), strip);
        for (const id of ids) {
          const slot = crel("span", {
            className: "newsroom-figure-text",
            textContent: interpolate(gettext("Photo no. %(id)s…"), { id }),
          });
          strip.append(slot);
          photoInfo(options.chooseUrl, id).then((photo) => {
            if (photo) slot.replaceWith(thumbnail(photo, describe(photo)));
            else slot.textContent = missing(photo, id);
          });
        }
      },
    });
  },

  addKeyboardShortcuts() {
    return {
      Enter: ({ editor }) =>
        editOnEnter(editor, this.name, (pos) => galleryDialog(editor, this.options, pos)),
    };
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "gallery",
      groups: "insert",
      command: (editor) =>
        galleryDialog(editor, this.options, selectedNode(editor, "gallery")?.pos ?? null),
      button: buttons.text(gettext("Gallery"), gettext("Insert a gallery of photos")),
      active: (editor) => editor.isActive("gallery"),
      enabled: (editor) => !editor.isActive("table"),
    });
  },
});
