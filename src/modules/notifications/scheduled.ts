import { toDbTime } from '../../kernel/time.ts';
import { defineScheduledKind } from '../scheduling/kinds.ts';
import './tables.ts';

const KEEP_DAYS = 90;

/** Delivered notifications, captured mail and read notices are kept 90 days, then removed. */
export const cleanupNotifications = defineScheduledKind({
  kind: 'notifications.cleanup',
  cron: '40 3 * * *',
  timeZone: 'Asia/Tokyo',
  description: `delete notifications older than ${KEEP_DAYS} days`,
  async run(tx, { log }) {
    const before = toDbTime(new Date(Date.now() - KEEP_DAYS * 86_400_000));
    const mail = await tx.deleteFrom('captured_mail').where('created_at', '<', before).executeTakeFirst();
    const notices = await tx
      .deleteFrom('staff_notice')
      .where('created_at', '<', before)
      .where('read_at', 'is not', null)
      .executeTakeFirst();
    const rows = await tx
      .deleteFrom('notification')
      .where('created_at', '<', before)
      .where('status', '!=', 'pending')
      .executeTakeFirst();
    log.info(
      {
        mail: Number(mail.numDeletedRows),
        notices: Number(notices.numDeletedRows),
        notifications: Number(rows.numDeletedRows),
      },
      'old notifications deleted',
    );
  },
});
