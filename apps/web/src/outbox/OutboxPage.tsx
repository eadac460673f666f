import { useQuery } from "@tanstack/react-query";
import type { OutboxMessage } from "@weft/client";
import { Link } from "react-router";
import { queryKeys, serviceQueries } from "../api/queries";
import { useWeftClient } from "../api/WeftClientContext";
import { useInvalidateOnInstanceEvents } from "../runs/useInstanceEvents";
import { EmptyState } from "../ui/EmptyState";
import { timeAgo } from "../ui/format";
import "../runs/runs.css";

const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

/** The messages `notify.send` and the order steps "sent" (newest first), live. */
export function OutboxPage() {
  const client = useWeftClient();
  useInvalidateOnInstanceEvents(queryKeys.outbox, 400);
  const outbox = useQuery(serviceQueries.outbox(client));
  const items: OutboxMessage[] = outbox.data ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Outbox</h1>
        <span className="muted">Messages the workflows sent (nothing leaves this machine)</span>
      </div>
      {outbox.isPending ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <EmptyState title="No messages yet">
          The order flow’s <em>Send confirmation</em> step and every <code>notify.send</code> write here. Approve an order in{" "}
          <Link to="/approvals">Approvals</Link> to see its email.
        </EmptyState>
      ) : (
        <ul className="outbox-list" aria-label="Messages">
          {items.map((m) => (
            <li key={m.id} className="outbox-item">
              <div className="outbox-head">
                <span className="pill">{text(m.channel) || "message"}</span>
                <strong className="outbox-subject">{text(m.subject) || "(no subject)"}</strong>
                <span className="muted">to {text(m.to) || "—"}</span>
                <span className="muted outbox-when" title={text(m.createdAt)}>
                  {typeof m.createdAt === "string" ? timeAgo(m.createdAt) : ""}
                </span>
              </div>
              {m.body !== undefined ? <pre className="outbox-body">{text(m.body)}</pre> : null}
              {m.instanceId ? (
                <div className="muted small">
                  from run{" "}
                  <Link className="mono" to={`/runs/${encodeURIComponent(m.instanceId)}`}>
                    {m.instanceId.slice(0, 8)}
                  </Link>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
