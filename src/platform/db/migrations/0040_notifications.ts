import type { Kysely } from 'kysely';
import { createTable, longTextType, timestampType, withId } from '../ddl.ts';

// Notifications: each request is a row (recipient and parameters stay in the database, never in
// events or logs), plus the mail captured in embedded mode and the in-app notices of staff.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, createTable(db, 'notification'))
    .addColumn('corporation_id', 'bigint')
    .addColumn('store_id', 'bigint')
    .addColumn('kind', 'varchar(100)', (c) => c.notNull())
    .addColumn('locale', 'varchar(5)', (c) => c.notNull())
    .addColumn('channel', 'varchar(20)', (c) => c.notNull())
    .addColumn('recipient', 'varchar(320)', (c) => c.notNull())
    .addColumn('params', longTextType(db), (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addColumn('sent_at', timestampType(db))
    .execute();
  await db.schema
    .createIndex('notification_status')
    .on('notification')
    .columns(['status', 'created_at'])
    .execute();

  await withId(db, createTable(db, 'captured_mail'))
    .addColumn('notification_id', 'bigint', (c) => c.notNull())
    .addColumn('corporation_id', 'bigint')
    .addColumn('to_address', 'varchar(320)', (c) => c.notNull())
    .addColumn('subject', 'varchar(500)', (c) => c.notNull())
    .addColumn('body', longTextType(db), (c) => c.notNull())
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('captured_mail_corporation')
    .on('captured_mail')
    .columns(['corporation_id', 'id'])
    .execute();

  await withId(db, createTable(db, 'staff_notice'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('staff_id', 'bigint', (c) => c.notNull())
    .addColumn('notification_id', 'bigint', (c) => c.notNull())
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('body', longTextType(db), (c) => c.notNull())
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addColumn('read_at', timestampType(db))
    .execute();
  await db.schema
    .createIndex('staff_notice_unread')
    .on('staff_notice')
    .columns(['staff_id', 'read_at', 'id'])
    .execute();
  await db.schema
    .createIndex('staff_notice_notification')
    .on('staff_notice')
    .column('notification_id')
    .unique()
    .execute();
}
