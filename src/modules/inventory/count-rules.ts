/**
 * Stock count (棚卸) arithmetic. Several staff count shelves at once on separate sheets; a product
 * may sit on more than one shelf, so its counted quantity is the sum over sheets. The adjustment
 * applied is counted − expected, where "expected" is the stock at the moment the count is applied
 * minus what moved since the count started — so a sale during the count does not become a loss.
 * Pure.
 */
export interface SheetLine {
  productId: number;
  quantity: number;
}

export interface CountScope {
  /** 'counted': only products on some sheet are adjusted. 'full': products in scope that nobody counted are set to 0. */
  mode: 'counted' | 'full';
  /** Products in scope with their current stock. */
  stock: Map<number, number>;
  /** Net stock movement per product since the count started (sales −, arrivals +). */
  movedSince: Map<number, number>;
}

export interface CountDifference {
  productId: number;
  expected: number;
  counted: number;
  /** counted − expected: the adjustment to apply. */
  difference: number;
}

export function sumSheets(sheets: SheetLine[][]): Map<number, number> {
  const counted = new Map<number, number>();
  for (const sheet of sheets) {
    for (const line of sheet) {
      if (!Number.isInteger(line.quantity) || line.quantity < 0) {
        throw new RangeError(`product ${line.productId}: a counted quantity must be a whole number ≥ 0`);
      }
      counted.set(line.productId, (counted.get(line.productId) ?? 0) + line.quantity);
    }
  }
  return counted;
}

export function countDifferences(sheets: SheetLine[][], scope: CountScope): CountDifference[] {
  const counted = sumSheets(sheets);
  const products = new Set<number>(counted.keys());
  if (scope.mode === 'full') for (const id of scope.stock.keys()) products.add(id);
  return [...products]
    .sort((a, b) => a - b)
    .map((productId) => {
      // What the shelf held when the count started: today's stock less what moved since.
      const expected = (scope.stock.get(productId) ?? 0) - (scope.movedSince.get(productId) ?? 0);
      const c = counted.get(productId) ?? 0;
      return { productId, expected, counted: c, difference: c - expected };
    });
}
