/*
 * A video in an article's text, stored as the provider's name and the video's id:
 *
 *   <figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" data-embed-title="Le titre"></figure>
 *   (PeerTube adds data-embed-host="video.example.org", an instance the newsroom lists)
 *
 * The journalist pastes the video's address; the server says which video it is
 * (ArticleAdmin.embed_view, `checkUrl`), or why it cannot be embedded. The editor shows a card
 * with the provider and the title: nothing is ever loaded from the provider in the admin.
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
  openDialog,
  putFigure,
  selectedNode,
  showFieldErrors,
} from "./dialogs.js";

// Brand names, the same in every language.
const PROVIDERS = {
  youtube: "YouTube",
  vimeo: "Vimeo",
  dailymotion: "Dailymotion",
  peertube: "PeerTube",
};

// The video's own page, to show in the dialog when a video is changed.
const WATCH = {
  youtube: ({ videoId }) => `https://www.youtube.com/watch?v=${videoId}`,
  vimeo: ({ videoId }) => `https://vimeo.com/${videoId}`,
  dailymotion: ({ videoId }) => `https://www.dailymotion.com/video/${videoId}`,
  peertube: ({ videoId, host }) => `https://${host}/w/${videoId}`,
};

function providerName(attrs) {
  const name = PROVIDERS[attrs.provider] || attrs.provider;
  return attrs.provider === "peertube" && attrs.host ? `${name} (${attrs.host})` : name;
}

function embedDialog(editor, options, pos = null) {
  const current = pos === null ? null : editor.state.doc.nodeAt(pos).attrs;
  const address = field({
    label: gettext("Address of the video"),
    help: gettext(
      "The address of its page on YouTube, Vimeo, Dailymotion or the newsroom's PeerTube.",
    ),
    name: "url",
    inputMode: "url",
    autocomplete: "off",
    spellcheck: false,
    required: true,
    value: current ? WATCH[current.provider]?.(current) || "" : "",
  });
  const title = field({
    label: gettext("Title"),
    help: gettext("What the video is about, for readers who cannot watch it."),
    name: "title",
    maxLength: 200,
    required: true,
    value: current?.title || "",
  });

  return openDialog(editor, {
    title: current ? gettext("Change the video") : gettext("Insert a video"),
    submitText: current ? gettext("Update") : gettext("Insert"),
    build({ body }) {
      body.append(address.field, title.field);
      address.input.focus();
    },
    async submit({ problem }) {
      if (!title.input.value.trim()) {
        problem(gettext("Give the video a title."));
        title.input.focus();
        return undefined;
      }
      const answer = await getJSON(options.checkUrl, { url: address.input.value.trim() });
      // The server's reason goes under the address, which describes the field it is read with.
      const refusal = (answer.status === 400 && answer.data?.error) || "";
      showFieldErrors({ url: address }, refusal ? { url: [refusal] } : {});
      if (!answer.ok) {
        if (!refusal) problem(failure(answer));
        address.input.focus();
        return undefined;
      }
      const video = answer.data;
      return {
        provider: video.provider,
        videoId: video.id,
        host: video.host || null,
        title: title.input.value.trim(),
      };
    },
  }).then((attrs) => {
    if (attrs) putFigure(editor, "embed", attrs, pos);
  });
}

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { checkUrl: "" };
  },

  addAttributes() {
    return {
      provider: dataAttribute("provider", "data-embed"),
      videoId: dataAttribute("videoId", "data-embed-id"),
      host: dataAttribute("host", "data-embed-host"),
      title: dataAttribute("title", "data-embed-title"),
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)];
  },

  addNodeView() {
    const { editor, options } = this;
    return figureView({
      className: "newsroom-figure-embed",
      edit: (pos) => embedDialog(editor, options, pos),
      render(card, node) {
        card.append(
          badge(gettext("Video")),
          crel("p", {
            className: "newsroom-figure-text newsroom-embed-card",
            textContent: interpolate(gettext("%(provider)s — %(title)s"), {
              provider: providerName(node.attrs),
              title: node.attrs.title || gettext("(no title)"),
            }),
          }),
        );
      },
    });
  },

  addKeyboardShortcuts() {
    return {
      Enter: ({ editor }) =>
        editOnEnter(editor, this.name, (pos) => embedDialog(editor, this.options, pos)),
    };
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "insert",
      command: (editor) =>
        embedDialog(editor, this.options, selectedNode(editor, "embed")?.pos ?? null),
      button: buttons.text(gettext("Video"), gettext("Insert a video")),
      active: (editor) => editor.isActive("embed"),
      enabled: (editor) => !editor.isActive("table"),
    });
  },
});
