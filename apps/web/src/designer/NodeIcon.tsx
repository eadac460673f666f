/** Small SVG icons per node type (drawn, not font glyphs: every machine renders them the same). */
const ICONS: Record<string, { d: string; fill?: boolean; circle?: boolean }> = {
  start: { d: "M5 3l8 5-8 5z", fill: true },
  activity: { d: "M9.5 1L3 9h4.5L6.5 15 13 7H8.5z", fill: true },
  parallel: { d: "M2 8h4M6 8l3.5-4H14M6 8l3.5 4H14" },
  join: { d: "M2 4h4.5L10 8h4M2 12h4.5L10 8" },
  choice: { d: "M8 2l6 6-6 6-6-6z" },
  map: { d: "M2 2h5v5H2zM9 2h5v5H9zM2 9h5v5H2zM9 9h5v5H9z" },
  subWorkflow: { d: "M2 6h8v8H2zM6 2h8v8h-4" },
  end: { d: "M4 4h8v8H4z", fill: true },
  fail: { d: "M4 4l8 8M12 4l-8 8" },
  waitForEvent: { d: "M2 4h12v8H2zM2 4l6 5 6-5" },
  delay: { d: "M8 4.5V8l2.5 2", circle: true },
  transform: { d: "M6 2C4 2 4 3.5 4 5.5S2.5 8 2.5 8 4 8.5 4 10.5 4 14 6 14M10 2c2 0 2 1.5 2 3.5S13.5 8 13.5 8 12 8.5 12 10.5 12 14 10 14" },
  setStatus: { d: "M3.5 14.5V2h9l-2 3 2 3h-9" },
};

export function NodeIcon({ type, size = 16 }: { type: string; size?: number }) {
  const icon = ICONS[type] ?? ICONS.activity!;
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {icon.circle ? <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.6" /> : null}
      <path
        d={icon.d}
        fill={icon.fill ? "currentColor" : "none"}
        stroke="currentColor"
        strokeWidth={icon.fill ? 0.5 : 1.6}
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
