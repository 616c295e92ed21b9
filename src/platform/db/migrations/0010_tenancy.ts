import type { Kysely } from 'kysely';
import { toDbTime } from '../../../kernel/time.ts';
import { createTable, timestampType, withId } from '../ddl.ts';

// Tenancy: corporation → stores → registers; staff accounts, permission groups, audit log.
// Foreign keys are table-level constraints: MySQL 8 ignores inline column REFERENCES.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, createTable(db, 'corporation'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('invoice_number', 'varchar(14)')
    .addColumn('antique_license_number', 'varchar(40)')
    .addColumn('antique_license_commission', 'varchar(100)')
    .addColumn('tax_mode', 'varchar(10)', (c) => c.notNull())
    .addColumn('rounding_rule', 'varchar(10)', (c) => c.notNull())
    .addColumn('rounding_unit', 'integer', (c) => c.notNull())
    .addColumn('staff_code_required', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await withId(db, createTable(db, 'store'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('code', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('address', 'varchar(300)', (c) => c.notNull())
    .addColumn('phone', 'varchar(30)', (c) => c.notNull())
    .addColumn('receipt_header', 'text', (c) => c.notNull())
    .addColumn('receipt_footer', 'text', (c) => c.notNull())
    .addColumn('staff_code_timeout_minutes', 'integer', (c) => c.notNull())
    .addColumn('staff_code_entry', 'varchar(20)', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('store_corporation_code_uq', ['corporation_id', 'code'])
    .addForeignKeyConstraint('store_corporation_id_fk', ['corporation_id'], 'corporation', ['id'])
    .execute();

  await withId(db, createTable(db, 'register'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('primary_of_store_id', 'bigint', (c) => c.unique())
    .addColumn('archived_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addForeignKeyConstraint('register_corporation_id_fk', ['corporation_id'], 'corporation', ['id'])
    .addForeignKeyConstraint('register_store_id_fk', ['store_id'], 'store', ['id'])
    .execute();
  await db.schema.createIndex('register_store_idx').on('register').columns(['store_id']).execute();

  await withId(db, createTable(db, 'permission_group'))
    .addColumn('corporation_id', 'bigint')
    .addColumn('builtin', 'varchar(10)', (c) => c.unique())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('policies', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addForeignKeyConstraint('permission_group_corporation_id_fk', ['corporation_id'], 'corporation', ['id'])
    .execute();
  await db.schema
    .createIndex('permission_group_corporation_idx')
    .on('permission_group')
    .columns(['corporation_id'])
    .execute();

  await withId(db, createTable(db, 'staff_account'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(200)', (c) => c.notNull())
    .addColumn('display_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('employee_code', 'varchar(20)')
    .addColumn('barcode_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('group_id', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('staff_account_code_uq', ['corporation_id', 'employee_code'])
    .addForeignKeyConstraint('staff_account_corporation_id_fk', ['corporation_id'], 'corporation', ['id'])
    .addForeignKeyConstraint('staff_account_group_id_fk', ['group_id'], 'permission_group', ['id'])
    .execute();

  await createTable(db, 'staff_store')
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_store_pk', ['account_id', 'store_id'])
    .addForeignKeyConstraint('staff_store_account_id_fk', ['account_id'], 'staff_account', ['id'])
    .addForeignKeyConstraint('staff_store_store_id_fk', ['store_id'], 'store', ['id'])
    .execute();
  await db.schema.createIndex('staff_store_store_idx').on('staff_store').columns(['store_id']).execute();

  await withId(db, createTable(db, 'audit_log'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint')
    .addColumn('account_id', 'bigint')
    .addColumn('acting_staff_id', 'bigint')
    .addColumn('action', 'varchar(60)', (c) => c.notNull())
    .addColumn('target_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('target_id', 'varchar(40)')
    .addColumn('summary', 'varchar(500)', (c) => c.notNull())
    .addColumn('occurred_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_corporation_idx')
    .on('audit_log')
    .columns(['corporation_id', 'id'])
    .execute();

  // The two built-in groups; their policies are computed from code so new policies reach owners.
  const now = toDbTime(new Date());
  for (const [builtin, name] of [
    ['owner', 'Owner'],
    ['clerk', 'Clerk'],
  ]) {
    await db
      .insertInto('permission_group')
      .values({ corporation_id: null, builtin, name, policies: '[]', created_at: now, updated_at: now })
      .execute();
  }
}
