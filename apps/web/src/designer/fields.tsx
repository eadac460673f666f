import { createContext, useContext, useId, type ReactNode } from "react";

/** A labelled text field; `code` for expressions. Every field has an accessible name. */
/** The id of the `<datalist>` of paths an expression field of the inspected node can read (see NodeForm). */
export const ExpressionListContext = createContext<string | undefined>(undefined);

export function TextField(props: {
  label: string;
  value: string | undefined;
  onChange(value: string): void;
  hint?: ReactNode;
  placeholder?: string;
  code?: boolean;
  multiline?: boolean;
  readOnly?: boolean;
  invalid?: boolean;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const suggestions = useContext(ExpressionListContext);
  const common = {
    id,
    value: props.value ?? "",
    placeholder: props.placeholder,
    className: props.code ? "code" : undefined,
    readOnly: props.readOnly,
    spellCheck: props.code ? false : undefined,
    "aria-describedby": props.hint ? hintId : undefined,
    "aria-invalid": props.invalid || undefined,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={3} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input type="text" {...common} list={props.code ? suggestions : undefined} onChange={(e) => props.onChange(e.target.value)} />
      )}
      {props.hint ? (
        <span id={hintId} className="field-hint">
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

/** A number field: empty means "not set" (undefined). */
export function NumberField(props: {
  label: string;
  value: unknown;
  onChange(value: number | undefined): void;
  hint?: ReactNode;
  min?: number;
  step?: number;
  readOnly?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        min={props.min}
        step={props.step ?? 1}
        readOnly={props.readOnly}
        value={typeof props.value === "number" ? props.value : ""}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value === "" ? undefined : Number(e.target.value))}
      />
      {props.hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange(checked: boolean): void; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

export function SelectField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  options: readonly { value: string; label: string }[];
  hint?: ReactNode;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}
