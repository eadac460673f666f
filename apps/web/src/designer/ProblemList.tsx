import type { Problem } from "@weft/definition";

/** The validator's problems on the selected node or edge, above its form. */
export function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (!problems.length) return null;
  return (
    <ul className="inspector-problems" aria-label="Problems here">
      {problems.map((p, i) => (
        <li key={i} className={p.severity === "error" ? "problem-error" : "problem-warning"}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}
