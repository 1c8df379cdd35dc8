/** The PostgreSQL backend of the Store (SPEC 11): the only place that talks to a PostgreSQL server. */
import { PostgresConnection, type PostgresOptions } from "./connection";
import { migrate, readableSchema } from "./migrations";
import { PostgresStore } from "./store";

export { isPostgresUrl, type PostgresOptions } from "./connection";
export { PostgresStore } from "./store";

/**
 * Connects to the backend at `url` and brings its schema up to date; read-only, nothing is
 * created, and a backend without buddy's schema is a store without runs.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
  const connection = new PostgresConnection(url, options);
  try {
    const readonly = options.readonly === true;
    const present = await connection.attempt("opening", (sql) => (readonly ? readableSchema(sql, connection.location) : migrate(sql, connection.location).then(() => true)));
    return new PostgresStore(connection, { readonly, empty: !present });
  } catch (error) {
    await connection.close();
    throw error;
  }
}
