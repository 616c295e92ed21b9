import { uuidv7 } from '../../kernel/uuid.ts';
import { z } from 'zod';

/**
 * The event envelope (DESIGN.md §6) and the typed registry of event types. An event type is
 * `<family>.<name>`; the family is the SNS topic. Defining the same type twice, publishing a type
 * nobody defined, or data its schema rejects are programming errors and throw.
 */
export interface EventEnvelope<T = unknown> {
  /** UUIDv7: sortable, and the dedup id on every bus. */
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  corporationId: number | null;
  storeId: number | null;
  /** Ordering key: events with the same key are delivered in the order they were committed. */
  key: string;
  data: T;
}

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/),
  version: z.number().int().min(1),
  occurredAt: z.iso.datetime(),
  corporationId: z.number().int().nullable(),
  storeId: z.number().int().nullable(),
  key: z.string().min(1).max(200),
  data: z.unknown(),
});

export interface EventDefinition<T = unknown> {
  type: string;
  family: string;
  version: number;
  schema: z.ZodType<T>;
  /** Builds a validated envelope with a fresh id and the current time. */
  build(input: {
    corporationId: number | null;
    storeId: number | null;
    key: string;
    data: T;
  }): EventEnvelope<T>;
}

const registry = new Map<string, EventDefinition>();

export function familyOf(type: string): string {
  return type.slice(0, type.indexOf('.'));
}

export function defineEvent<S extends z.ZodType>(
  type: string,
  version: number,
  schema: S,
): EventDefinition<z.output<S>> {
  if (registry.has(type)) throw new Error(`event type ${type} is defined twice`);
  if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/.test(type))
    throw new Error(`event type ${type} must be <family>.<name> in snake_case`);
  const def: EventDefinition<z.output<S>> = {
    type,
    family: familyOf(type),
    version,
    schema: schema as z.ZodType<z.output<S>>,
    build: ({ corporationId, storeId, key, data }) => {
      const env = {
        id: uuidv7(),
        type,
        version,
        occurredAt: new Date().toISOString(),
        corporationId,
        storeId,
        key: envelopeSchema.shape.key.parse(key),
        data: schema.parse(data) as z.output<S>,
      };
      built.add(env);
      return env;
    },
  };
  registry.set(type, def as EventDefinition);
  return def;
}

export function eventDefinition(type: string): EventDefinition | undefined {
  return registry.get(type);
}

/** Envelopes made by a definition's build(): valid by construction, not parsed again on publish. */
const built = new WeakSet<EventEnvelope>();

/** Throws unless the envelope is well formed and its data matches its registered schema. */
export function validateEnvelope(event: EventEnvelope): EventEnvelope {
  if (built.has(event)) return event;
  const env = envelopeSchema.parse(event);
  const def = registry.get(env.type);
  if (!def) throw new Error(`event type ${env.type} is not defined (defineEvent)`);
  if (def.version !== env.version)
    throw new Error(`event ${env.type} has version ${env.version}; the definition is ${def.version}`);
  const data = def.schema.safeParse(env.data);
  if (!data.success) throw new Error(`event ${env.type} has invalid data: ${data.error.message}`);
  return { ...env, data: data.data } as EventEnvelope;
}
