import type { Id } from '../db/database.ts';

export interface OutboxTable {
  id: Id;
  event_id: string;
  type: string;
  topic: string;
  ordering_key: string;
  body: string;
  created_at: string;
  sent_at: string | null;
}

export interface OutboxKeyTable {
  ordering_key: string;
  seq: number;
}

export interface BusLeaseTable {
  name: string;
  holder: string | null;
  expires_at: string | null;
  acquired_at: string | null;
}

export interface BusMessageTable {
  id: Id;
  queue: string;
  event_id: string;
  group_key: string;
  type: string;
  body: string;
  receive_count: number;
  visible_at: string;
  receipt: string | null;
  source_queue: string | null;
  last_error: string | null;
  created_at: string;
}

export interface BusInboxTable {
  consumer: string;
  event_id: string;
  handled_at: string;
}

declare module '../db/database.ts' {
  interface Database {
    outbox: OutboxTable;
    outbox_key: OutboxKeyTable;
    bus_lease: BusLeaseTable;
    bus_message: BusMessageTable;
    bus_inbox: BusInboxTable;
  }
}
