import { kindOf } from "./registry";

/** A node type's drawn icon, in the current text colour. */
export function NodeIcon({ type, size = 16 }: { type: string; size?: number }) {
  const icon = kindOf(type).icon;
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
