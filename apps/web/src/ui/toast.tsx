import * as Toast from "@radix-ui/react-toast";
import { isApiError } from "@weft/client";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

export interface ToastMessage {
  id: number;
  title: string;
  description?: string;
  details?: string[];
  tone: "info" | "success" | "error";
}

interface ToastApi {
  show(message: Omit<ToastMessage, "id">): void;
  /** Shows an error; an ApiError shows its title, detail and the problems it lists. */
  error(error: unknown, context?: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);

let nextId = 1;

/** Describes any error for a person: ApiError's problem+json fields, or the message. */
export function describeError(error: unknown, context?: string): Omit<ToastMessage, "id"> {
  if (isApiError(error)) {
    return {
      tone: "error",
      title: context ? `${context}: ${error.title}` : error.title,
      description: error.detail,
      details: error.problems.slice(0, 5).map((p) => p.message),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { tone: "error", title: context ?? "Something went wrong", description: message };
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  const show = useCallback((message: Omit<ToastMessage, "id">) => {
    setToasts((list) => [...list.slice(-3), { ...message, id: nextId++ }]);
  }, []);
  const api = useMemo<ToastApi>(() => ({ show, error: (error, context) => show(describeError(error, context)) }), [show]);
  return (
    <ToastContext.Provider value={api}>
      <Toast.Provider swipeDirection="right" duration={6000}>
        {children}
        {toasts.map((toast) => (
          <Toast.Root
            key={toast.id}
            className={`toast toast-${toast.tone}`}
            type={toast.tone === "error" ? "foreground" : "background"}
            onOpenChange={(open) => {
              if (!open) setToasts((list) => list.filter((t) => t.id !== toast.id));
            }}
          >
            <Toast.Title className="toast-title">{toast.title}</Toast.Title>
            {toast.description ? <Toast.Description className="toast-description">{toast.description}</Toast.Description> : null}
            {toast.details && toast.details.length > 0 ? (
              <ul className="toast-details">
                {toast.details.map((d, i) => (
                  <li key={i}>{d}</li>
                ))}
              </ul>
            ) : null}
            <Toast.Close className="toast-close" aria-label="Dismiss notification">
              ×
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="toast-viewport" label="Notifications ({hotkey})" />
      </Toast.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside <ToastProvider>.");
  return api;
}
