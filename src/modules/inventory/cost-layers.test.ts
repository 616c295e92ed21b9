import { describe, expect, it } from 'vitest';
import { addLayer, averageUnitCost, consumeLayers, stockValue, type CostLayer } from './cost-layers.ts';

const layer = (quantity: number, totalCost: number, arrivedAt: string, id?: number): CostLayer => ({
  id,
  quantity,
  totalCost,
  arrivedAt,
});

describe('FIFO cost layers', () => {
  const layers = [layer(2, 2_000, '2026-11-02', 2), layer(3, 4_500, '2026-11-01', 1)];

  it('consumes the oldest arrival first', () => {
    const r = consumeLayers(layers, 4, 0);
    expect(r.consumed).toEqual([
      { layerIndex: 1, quantity: 3, cost: 4_500 },
      { layerIndex: 0, quantity: 1, cost: 1_000 },
    ]);
    expect(r.cost).toBe(5_500);
    expect(r.layers).toEqual([layer(1, 1_000, '2026-11-02', 2), layer(0, 0, '2026-11-01', 1)]);
    expect(r.uncovered).toBe(0);
  });

  it('never loses a yen when a layer does not divide evenly', () => {
    let ls = [layer(3, 1_000, '2026-11-01')];
    let total = 0;
    for (let i = 0; i < 3; i++) {
      const r = consumeLayers(ls, 1, 0);
      total += r.cost;
      ls = r.layers;
    }
    expect(total).toBe(1_000);
    expect(stockValue(ls)).toBe(0);
  });

  it('prices units beyond the layers at the fallback cost', () => {
    const r = consumeLayers([layer(1, 800, '2026-11-01')], 3, 500);
    expect(r).toMatchObject({ cost: 800 + 2 * 500, uncovered: 2 });
  });

  it('keeps value on hand + value consumed equal to value received', () => {
    let seed = 3;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (const method of ['fifo', 'average'] as const) {
      let ls: CostLayer[] = [];
      let received = 0;
      let consumedCost = 0;
      let onHand = 0;
      for (let step = 0; step < 400; step++) {
        if (rand(2) === 0 || onHand === 0) {
          const q = 1 + rand(10);
          const cost = q * (100 + rand(5000)) + rand(7);
          ls = addLayer(
            ls,
            layer(q, cost, `2026-11-${String(1 + (step % 28)).padStart(2, '0')}T${step}`),
            method,
          );
          received += cost;
          onHand += q;
        } else {
          const q = 1 + rand(onHand);
          const r = consumeLayers(ls, q, 0);
          expect(r.uncovered).toBe(0);
          ls = r.layers;
          consumedCost += r.cost;
          onHand -= q;
        }
        expect(stockValue(ls) + consumedCost).toBe(received);
        expect(ls.reduce((s, l) => s + l.quantity, 0)).toBe(onHand);
      }
    }
  });
});

describe('average cost', () => {
  it('merges arrivals into one layer at the running average', () => {
    let ls = addLayer([], layer(2, 1_000, '2026-11-01'), 'average');
    ls = addLayer(ls, layer(2, 2_000, '2026-11-02'), 'average');
    expect(ls).toEqual([layer(4, 3_000, '2026-11-02')]);
    expect(averageUnitCost(ls)).toBe(750);
    expect(consumeLayers(ls, 1, 0).cost).toBe(750);
  });

  it('keeps the stored layer id when merging', () => {
    const ls = addLayer([layer(1, 100, '2026-11-01', 9)], layer(1, 300, '2026-11-02'), 'average');
    expect(ls).toEqual([{ id: 9, quantity: 2, totalCost: 400, arrivedAt: '2026-11-02' }]);
  });

  it('refuses negative or fractional quantities and costs', () => {
    expect(() => consumeLayers([], -1, 0)).toThrow(RangeError);
    expect(() => addLayer([], layer(1.5, 100, 'x'), 'fifo')).toThrow(RangeError);
    expect(() => addLayer([], layer(1, -1, 'x'), 'fifo')).toThrow(RangeError);
    expect(averageUnitCost([])).toBeNull();
  });
});
