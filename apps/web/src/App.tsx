import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { WeftClient } from "@weft/client";
import { lazy, Suspense, useState } from "react";
import { createBrowserRouter, RouterProvider } from "react-router";
import { WeftClientProvider } from "./api/WeftClientContext";
import { ApprovalsPage } from "./approvals/ApprovalsPage";
import { OutboxPage } from "./outbox/OutboxPage";
import { InstancePage } from "./runs/InstancePage";
import { RunsPage } from "./runs/RunsPage";
import { Layout } from "./ui/Layout";
import { NotFound } from "./ui/NotFound";
import { ThemeProvider } from "./ui/theme";
import { ToastProvider, useToast } from "./ui/toast";
import { TooltipProvider } from "./ui/Tooltip";
import { WorkflowsHome } from "./workflows/WorkflowsHome";

const DesignerPage = lazy(() => import("./designer/DesignerPage").then((m) => ({ default: m.DesignerPage })));

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "/", element: <WorkflowsHome /> },
      {
        path: "/workflows/:workflowId",
        element: (
          <Suspense fallback={<p className="page">Loading the designer…</p>}>
            <DesignerPage />
          </Suspense>
        ),
      },
      { path: "/runs", element: <RunsPage /> },
      { path: "/runs/:instanceId", element: <InstancePage /> },
      { path: "/approvals", element: <ApprovalsPage /> },
      { path: "/outbox", element: <OutboxPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

/** Query errors that nobody handles inline become a toast (an ApiError shows its problem+json). */
function QueryLayer({ children }: { children: React.ReactNode }) {
  const toast = useToast();
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({
          onError: (error, query) => {
            if (query.meta?.silent) return;
            toast.error(error, "Could not load");
          },
        }),
        mutationCache: new MutationCache({
          onError: (error, _vars, _ctx, mutation) => {
            if (mutation.meta?.silent) return;
            toast.error(error);
          },
        }),
        defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
      }),
  );
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

export function App({ client }: { client?: WeftClient }) {
  return (
    <ThemeProvider>
      <ToastProvider>
        <TooltipProvider delayDuration={300}>
          <WeftClientProvider {...(client ? { client } : {})}>
            <QueryLayer>
              <RouterProvider router={router} />
            </QueryLayer>
          </WeftClientProvider>
        </TooltipProvider>
      </ToastProvider>
    </ThemeProvider>
  );
}
