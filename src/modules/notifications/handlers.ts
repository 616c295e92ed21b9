import { createHash } from 'node:crypto';
import { toDbTime } from '../../kernel/time.ts';
import { onEvent } from '../../platform/bus/handler.ts';
import { PermanentDeliveryError, postInAppNotice, sendEmail, sendSlack } from './channels.ts';
import { notificationRequested } from './events.ts';
import { render, UnknownTemplateError } from './templates.ts';
import './tables.ts';

const HOUR = 3_600_000;

/**
 * Delivers one notification. Idempotent: only a `pending` row is delivered, and the status change
 * commits with the runtime's inbox record. A transient failure (SMTP down, Slack 5xx) throws and
 * the runtime retries with backoff, then dead-letters; a permanent one (no template, no webhook,
 * bad recipient) is recorded as `failed` at once. Logs carry the id and kind, never the recipient.
 */
export const deliver = onEvent('notifications.deliver', notificationRequested, async (tx, event, ctx) => {
  const id = event.data.notificationId;
  const n = await tx.selectFrom('notification').selectAll().where('id', '=', id).executeTakeFirst();
  if (!n || n.status !== 'pending') return;
  const finish = (status: 'sent' | 'failed' | 'rate_limited', error: string | null = null) =>
    tx
      .updateTable('notification')
      .set({ status, last_error: error, sent_at: status === 'sent' ? toDbTime(new Date()) : null })
      .where('id', '=', id)
      .execute();

  const recipientKey = createHash('sha256').update(`${n.channel}:${n.recipient}`).digest('hex').slice(0, 32);
  const sentThisHour = await ctx.cache.incr(`notify-rate:${recipientKey}`, HOUR);
  if (sentThisHour > ctx.config.NOTIFY_RATE_LIMIT_PER_HOUR) {
    ctx.log.warn(
      { notificationId: id, kind: n.kind, channel: n.channel },
      'recipient over its hourly limit; not sent',
    );
    await finish('rate_limited');
    return;
  }
  try {
    const msg = render(n.kind, n.locale, JSON.parse(n.params) as Record<string, unknown>);
    if (n.channel === 'email') await sendEmail(tx, ctx.config, n, msg);
    else if (n.channel === 'slack') await sendSlack(ctx.config, msg);
    else await postInAppNotice(tx, n, msg);
  } catch (err) {
    if (!(err instanceof PermanentDeliveryError || err instanceof UnknownTemplateError)) throw err;
    ctx.log.warn(
      { notificationId: id, kind: n.kind, channel: n.channel, error: err.message },
      'notification cannot be delivered',
    );
    await finish('failed', err.message);
    return;
  }
  await finish('sent');
  ctx.log.info({ notificationId: id, kind: n.kind, channel: n.channel }, 'notification sent');
});

export const handlers = { deliver };
