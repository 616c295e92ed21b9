import type { Yen } from '../../kernel/money.ts';

/**
 * Cost of stock (仕入れ値), kept as layers: each arrival adds a layer of (quantity, total cost);
 * stock leaving consumes layers oldest first (FIFO, the default), or the store keeps one layer at
 * the running average cost. Layers hold the TOTAL cost, not a unit cost, so splitting a layer never
 * loses a yen: the last unit of a layer takes whatever cost is left. Pure.
 */
export type CostMethod = 'fifo' | 'average';

export interface CostLayer {
  /** Set once stored; new layers have none. */
  id?: number;
  quantity: number;
  totalCost: Yen;
  /** UTC time of arrival: FIFO order (ties by id). */
  arrivedAt: string;
}

export interface Consumption {
  /** Index into the input layers. */
  layerIndex: number;
  quantity: number;
  cost: Yen;
}

export interface ConsumeResult {
  consumed: Consumption[];
  layers: CostLayer[];
  /** Total cost of the units taken (including any shortfall priced at the fallback). */
  cost: Yen;
  /** Units that no layer covered (stock received before cost tracking, or counted in). */
  uncovered: number;
}

function assertQuantity(q: number) {
  if (!Number.isInteger(q) || q < 0) throw new RangeError(`quantity must be a whole number ≥ 0 (got ${q})`);
}

function byArrival(a: CostLayer, b: CostLayer): number {
  return a.arrivedAt < b.arrivedAt
    ? -1
    : a.arrivedAt > b.arrivedAt
      ? 1
      : (a.id ?? Infinity) - (b.id ?? Infinity);
}

/** Cost of `quantity` units out of a layer: proportional, floored; the last unit takes the rest. */
function costOfPart(layer: CostLayer, quantity: number): Yen {
  if (quantity === layer.quantity) return layer.totalCost;
  return Math.floor((layer.totalCost * quantity) / layer.quantity);
}

/**
 * Takes `quantity` units out of the layers (oldest first; with average cost there is one layer).
 * Units beyond what the layers hold are costed at `fallbackUnitCost` (the product's buy price).
 */
export function consumeLayers(layers: CostLayer[], quantity: number, fallbackUnitCost: Yen): ConsumeResult {
  assertQuantity(quantity);
  const order = layers.map((l, i) => ({ l, i })).sort((a, b) => byArrival(a.l, b.l));
  const next = layers.map((l) => ({ ...l }));
  const consumed: Consumption[] = [];
  let left = quantity;
  let cost = 0;
  for (const { l, i } of order) {
    if (left === 0) break;
    if (l.quantity === 0) continue;
    const take = Math.min(left, l.quantity);
    const part = costOfPart(l, take);
    consumed.push({ layerIndex: i, quantity: take, cost: part });
    next[i] = { ...l, quantity: l.quantity - take, totalCost: l.totalCost - part };
    cost += part;
    left -= take;
  }
  return { consumed, layers: next, cost: cost + left * fallbackUnitCost, uncovered: left };
}

/** Adds an arrival. FIFO: a new layer. Average: merged into the single layer (total cost kept exact). */
export function addLayer(layers: CostLayer[], arrival: CostLayer, method: CostMethod): CostLayer[] {
  assertQuantity(arrival.quantity);
  if (!Number.isSafeInteger(arrival.totalCost) || arrival.totalCost < 0)
    throw new RangeError('cost must be whole yen ≥ 0');
  if (method === 'fifo') return [...layers, arrival];
  const live = layers.filter((l) => l.quantity > 0);
  const merged = live.reduce(
    (acc, l) => ({ quantity: acc.quantity + l.quantity, totalCost: acc.totalCost + l.totalCost }),
    { quantity: arrival.quantity, totalCost: arrival.totalCost },
  );
  const keep = live[0]?.id !== undefined ? { id: live[0].id } : {};
  return [{ ...keep, ...merged, arrivedAt: arrival.arrivedAt }];
}

/** Value of what is on hand at cost. */
export function stockValue(layers: CostLayer[]): Yen {
  return layers.reduce((s, l) => s + l.totalCost, 0);
}

/** Average unit cost on hand, for display (floored); null when nothing is on hand. */
export function averageUnitCost(layers: CostLayer[]): Yen | null {
  const q = layers.reduce((s, l) => s + l.quantity, 0);
  return q === 0 ? null : Math.floor(stockValue(layers) / q);
}
