import type { PaymentMethod } from './receipt.ts';

/**
 * How a non-cash payment is taken: the extension point for a terminal integration. Today every
 * method is charged on an external terminal: the clerk keys the amount into the card or QR
 * terminal, it prints its own slip, and regi records the payment as made, with the slip's
 * approval number when the clerk types it. An integration implements this for its methods and
 * registers it with `usePaymentProvider`; `confirm` runs inside the sale's transaction, so a
 * provider that must wait on a device authorises before the sale is completed and confirms here.
 */
export interface PaymentProvider {
  readonly name: string;
  /** Confirms a charge (or throws, which rolls the whole sale back); returns the reference stored with the payment. */
  confirm(p: ProviderPayment): Promise<{ reference: string | null }>;
  /** Confirms a refund of a return. */
  refund(p: ProviderPayment): Promise<{ reference: string | null }>;
}

export interface ProviderPayment {
  storeId: number;
  saleId: number;
  method: Exclude<PaymentMethod, 'cash'>;
  /** Positive yen. */
  amount: number;
  /** What the clerk typed from the terminal's slip, if anything. */
  reference: string | null;
}

/** Charged on a stand-alone terminal; regi records what the clerk confirms. */
export const externalTerminal: PaymentProvider = {
  name: 'external_terminal',
  confirm: async (p) => ({ reference: p.reference }),
  refund: async (p) => ({ reference: p.reference }),
};

const providers = new Map<PaymentMethod, PaymentProvider>();

export function usePaymentProvider(method: Exclude<PaymentMethod, 'cash'>, provider: PaymentProvider | null) {
  if (provider) providers.set(method, provider);
  else providers.delete(method);
}

export function providerFor(method: Exclude<PaymentMethod, 'cash'>): PaymentProvider {
  return providers.get(method) ?? externalTerminal;
}
