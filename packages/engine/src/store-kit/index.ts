/** What every store shares of the engine's semantics: how a turn changes an instance's status. The SQL row mapping is `@weft/store-sql-kit`. */
export { instanceChanged, statusAfterTurn } from "./turn-status.js";
