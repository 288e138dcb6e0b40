import { z } from 'zod';
import { DecisionBody } from '../decisions/index.ts';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { httpUrl } from '../http/validators.ts';
import { CATEGORIES, KEYWORDS, keywordAllowed, type Category } from '../taxonomy/categories.ts';
import { isMemberState } from '../taxonomy/member-states.ts';

/**
 * removal_order: TCO Regulation (EU) 2021/784 Art. 3 (act within one hour); order_to_act: DSA Art. 9;
 * order_to_provide_information: DSA Art. 10.
 */
export const ORDER_TYPES = ['removal_order', 'order_to_act', 'order_to_provide_information'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
export const AUTHORITY_KINDS = ['judicial', 'administrative', 'law_enforcement', 'digital_services_coordinator', 'other'] as const;
export const ORDER_STATUSES = ['received', 'acknowledged', 'effect_given', 'impossible'] as const;
export const IMPOSSIBILITY_REASONS = ['force_majeure', 'de_facto_impossibility', 'manifest_errors', 'insufficient_information'] as const;

/** An order that cites no legal ground the categories fit (sheet 3 of the transparency template, category 16). */
export const NOT_SPECIFIED_ORDER = 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER';
/**
 * Categories of an order: those of illegal content. Not the terms-and-conditions category (own initiative only)
 * nor the notices' "not specified" one; orders have their own.
 */
export const ORDER_CATEGORIES: [string, ...string[]] = [
  NOT_SPECIFIED_ORDER,
  ...CATEGORIES.filter((c) => c !== 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' && c !== 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE'),
];

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const datetime = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset' }).transform((v) => new Date(v));

export const memberState = z
  .string({ error: 'required: an EU member state code' })
  .refine(isMemberState, 'not an EU member state code (Eurostat codes, upper case; Greece is EL)');

export const ServiceParams = z.object({ service: z.string() });
export const IdParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be an id (UUID)' }) });

// ---- authorities ----

const authorityFields = {
  name: text(200),
  member_state: memberState,
  kind: z.enum(AUTHORITY_KINDS),
  order_types: z.array(z.enum(ORDER_TYPES)).min(1, 'at least one order type'),
  /** `null` or absent: any category. */
  categories: z.array(z.enum(ORDER_CATEGORIES)).min(1).nullable(),
  contact_email: z.email({ message: 'must be an email address' }).max(254),
  callback_url: httpUrl(2000).nullable(),
  disabled: z.boolean(),
};

export const AuthorityBody = z
  .strictObject({
    ...authorityFields,
    categories: authorityFields.categories.optional(),
    callback_url: authorityFields.callback_url.optional(),
    disabled: authorityFields.disabled.default(false),
  })
  .meta({
    example: {
      name: 'OCLCTIC – Police nationale',
      member_state: 'FR',
      kind: 'law_enforcement',
      order_types: ['removal_order', 'order_to_act'],
      contact_email: 'orders@authority.example',
    },
  });
export type AuthorityInput = z.output<typeof AuthorityBody>;

export const AuthorityPatch = z.strictObject(authorityFields).partial().meta({ example: { disabled: true } });
export type AuthorityPatchInput = z.output<typeof AuthorityPatch>;

export const OrderSettingsBody = z
  .strictObject({ establishment_country: memberState.nullable() })
  .meta({ example: { establishment_country: 'FR' } });

// ---- orders ----

export const OrderItem = z.strictObject({
  url: httpUrl(2000).optional(),
  content_id: text(500).optional(),
  account_ref: text(200).optional(),
  information_requested: text(2000).optional(),
});

const orderFields = {
  type: z.enum(ORDER_TYPES),
  legal_basis: z.string({ error: 'required: the legal provision the order is based on' }).trim().min(1, 'required: the legal provision the order is based on').max(2000),
  issuing_member_state: memberState,
  reference: text(200),
  category: z.enum(ORDER_CATEGORIES),
  keyword: z.enum(KEYWORDS).optional(),
  statement_of_reasons: text(10_000).optional(),
  items: z.array(OrderItem).min(1, 'at least one item').max(1000, 'at most 1000 items'),
  /** Art. 9/10 orders only: a removal order's deadline is fixed by law (one hour from receipt). */
  deadline_at: datetime.optional(),
  territorial_scope: z.array(memberState).min(1).optional(),
  /** Declared cross-border (TCO Art. 4); also true when the issuing state is not the service's establishment. */
  cross_border: z.boolean().optional(),
};

type OrderShape = { type: OrderType; category: string; keyword?: string | undefined; items: Array<z.output<typeof OrderItem>>; deadline_at?: Date | undefined };

function refineOrder(o: OrderShape, ctx: z.RefinementCtx) {
  const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (o.keyword !== undefined && (o.category === NOT_SPECIFIED_ORDER || !keywordAllowed(o.category as Category, o.keyword))) {
    issue(['keyword'], `not a sub-category of ${o.category}`);
  }
  if (o.type === 'removal_order' && o.deadline_at !== undefined) issue(['deadline_at'], 'a removal order must be acted on within one hour of receipt (TCO Art. 3(3)); no other deadline');
  if (!Array.isArray(o.items)) return;
  o.items.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    if (o.type === 'order_to_provide_information') {
      if (!item.account_ref && !item.information_requested && !item.url && !item.content_id) {
        issue(['items', i], 'an item of an information order names an account (account_ref), content (url / content_id) or the information requested');
      }
    } else {
      if (!item.url && !item.content_id) issue(['items', i], 'an item of an order to act names the content: url and/or content_id');
      if (item.information_requested) issue(['items', i, 'information_requested'], 'only in orders to provide information');
    }
  });
}

