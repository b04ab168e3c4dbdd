/*
 * Simple tables: Tiptap's table (the editor's Table, with its TableRow, TableHeader and
 * TableCell), always with a header row, and without merged cells, which readers' screen readers
 * and narrow screens handle badly: no button merges or splits cells, pasted tables lose their
 * colspan and rowspan, and the server keeps neither (articles/sanitize.py). Photos, videos and
 * quotes are not inserted into a table's cells either (their buttons are off there).
 */
import { Plugin, Table } from "django-prose-editor/editor";
import { field, gettext, leaveSelectedNode, openDialog } from "./dialogs.js";

const LIMITS = { rows: [2, 50], cols: [1, 10] };

function tableDialog(editor) {
  const rows = field({
    label: gettext("Rows, the header row included"),
    type: "number",
    name: "rows",
    value: "3",
    min: LIMITS.rows[0],
    max: LIMITS.rows[1],
    required: true,
  });
  const cols = field({
    label: gettext("Columns"),
    type: "number",
    name: "cols",
    value: "3",
    min: LIMITS.cols[0],
    max: LIMITS.cols[1],
    required: true,
  });
  return openDialog(editor, {
    title: gettext("Insert a table"),
    submitText: gettext("Insert"),
    build({ body }) {
      body.append(rows.field, cols.field);
      rows.input.focus();
    },
    submit() {
      return { rows: Number(rows.input.value), cols: Number(cols.input.value) };
    },
  }).then((size) => {
    if (size) {
      editor
        .chain()
        .focus()
        .command(leaveSelectedNode)
        .insertTable({ ...size, withHeaderRow: true })
        .run();
    }
  });
}

/** Pasted HTML without merged cells: the table's own plugin then fills the missing cells in. */
function withoutMergedCells(html) {
  if (!/colspan|rowspan/i.test(html)) return html;
  const pasted = new DOMParser().parseFromString(html, "text/html");
  for (const cell of pasted.querySelectorAll("[colspan], [rowspan]")) {
    cell.removeAttribute("colspan");
    cell.removeAttribute("rowspan");
  }
  return pasted.body.innerHTML;
}

export const SimpleTable = Table.extend({
  addOptions() {
    return { ...this.parent?.(), resizable: false };
  },

  addProseMirrorPlugins() {
    return [
      ...(this.parent?.() || []),
      new Plugin({ props: { transformPastedHTML: withoutMergedCells } }),
    ];
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "table",
      groups: "insert",
      command: (editor) => tableDialog(editor),
      button: buttons.text(gettext("Table"), gettext("Insert a table")),
      enabled: (editor) => !editor.isActive("table"),
    });

    const inTable = (name, label, run, enabled = () => true) => {
      menu.defineItem({
        name: `table:${name}`,
        groups: "table",
        command: (editor) => run(editor.chain().focus()).run(),
        button: buttons.text(label),
        hidden: (editor) => !editor.isActive("table"),
        enabled,
      });
    };
    inTable("addRowAfter", gettext("Add a row"), (chain) => chain.addRowAfter());
    inTable(
      "deleteRow",
      gettext("Delete the row"),
      (chain) => chain.deleteRow(),
      // The header row stays: a table without one tells screen readers nothing.
      (editor) => !editor.isActive("tableHeader"),
    );
    inTable("addColumnAfter", gettext("Add a column"), (chain) => chain.addColumnAfter());
    inTable("deleteColumn", gettext("Delete the column"), (chain) => chain.deleteColumn());
    inTable("deleteTable", gettext("Delete the table"), (chain) => chain.deleteTable());
  },
});
