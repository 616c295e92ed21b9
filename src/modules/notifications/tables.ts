import type { Id } from '../../platform/db/database.ts';

export type Channel = 'email' | 'slack' | 'in_app';
export type Locale = 'ja' | 'en';
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'rate_limited';

export interface NotificationTable {
  id: Id;
  corporation_id: number | null;
  store_id: number | null;
  kind: string;
  locale: Locale;
  channel: Channel;
  /** E-mail address, Slack webhook name (`default`) or staff account id: personal data, kept here only. */
  recipient: string;
  /** JSON object of template parameters. */
  params: string;
  status: NotificationStatus;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface CapturedMailTable {
  id: Id;
  notification_id: number;
  corporation_id: number | null;
  to_address: string;
  subject: string;
  body: string;
  created_at: string;
}

export interface StaffNoticeTable {
  id: Id;
  corporation_id: number;
  staff_id: number;
  notification_id: number;
  title: string;
  body: string;
  created_at: string;
  read_at: string | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    notification: NotificationTable;
    captured_mail: CapturedMailTable;
    staff_notice: StaffNoticeTable;
  }
}
