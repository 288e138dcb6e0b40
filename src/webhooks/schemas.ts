import { z } from 'zod';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { httpUrl, isHttpUrl } from '../http/validators.ts';

/** Event types a webhook endpoint may subscribe to (appeal.* and reinstatement come with appeals). */
export const EVENT_TYPES = ['decision.taken', 'decision.corrected'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const endpointUrl = httpUrl(2000).refine((v) => {
  if (!isHttpUrl(v)) return true; // reported by httpUrl already
  const u = new URL(v);
  return u.username === '' && u.password === '';
}, 'must not carry credentials (the signature authenticates Vigie)');

export const ENDPOINT_EXAMPLE = {
  url: 'https://forum.example/hooks/vigie',
  events: ['decision.taken', 'decision.corrected'],
  description: 'Enforcement on the forum',
};

export const EndpointBody = z
  .strictObject({
    url: endpointUrl,
    events: z.array(z.enum(EVENT_TYPES)).min(1).default([...EVENT_TYPES]),
    description: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ example: ENDPOINT_EXAMPLE });

export const ServiceParams = z.object({ service: z.string() });
export const EndpointParams = z.object({ service: z.string(), id: z.uuid() });
export const DeliveryParams = z.object({ service: z.string(), id: z.uuid() });
export const EventParams = z.object({ service: z.string(), eventId: z.uuid() });

export const DeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
  after: cursorParam(z.tuple([z.string(), z.uuid()])).optional(),
  limit: limitParam,
});

export const ActionsQuery = z.object({
  after: cursorParam(z.tuple([z.number().int().min(0)])).optional(),
  limit: limitParam,
});

export const CONFIRM_EXAMPLE = { effective_at: '2026-11-21T10:15:00Z' };
export const ConfirmBody = z
  .strictObject({ effective_at: z.iso.datetime({ offset: true }).transform((v) => new Date(v)) })
  .meta({ example: CONFIRM_EXAMPLE });
