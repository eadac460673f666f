import { Dialog } from "../ui/Dialog";

export const SHORTCUTS: readonly [string, string][] = [
  ["Ctrl+Z", "Undo"],
  ["Ctrl+Shift+Z or Ctrl+Y", "Redo"],
  ["Ctrl+C / Ctrl+V", "Copy / paste the selected nodes (with the edges between them)"],
  ["Delete or Backspace", "Delete the selection"],
  ["Shift+click, Shift+drag", "Select several nodes; Ctrl+click adds one"],
  ["Shift+L", "Auto-layout, left to right"],
  ["Shift+F", "Fit the drawing in view"],
  ["?", "This help"],
  ["Escape", "Close a dialog"],
];

export function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Keyboard shortcuts" description="On a Mac, Cmd works in place of Ctrl.">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
