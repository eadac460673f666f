import { useMutation, useQueryClient } from "@tanstack/react-query";
import { isApiError } from "@weft/client";
import { useId, useState } from "react";
import { queryKeys } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";

export interface ApprovalButtonsProps {
  instanceId: string;
  /** The event the wait listens for; the decision is raised as it. */
  event: string;
  choices: readonly string[];
  title?: string;
  /** Smaller, for the drawing. */
  compact?: boolean;
  onDecided?: (decision: string) => void;
}

/** The first choice reads as the positive one, the last (of several) as the negative. */
function toneOf(choices: readonly string[], index: number): string {
  if (index === 0) return "btn btn-primary";
  if (index === choices.length - 1 && /reject|deny|decline|no\b/i.test(choices[index] ?? "")) return "btn btn-danger";
  return "btn";
}

/**
 * One button per choice of an approval, labelled with the choice; sends `{decision, comment?}`
 * as the awaited event (`POST /api/instances/:id/events/:event`) and shows the server's refusal.
 */
export function ApprovalButtons({ instanceId, event, choices, title, compact, onDecided }: ApprovalButtonsProps) {
  const client = useWeftClient();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const [sent, setSent] = useState<string | undefined>();
  const commentId = useId();
  const decide = useMutation({
    mutationFn: async (decision: string) => {
      const trimmed = comment.trim();
      await client.instances.raiseEvent(instanceId, event, trimmed ? { decision, comment: trimmed } : { decision });
      return decision;
    },
    meta: { silent: true },
    onSuccess: (decision) => {
      setSent(decision);
      onDecided?.(decision);
      void queryClient.invalidateQueries({ queryKey: queryKeys.approvals });
    },
  });
  const error = decide.error;
  return (
    <div
      className={compact ? "approval-buttons compact" : "approval-buttons"}
      role="group"
      aria-label={title ? `${title} for ${instanceId}` : `Approval for ${instanceId}`}
    >
      <label className="sr-only" htmlFor={commentId}>
        Comment (optional)
      </label>
      <input
        id={commentId}
        className="approval-comment"
        placeholder="Comment (optional)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        disabled={decide.isPending || sent !== undefined}
      />
      <div className="approval-choices">
        {choices.map((choice, i) => (
          <button
            key={choice}
            type="button"
            className={`${toneOf(choices, i)}${compact ? " btn-sm" : ""}`}
            disabled={decide.isPending || sent !== undefined}
            onClick={() => decide.mutate(choice)}
          >
            {choice}
          </button>
        ))}
      </div>
      {sent ? (
        <span className="approval-sent" role="status">
          Sent “{sent}”
        </span>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {isApiError(error) ? `${error.title}${error.detail ? `: ${error.detail}` : ""}` : error.message}
        </p>
      ) : null}
    </div>
  );
}
