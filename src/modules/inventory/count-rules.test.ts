import { describe, expect, it } from 'vitest';
import { countDifferences, sumSheets } from './count-rules.ts';

const scope = (mode: 'counted' | 'full', stock: [number, number][], moved: [number, number][] = []) => ({
  mode,
  stock: new Map(stock),
  movedSince: new Map(moved),
});

describe('stock count', () => {
  it('adds up a product counted on several shelves by several staff', () => {
    expect(
      sumSheets([
        [{ productId: 1, quantity: 2 }],
        [
          { productId: 1, quantity: 3 },
          { productId: 2, quantity: 0 },
        ],
      ]),
    ).toEqual(
      new Map([
        [1, 5],
        [2, 0],
      ]),
    );
  });

  it('adjusts exactly the differences of counted products', () => {
    const d = countDifferences(
      [
        [
          { productId: 1, quantity: 4 },
          { productId: 2, quantity: 7 },
        ],
      ],
      scope('counted', [
        [1, 5],
        [2, 7],
        [3, 9],
      ]),
    );
    expect(d).toEqual([
      { productId: 1, expected: 5, counted: 4, difference: -1 },
      { productId: 2, expected: 7, counted: 7, difference: 0 },
    ]);
  });

  it('sets uncounted products to zero in a full count', () => {
    const d = countDifferences(
      [[{ productId: 1, quantity: 5 }]],
      scope('full', [
        [1, 5],
        [3, 9],
      ]),
    );
    expect(d).toEqual([
      { productId: 1, expected: 5, counted: 5, difference: 0 },
      { productId: 3, expected: 9, counted: 0, difference: -9 },
    ]);
  });

  it('does not turn a sale made during the count into a loss', () => {
    // Shelf had 5 when counting started; 5 were counted; 2 sold since, so stock now is 3.
    const d = countDifferences([[{ productId: 1, quantity: 5 }]], scope('counted', [[1, 3]], [[1, -2]]));
    expect(d).toEqual([{ productId: 1, expected: 5, counted: 5, difference: 0 }]);
  });

  it('refuses negative or fractional counts', () => {
    expect(() => sumSheets([[{ productId: 1, quantity: -1 }]])).toThrow(RangeError);
    expect(() => sumSheets([[{ productId: 1, quantity: 0.5 }]])).toThrow(RangeError);
  });
});
