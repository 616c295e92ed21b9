/**
 * Every permission the server enforces, one dotted name each. Routes declare one of these in
 * `config.access`; permission groups hold a set of them. Pure data: the platform HTTP layer, the
 * tenancy module and every module's routes share this one list, so a typo fails the type check.
 */
export const policyNames = [
  // administration
  'staff.manage',
  'corporation.update',
  'store.update',
  'mode.admin',
  'mode.sales',
  'audit.view',
  // selling
  'sales.sell',
  'customers.view_at_register',
  'sales.manual_discount',
  'sales.manual_price',
  'sales.refund',
  // registers and cash: open / middle check / close, and cash in / out (入出金)
  'registers.open_close',
  'cash.move',
  // buying
  'buyins.reception',
  'buyins.assessment',
  'buyins.settlement',
  'buyins.manual_price',
  // catalogue and stock
  'items.view',
  'items.edit',
  'stock.view',
  'stock.edit',
  'stock.adjust',
  'stock.stocking',
  // back office
  'cash.view_history',
  'transactions.view',
  'customers.view',
  'customers.manage',
  'reports.view',
  'ec.manage',
  'tasks.manage',
  // event backbone operations (DLQ, outbox lag, redrive)
  'operations.view',
  'operations.manage',
] as const;

export type PolicyName = (typeof policyNames)[number];

const known = new Set<string>(policyNames);
export const isPolicyName = (name: string): name is PolicyName => known.has(name);

/** The two groups every corporation has. Owner gets every policy, including ones added later. */
export const builtinGroups = {
  owner: policyNames,
  clerk: [
    'mode.sales',
    'sales.sell',
    'registers.open_close',
    'cash.move',
    'customers.view_at_register',
    // members are registered and looked up at the register
    'customers.view',
    'customers.manage',
    'buyins.reception',
    'items.view',
    'stock.view',
    'transactions.view',
  ],
} as const satisfies Record<string, readonly PolicyName[]>;

export type BuiltinGroup = keyof typeof builtinGroups;
