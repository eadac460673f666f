import type * as Undici from "undici";

let loading: Promise<typeof Undici> | undefined;

/**
 * undici, loaded on the first request rather than on import. A project's config imports
 * `@weft/sdk`, which imports this package; tsx loads that graph into a namespace of its
 * own, and undici evaluated a second time there fails at once (its web classes check
 * brand symbols of the first copy: "Illegal constructor"). Only the server's own copy,
 * loaded when `http.request` first runs, ever evaluates it.
 */
export function loadUndici(): Promise<typeof Undici> {
  loading ??= import("undici");
  return loading;
}
