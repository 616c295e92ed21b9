/** The part of a settlement row every view shows (list and document alike). */
export function settlementSummary<K extends string>(s: {
  id: number;
  register_id: number;
  kind: K;
  business_date: string;
  staff_id: number;
  expected: number;
  counted: number;
  difference: number;
  next_float: number | null;
  created_at: string;
}) {
  return {
    id: Number(s.id),
    registerId: Number(s.register_id),
    kind: s.kind,
    businessDate: s.business_date,
    staffId: Number(s.staff_id),
    expected: Number(s.expected),
    counted: Number(s.counted),
    difference: Number(s.difference),
    nextFloat: s.next_float == null ? null : Number(s.next_float),
    createdAt: s.created_at,
  };
}