const whenObject = { when: (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) };

const ORDER_EXAMPLE = {
  type: 'removal_order',
  legal_basis: 'Regulation (EU) 2021/784, Art. 3; Code pénal, art. 421-2-5',
  issuing_member_state: 'FR',
  reference: 'TCO-2026-000123',
  category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  keyword: 'KEYWORD_TERRORIST_CONTENT',
  statement_of_reasons: 'The video glorifies a terrorist attack and calls for new ones.',
  items: [{ url: 'https://forum.example/v/8812' }],
};

export const OrderBody = z.strictObject(orderFields).superRefine(refineOrder, whenObject).meta({ example: ORDER_EXAMPLE });
export type OrderInput = z.output<typeof OrderBody>;

export const RegisterOrderBody = z
  .strictObject({
    ...orderFields,
    authority_id: z.uuid({ message: 'must be an authority id (UUID)' }),
    /** When the order reached the service by its other channel (default: now). */
    received_at: datetime.optional(),
  })
  .superRefine(refineOrder, whenObject)
  .meta({ example: { ...ORDER_EXAMPLE, authority_id: '7f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', received_at: '2026-11-20T09:30:00+01:00' } });
export type RegisterOrderInput = z.output<typeof RegisterOrderBody>;

export const OrderListQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  type: z.enum(ORDER_TYPES).optional(),
  authority_id: z.uuid().optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  cursor: cursorParam(z.tuple([z.string(), z.uuid()])).optional(),
  limit: limitParam,
});

export const AcknowledgeBody = z.strictObject({}).optional().meta({ example: {} });

export const ImpossibilityBody = z
  .strictObject({ reason: z.enum(IMPOSSIBILITY_REASONS), explanation: text(5000) })
  .meta({ example: { reason: 'manifest_errors', explanation: 'The URL in the order does not exist on our service and never did.' } });

export const ContestBody = z
  .strictObject({ grounds: text(5000) })
  .meta({ example: { grounds: 'The content is journalistic reporting on the attack, protected under TCO Art. 1(3); we have asked for a review.' } });

export const EffectBody = z
  .strictObject({
    /** What was done (orders to act) or the information provided (orders to provide information). */
    description: text(10_000),
    /** When it was done (default: now; or the decision's time when one is taken here). */
    performed_at: datetime.optional(),
    /** Decisions already taken on the order's case that give it effect. */
    decision_ids: z.array(z.uuid({ message: 'must be a decision id (UUID)' })).min(1).max(100).optional(),
    /** A decision to take now on the order's case (you must hold its claim), in the same transaction. */
    decision: DecisionBody.optional(),
  })
  .refine((b) => !(b.decision !== undefined && b.decision_ids !== undefined), { path: ['decision_ids'], message: 'either take a decision (decision) or name decisions taken (decision_ids), not both' })
  .meta({
    example: {
      description: 'The video was removed in all member states at 10:12 CET.',
      decision: {
        outcome: 'restriction',
        decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        illegal_content_legal_ground: 'Regulation (EU) 2021/784, Art. 3 (removal order)',
        illegal_content_explanation: 'Terrorist content subject to removal order TCO-2026-000123 of the French police.',
        decision_facts: 'Removal order TCO-2026-000123 of the French police; the video glorifies a terrorist attack.',
        content_type: ['CONTENT_TYPE_VIDEO'],
        content_date: '2026-11-20',
      },
    },
  });
export type EffectInput = z.output<typeof EffectBody>;
