import { type FSWatcher, watch } from "node:fs";
import { relative } from "node:path";
import type { Logger } from "pino";
import type { Extensions } from "./extensions.js";
import { loadProjectConfig, type ProjectConfig } from "./project-config.js";

/**
 * `weft dev`: reloads the project's config and activity modules when a file under the
 * project changes. Each reload imports fresh copies (tsx loads every import into a new
 * namespace), and the worker picks the new functions up on its next claim. A reload that
 * fails keeps the previous activities and says why.
 *
 * Code-first orchestrators reload too: new instances run the new code. A running
 * instance replays its history against it, so a change to what it yields fails that
 * instance with a non-determinism error — as it would after a deploy.
 */
export function watchProject(
  project: ProjectConfig,
  extensions: Extensions,
  logger: Logger,
  onReload?: (message: string) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const reload = () => {
    running = running.then(async () => {
      try {
        const next = await loadProjectConfig(project.file);
        extensions.reload(next);
        const message = `Reloaded ${relative(process.cwd(), project.file) || project.file}: ${next.activities.length} activities, ${next.orchestrators.size} orchestrators.`;
        logger.info({ activities: next.activities.map((a) => a.definition.name) }, "project reloaded");
        onReload?.(message);
      } catch (error) {
        const message = `Reload failed, keeping the previous activities: ${(error as Error).message}`;
        logger.error({ err: (error as Error).message }, "project reload failed");
        onReload?.(message);
      }
    });
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(project.dir, { recursive: true }, (_event, file) => {
      const name = typeof file === "string" ? file : "";
      if (!/\.(c|m)?(t|j)s$/.test(name) || /(^|[\\/])(node_modules|\.weft|\.git|dist)([\\/]|$)/.test(name)) return;
      clearTimeout(timer);
      timer = setTimeout(reload, 100);
    });
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "cannot watch the project; weft dev will not reload");
    return () => {};
  }
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
