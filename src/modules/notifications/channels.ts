import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../platform/config/config.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Rendered } from './templates.ts';
import type { NotificationTable } from './tables.ts';
import type { Selectable } from 'kysely';

export type NotificationRow = Selectable<NotificationTable>;

/**
 * Where a rendered notification goes. `capture` and `in_app` write in the handler's transaction (so
 * they happen exactly once with the status change); SMTP, SES and Slack leave the process, so a
 * crash between sending and committing can send twice: at-least-once, as mail always is.
 */
export class PermanentDeliveryError extends Error {}

const smtpTransports = new Map<string, Transporter>();
let ses: SESv2Client | undefined;

export async function sendEmail(tx: Tx, config: Config, n: NotificationRow, msg: Rendered): Promise<void> {
  switch (config.MAIL_TRANSPORT) {
    case 'capture':
      await tx
        .insertInto('captured_mail')
        .values({
          notification_id: Number(n.id),
          corporation_id: n.corporation_id,
          to_address: n.recipient,
          subject: msg.subject,
          body: msg.body,
          created_at: toDbTime(new Date()),
        })
        .execute();
      return;
    case 'smtp': {
      if (!config.SMTP_URL) throw new PermanentDeliveryError('MAIL_TRANSPORT=smtp needs SMTP_URL');
      let t = smtpTransports.get(config.SMTP_URL);
      if (!t) {
        t = nodemailer.createTransport(config.SMTP_URL);
        smtpTransports.set(config.SMTP_URL, t);
      }
      await t.sendMail({ from: config.MAIL_FROM, to: n.recipient, subject: msg.subject, text: msg.body });
      return;
    }
    case 'ses': {
      ses ??= new SESv2Client({
        region: config.AWS_REGION,
        ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
      });
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: config.MAIL_FROM,
          Destination: { ToAddresses: [n.recipient] },
          Content: {
            Simple: {
              Subject: { Data: msg.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: msg.body, Charset: 'UTF-8' } },
            },
          },
        }),
      );
      return;
    }
  }
}

export async function sendSlack(config: Config, msg: Rendered): Promise<void> {
  if (!config.SLACK_WEBHOOK_URL)
    throw new PermanentDeliveryError('no Slack webhook is configured (SLACK_WEBHOOK_URL)');
  const res = await fetch(config.SLACK_WEBHOOK_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: `*${msg.subject}*\n${msg.body}` }),
    signal: AbortSignal.timeout(10_000),
  });
  // 4xx: the webhook is wrong or revoked, retrying will not help; 5xx/429: let the runtime retry.
  if (res.status >= 400 && res.status < 500 && res.status !== 429) {
    throw new PermanentDeliveryError(`Slack answered ${res.status}`);
  }
  if (!res.ok) throw new Error(`Slack answered ${res.status}`);
}

export async function postInAppNotice(tx: Tx, n: NotificationRow, msg: Rendered): Promise<void> {
  if (n.corporation_id === null) throw new PermanentDeliveryError('an in-app notice needs a corporation');
  await tx
    .insertInto('staff_notice')
    .values({
      corporation_id: n.corporation_id,
      staff_id: Number(n.recipient),
      notification_id: Number(n.id),
      title: msg.subject,
      body: msg.body,
      created_at: toDbTime(new Date()),
      read_at: null,
    })
    .execute();
}
