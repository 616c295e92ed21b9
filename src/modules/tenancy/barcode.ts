import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Staff barcodes: `S.<corporationId>.<employeeCode>.<version>.<signature>`, where the signature is
 * an HMAC of the rest under the deployment's secret. Knowing someone's employee code is not enough
 * to print a badge that scans, and bumping the account's `barcode_version` revokes a lost one.
 * Pure: the secret is passed in.
 */
export interface StaffBarcode {
  corporationId: number;
  employeeCode: string;
  version: number;
}

const FORMAT = /^S\.(\d{1,15})\.([A-Za-z0-9_-]{1,20})\.(\d{1,9})\.([A-Za-z0-9_-]{16})$/;

function signature(secret: string, b: StaffBarcode): string {
  return createHmac('sha256', secret)
    .update(`staff-barcode:${b.corporationId}.${b.employeeCode}.${b.version}`)
    .digest('base64url')
    .slice(0, 16);
}

export function signStaffBarcode(secret: string, b: StaffBarcode): string {
  return `S.${b.corporationId}.${b.employeeCode}.${b.version}.${signature(secret, b)}`;
}

/** The barcode's contents if its signature is valid, else null. */
export function verifyStaffBarcode(secret: string, text: string): StaffBarcode | null {
  const m = FORMAT.exec(text.trim());
  if (!m) return null;
  const b = { corporationId: Number(m[1]), employeeCode: m[2]!, version: Number(m[3]) };
  const expected = Buffer.from(signature(secret, b));
  const given = Buffer.from(m[4]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? b : null;
}
