// `npm start`: build what is missing (turbo's cache makes this seconds when nothing
// changed), then run `weft start` as an ordinary child process, pass signals on,
// and exit with its status.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1" };
const turbo = fileURLToPath(new URL("../node_modules/.bin/turbo", import.meta.url));

// The server and the web app it serves; turbo skips whatever is already built.
const build = spawnSync(turbo, ["run", "build", "--filter=@weft/server...", "--filter=@weft/web...", "--output-logs=errors-only"], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (build.status !== 0) {
  console.error("weft: the build failed; see the errors above.");
  process.exit(build.status ?? 1);
}

const web = fileURLToPath(new URL("../apps/web/dist", import.meta.url));
const cli = fileURLToPath(new URL("../apps/server/dist/cli.js", import.meta.url));
const args = [cli, "start", ...process.argv.slice(2)];
const server = spawn(process.execPath, args, {
  cwd: root,
  env: { ...process.env, ...(existsSync(web) && !process.env.WEFT_WEB_DIR ? { WEFT_WEB_DIR: web } : {}) },
  stdio: "inherit",
});
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
