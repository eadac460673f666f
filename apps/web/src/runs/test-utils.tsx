import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createWeftClient } from "@weft/client";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { WeftClientProvider } from "../api/WeftClientContext";

export interface FetchCall {
  method: string;
  url: string;
  body: unknown;
}

/** A client on a fake fetch: `answer` gets each call and returns [status, body]. */
export function fakeClient(answer: (call: FetchCall) => [number, unknown]) {
  const calls: FetchCall[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = {
      method: init?.method ?? "GET",
      url: String(input),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const [status, body] = answer(call);
    const problem = status >= 400;
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": problem ? "application/problem+json" : "application/json" },
    });
  }) as typeof globalThis.fetch;
  return { client: createWeftClient({ fetch }), calls };
}

export function problem(status: number, title: string, detail: string): [number, unknown] {
  return [status, { type: "about:blank", title, status, detail }];
}

function Where() {
  return <div data-testid="location">{useLocation().pathname}</div>;
}

/** Providers for a component test: query client, API client and a router at `path`. */
export function Providers({
  client,
  children,
  path = "/",
}: {
  client: ReturnType<typeof createWeftClient>;
  children: ReactNode;
  path?: string;
}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return (
    <QueryClientProvider client={queryClient}>
      <WeftClientProvider client={client}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route
              path="*"
              element={
                <>
                  {children}
                  <Where />
                </>
              }
            />
          </Routes>
        </MemoryRouter>
      </WeftClientProvider>
    </QueryClientProvider>
  );
}
