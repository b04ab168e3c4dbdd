/*
 * A pull quote: a sentence lifted from the article, set apart for readers.
 *
 *   <figure data-pullquote="" data-quote="Le texte cité" data-source="Qui l'a dit"></figure>
 */
import { mergeAttributes, Node } from "django-prose-editor/editor";
import {
  badge,
  crel,
  dataAttribute,
  editOnEnter,
  field,
  figureView,
  gettext,
  interpolate,
  openDialog,
  putFigure,
  selectedNode,
} from "./dialogs.js";

function quoteDialog(editor, pos = null) {
  const current = pos === null ? null : editor.state.doc.nodeAt(pos).attrs;
  const quote = field({
    label: gettext("Quotation"),
    tag: "textarea",
    name: "quote",
    rows: 3,
    maxLength: 500,
    required: true,
    value: current?.quote || "",
  });
  const source = field({
    label: gettext("Who said it"),
    help: gettext("Optional."),
    name: "source",
    maxLength: 200,
    value: current?.source || "",
  });

  return openDialog(editor, {
    title: current ? gettext("Change the pull quote") : gettext("Insert a pull quote"),
    submitText: current ? gettext("Update") : gettext("Insert"),
    build({ body }) {
      body.append(quote.field, source.field);
      quote.input.focus();
    },
    submit({ problem }) {
      const text = quote.input.value.trim();
      if (!text) {
        problem(gettext("Write the quotation."));
        quote.input.focus();
        return undefined;
      }
      return { quote: text, source: source.input.value.trim() || null };
    },
  }).then((attrs) => {
    if (attrs) putFigure(editor, "pullQuote", attrs, pos);
  });
}

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      // The kind's marker, always written empty.
      marker: {
        default: "",
        parseHTML: () => "",
        renderHTML: () => ({ "data-pullquote": "" }),
      },
      quote: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-quote") || "",
        renderHTML: (attributes) => ({ "data-quote": attributes.quote }),
      },
      source: dataAttribute("source", "data-source"),
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-pullquote]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)];
  },

  addNodeView() {
    const { editor } = this;
    return figureView({
      className: "newsroom-figure-pullquote",
      edit: (pos) => quoteDialog(editor, pos),
      render(card, node) {
        card.append(
          badge(gettext("Pull quote")),
          crel("blockquote", {
            className: "newsroom-figure-text newsroom-quote",
            textContent: interpolate(gettext("“%(quote)s”"), { quote: node.attrs.quote }),
          }),
        );
        if (node.attrs.source) {
          card.append(
            crel("p", {
              className: "newsroom-figure-text",
              textContent: interpolate(gettext("— %(source)s"), { source: node.attrs.source }),
            }),
          );
        }
      },
    });
  },

  addKeyboardShortcuts() {
    return {
      Enter: ({ editor }) => editOnEnter(editor, this.name, (pos) => quoteDialog(editor, pos)),
    };
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "insert",
      command: (editor) => quoteDialog(editor, selectedNode(editor, "pullQuote")?.pos ?? null),
      button: buttons.text(gettext("Quote"), gettext("Insert a pull quote")),
      active: (editor) => editor.isActive("pullQuote"),
      enabled: (editor) => !editor.isActive("table"),
    });
  },
});
