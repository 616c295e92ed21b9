/** A command's result, and whether it was a replay of an earlier request with the same Idempotency-Key. */
export interface Outcome<T> {
  value: T;
  replayed: boolean;
}
