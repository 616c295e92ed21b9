/** Units offered online: what is on hand less what the shop keeps back for the counter, never below 0. */
export function ecStockOf(stock: number, reserve: number): number {
  return Math.max(0, stock - Math.max(0, reserve));
}
