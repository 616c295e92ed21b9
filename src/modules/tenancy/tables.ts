import type { Generated } from 'kysely';
import type { Id } from '../../platform/db/database.ts';

/** Booleans are 0/1 integers on both dialects (SQLite has no boolean type). */
type Flag = number;

export interface CorporationTable {
  id: Id;
  name: string;
  /** 適格請求書発行事業者登録番号: "T" + 13 digits, or null until registered. */
  invoice_number: string | null;
  /** 古物商許可番号 and the 公安委員会 that issued it: required to buy second-hand goods. */
  antique_license_number: string | null;
  antique_license_commission: string | null;
  tax_mode: 'include' | 'exclude';
  rounding_rule: 'round' | 'floor' | 'ceil';
  rounding_unit: number;
  /** Sales mode needs a clerk's staff code on top of the terminal login (enabled_staff_account). */
  staff_code_required: Flag;
  created_at: string;
  updated_at: string;
}

export interface StoreTable {
  id: Id;
  corporation_id: number;
  code: string;
  name: string;
  time_zone: string;
  address: string;
  phone: string;
  receipt_header: string;
  receipt_footer: string;
  /** Minutes after which the acting clerk must scan again (lock screen). */
  staff_code_timeout_minutes: number;
  /** Whether a clerk may type the employee code or must scan the signed barcode. */
  staff_code_entry: 'barcode_or_typed' | 'barcode_only';
  /** Further per-store settings as a JSON object (validated by the store settings schema). */
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface RegisterTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  name: string;
  /** = store_id on the store's one primary register, else null: UNIQUE makes "one primary" a DB fact. */
  primary_of_store_id: number | null;
  archived_at: string | null;
  created_at: string;
}

export interface PermissionGroupTable {
  id: Id;
  /** null: a built-in group shared by every corporation (its policies come from code). */
  corporation_id: number | null;
  builtin: 'owner' | 'clerk' | null;
  name: string;
  /** JSON array of policy names. */
  policies: string;
  created_at: string;
  updated_at: string;
}

export interface StaffAccountTable {
  id: Id;
  corporation_id: number;
  /** Lower-cased; unique across the deployment (it is the sign-in name). */
  email: string;
  password_hash: string;
  display_name: string;
  /** 従業員番号: unique per corporation; null for accounts that never act as a clerk (shared terminals). */
  employee_code: string | null;
  /** Bumped to revoke printed barcodes (a lost badge). */
  barcode_version: Generated<number>;
  group_id: number;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StaffStoreTable {
  account_id: number;
  store_id: number;
}

export interface AuditLogTable {
  id: Id;
  corporation_id: number;
  store_id: number | null;
  account_id: number | null;
  acting_staff_id: number | null;
  action: string;
  target_type: string;
  target_id: string | null;
  summary: string;
  occurred_at: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    corporation: CorporationTable;
    store: StoreTable;
    register: RegisterTable;
    permission_group: PermissionGroupTable;
    staff_account: StaffAccountTable;
    staff_store: StaffStoreTable;
    audit_log: AuditLogTable;
  }
}
