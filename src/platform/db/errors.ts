/** True when a write failed on a UNIQUE or PRIMARY KEY constraint (both dialects). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { errno?: number; code?: string };
  return (
    e?.errno === 1062 || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
