import { instanceStatusColor } from "./status";

/** An instance status as a coloured chip (the text says it; the colour only helps). */
export function StatusChip({ status }: { status: string }) {
  return (
    <span className="status-chip" data-status={status} style={{ ["--chip" as string]: instanceStatusColor(status) }}>
      {status}
    </span>
  );
}
