import { ValidationError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { notificationRequested } from './events.ts';
import type { Channel, Locale } from './tables.ts';
import { templates } from './templates.ts';
import './tables.ts';

export interface NotificationRequest {
  corporationId: number | null;
  storeId?: number | null;
  kind: string;
  locale?: Locale;
  channel: Channel;
  /** E-mail address (`email`), `default` (`slack`) or a staff account id (`in_app`). */
  recipient: string;
  params?: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Asks for a notification, in the caller's transaction: the row and its event commit together, and
 * worker-notification delivers it. Returns the notification id.
 */
export async function requestNotification(tx: Tx, r: NotificationRequest): Promise<number> {
  const problems = [];
  if (!templates[r.kind]) problems.push({ field: 'kind', message: `no template for "${r.kind}"` });
  if (r.channel === 'email' && !EMAIL.test(r.recipient))
    problems.push({ field: 'recipient', message: 'must be an e-mail address' });
  if (r.channel === 'in_app' && !/^\d+$/.test(r.recipient))
    problems.push({ field: 'recipient', message: 'must be a staff account id' });
  if (problems.length) throw new ValidationError(problems, 'The notification is not valid.');
  const inserted = await tx
    .insertInto('notification')
    .values({
      corporation_id: r.corporationId,
      store_id: r.storeId ?? null,
      kind: r.kind,
      locale: r.locale ?? 'ja',
      channel: r.channel,
      recipient: r.recipient,
      params: JSON.stringify(r.params ?? {}),
      status: 'pending',
      last_error: null,
      created_at: toDbTime(new Date()),
      sent_at: null,
    })
    .executeTakeFirstOrThrow();
  const id = Number(inserted.insertId);
  await publish(
    tx,
    notificationRequested.build({
      corporationId: r.corporationId,
      storeId: r.storeId ?? null,
      key: `notification:${id}`,
      data: { notificationId: id },
    }),
  );
  return id;
}

/** Tells every active owner of a corporation: an in-app notice and an e-mail to their sign-in address. */
export async function notifyOwners(
  tx: Tx,
  corporationId: number,
  kind: string,
  params: Record<string, unknown>,
): Promise<number[]> {
  const owners = await tx
    .selectFrom('staff_account')
    .innerJoin('permission_group', 'permission_group.id', 'staff_account.group_id')
    .select(['staff_account.id', 'staff_account.email'])
    .where('staff_account.corporation_id', '=', corporationId)
    .where('permission_group.builtin', '=', 'owner')
    .where('staff_account.disabled_at', 'is', null)
    .execute();
  const ids: number[] = [];
  for (const owner of owners) {
    ids.push(
      await requestNotification(tx, {
        corporationId,
        kind,
        channel: 'in_app',
        recipient: String(owner.id),
        params,
      }),
    );
    if (EMAIL.test(owner.email)) {
      ids.push(
        await requestNotification(tx, {
          corporationId,
          kind,
          channel: 'email',
          recipient: owner.email,
          params,
        }),
      );
    }
  }
  return ids;
}
